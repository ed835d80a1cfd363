"""SQLite storage: WAL, synchronous=FULL, one writer with BEGIN IMMEDIATE, per-thread readers.

Nothing acknowledged is lost on a power cut: every write commits with a full
fsync before the API answers. All writes go through `Store.write()`, which
holds one lock and one connection, so concurrent requests queue in the
process instead of racing for SQLite's lock; other processes (the CLI) still
serialise through BEGIN IMMEDIATE and the busy timeout.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from queue_server.storage import (
    appointments_schema,
    audit_schema,
    pickups_schema,
    ratings_schema,
    schema,
)

# Every table of the hall, in the order the sets are applied: the queue's own, then each service's.
MIGRATION_SETS = (schema.migrations, pickups_schema.migrations, appointments_schema.migrations,
                  ratings_schema.migrations, audit_schema.migrations)

BUSY_TIMEOUT_MS = 10_000
PRIVATE = 0o600


def make_private(db_path: str) -> None:
    """The database and its -wal/-shm files: readable by the service's user only.

    A new database file is born 0600 (SQLite gives its -wal and -shm the database file's mode); files
    left wider by an older version or a copy are narrowed at start-up.
    """
    try:
        os.close(os.open(db_path, os.O_RDWR | os.O_CREAT | os.O_EXCL, PRIVATE))
    except FileExistsError:
        pass
    for path in (db_path, db_path + "-wal", db_path + "-shm"):
        try:
            if os.stat(path).st_mode & 0o077:
                os.chmod(path, PRIVATE)
        except FileNotFoundError:
            continue


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


class Store:
    """The hall's database. `write()` for changes, `read()` for queries."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        if self.path != ":memory:":
            make_private(self.path)
        self._write_conn = _connect(self.path)
        self._write_conn.execute("PRAGMA journal_mode=WAL")
        self._writer = Database(self._write_conn)
        if self.path != ":memory:":
            make_private(self.path)  # the -wal and -shm files exist now
        for migrations in MIGRATION_SETS:
            migrations.apply(self._writer)
        self._lock = threading.Lock()
        self._local = threading.local()
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
