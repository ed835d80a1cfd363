"""SQLite storage: WAL, synchronous=FULL, one writer with BEGIN IMMEDIATE, per-thread readers.

Nothing acknowledged is lost on a power cut: every write commits with a full
fsync before the API answers. All writes go through `Store.write()`, which
holds one lock and one connection, so concurrent requests queue in the
process instead of racing for SQLite's lock; other processes (the CLI) still
serialise through BEGIN IMMEDIATE and the busy timeout.

In the gevent server the lock is a gevent lock (greenlets queue on it) and
readers stay per OS thread, so all greenlets share one read connection: SQLite
calls never yield, and a connection per greenlet would be one per HTTP
connection.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from queue_server.green import os_thread_local
from queue_server.schema import migrations

BUSY_TIMEOUT_MS = 10_000


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


class Store:
    """The hall's database. `write()` for changes, `read()` for queries."""

    def __init__(self, path: str | Path, extra_migrations: list | None = None):
        self.path = str(path)
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._write_conn = _connect(self.path)
        self._write_conn.execute("PRAGMA journal_mode=WAL")
        self._writer = Database(self._write_conn)
        migrations.apply(self._writer)
        for more in extra_migrations or []:
            more.apply(self._writer)
        self._lock = threading.Lock()
        self._local = os_thread_local()
        self._readers: list[sqlite3.Connection] = []
        self._after_commit: list[Callable[[], None]] = []

    @contextmanager
    def write(self) -> Iterator[Database]:
        """One write transaction (BEGIN IMMEDIATE … COMMIT), serialised in this process.

        Callbacks registered with `after_commit` run after the commit, still
        under the lock, so live events leave in commit order.
        """
        with self._lock:
            self._write_conn.execute("BEGIN IMMEDIATE")
            self._after_commit = []
            try:
                yield self._writer
            except BaseException:
                self._write_conn.execute("ROLLBACK")
                self._after_commit = []
                raise
            self._write_conn.execute("COMMIT")
            callbacks, self._after_commit = self._after_commit, []
            for cb in callbacks:
                cb()

    def after_commit(self, callback: Callable[[], None]) -> None:
        self._after_commit.append(callback)

    def read(self) -> Database:
        """This thread's read connection (WAL readers never block the writer)."""
        db = getattr(self._local, "db", None)
        if db is None:
            conn = _connect(self.path)
            with self._lock:
                self._readers.append(conn)
            db = Database(conn)
            self._local.db = db
        return db

    def close(self) -> None:
        with self._lock:
            for conn in self._readers:
                conn.close()
            self._readers.clear()
            self._write_conn.close()
