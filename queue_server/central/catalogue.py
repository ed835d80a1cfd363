"""The published matter catalogue on PostgreSQL: numbered versions (who, when), and which version each hall has."""

from __future__ import annotations

import psycopg

from queue_server.catalogue import parse_catalogue, to_toml


def publish(conn: psycopg.Connection, text: str, who: str) -> tuple[int, bool]:
    """Validate and store `text` as the next version: (version, True); the same document as the latest is not a new
    version: (latest, False). ConfigError (naming the field) when it is refused."""
    cat = parse_catalogue(text)
    doc = to_toml(cat)
    summary = f"{len(cat.matters)} matters, {len(cat.bundles)} bundles, {len(cat.materials)} materials"
    with conn.transaction():
        conn.execute("LOCK TABLE catalogue_versions IN EXCLUSIVE MODE")  # versions are numbered one at a time
        row = conn.execute("SELECT version, document FROM catalogue_versions ORDER BY version DESC LIMIT 1").fetchone()
        if row and row[1] == doc:
            return row[0], False
        version = (row[0] if row else 0) + 1
        conn.execute("INSERT INTO catalogue_versions (version, document, published_by, summary)"
                     " VALUES (%s, %s, %s, %s)", [version, doc, who, summary])
    return version, True


def latest_version(conn: psycopg.Connection) -> int:
    return conn.execute("SELECT coalesce(max(version), 0) FROM catalogue_versions").fetchone()[0]


def latest(conn: psycopg.Connection) -> dict | None:
    row = conn.execute("SELECT version, document, published_by, published_at FROM catalogue_versions"
                       " ORDER BY version DESC LIMIT 1").fetchone()
    if row is None:
        return None
    return {"version": row[0], "document": row[1], "published_by": row[2], "published_at": row[3].isoformat()}


def versions(conn: psycopg.Connection) -> list[tuple]:
    return conn.execute("SELECT version, published_at, published_by, summary FROM catalogue_versions"
                        " ORDER BY version DESC").fetchall()


def hall_has(conn: psycopg.Connection, code: str, version: int | None) -> None:
    """Record what the hall says it has applied (its poll's If-None-Match), and that it asked now."""
    conn.execute("UPDATE halls SET catalogue_version = coalesce(%s, catalogue_version), catalogue_checked_at = now()"
                 " WHERE code = %s", [version, code])
