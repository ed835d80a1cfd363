"""The hall database: SQLite connections, the one writer, and the schema migrations."""
