"""Connections to the central PostgreSQL: a pool for the service, a single connection for the CLI."""

from __future__ import annotations

import psycopg
from psycopg_pool import ConnectionPool

# Every connection speaks UTC: month partitions and day boundaries are computed the same way everywhere.
OPTIONS = "-c timezone=UTC"


def connect(dsn: str) -> psycopg.Connection:
    return psycopg.connect(dsn, autocommit=True, options=OPTIONS)


def pool(dsn: str, size: int = 8) -> ConnectionPool:
    p = ConnectionPool(dsn, min_size=1, max_size=size, open=False, timeout=30.0,
                       kwargs={"autocommit": True, "options": OPTIONS})
    p.open(wait=True, timeout=30.0)
    return p
