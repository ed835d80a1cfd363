"""Monthly partitions of the central events table, made when the first event of a month arrives."""

from __future__ import annotations

from datetime import date

import psycopg


def month_bounds(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, following


def partition_name(day: date) -> str:
    return f"events_{day.year:04d}{day.month:02d}"


class Partitions:
    """Remembers the months that have a partition, so the ingest path asks PostgreSQL only for a new month."""

    def __init__(self) -> None:
        self.known: set[str] = set()

    def ensure(self, conn: psycopg.Connection, days: set[date]) -> None:
        """Create the partitions of these days' months (UTC, as the connections speak) in their own short
        transaction, serialised by a lock."""
        wanted = {partition_name(d): month_bounds(d) for d in days}
        missing = {n: b for n, b in wanted.items() if n not in self.known}
        if not missing:
            return
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(190002)")
            for name, (first, following) in sorted(missing.items()):
                conn.execute(f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF events"
                             f" FOR VALUES FROM ('{first.isoformat()}') TO ('{following.isoformat()}')")
        self.known.update(missing)
