"""The city's central service: one PostgreSQL receiving every hall's event log, and the city's pages."""
