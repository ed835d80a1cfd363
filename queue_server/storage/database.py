"""SQLite storage: WAL, synchronous=FULL, one writer with BEGIN IMMEDIATE, per-thread readers.

Nothing acknowledged is lost on a power cut: every write commits with a full
fsync before the API answers. All writes go through `Store.write()`, which
holds one lock and one connection, so concurrent requests queue in the
process instead of racing for SQLite's lock; other processes (the CLI) still
serialise through BEGIN IMMEDIATE and the busy timeout.

Storage faults (locked by another program, disk full, I/O error, read-only)
become `StorageUnavailable` (503) and are noted in `health`; the next write
that succeeds clears them. Readers wait at most READ_BUSY_TIMEOUT_MS. The file
is known by its device and inode: if it vanishes or is replaced under the
running server, the store stops serving for good instead of writing into a
deleted file or a stranger's database.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

from sqlite_utils import Database

from queue_server.errors import StorageUnavailable
from queue_server.storage import (
    appointments_schema,
    audit_schema,
    notify_schema,
    pickups_schema,
    ratings_schema,
    schema,
)
from queue_server.storage.health import LOST, HealthState, StorageHealth, describe, fault_kind

# Every table of the hall, in the order the sets are applied: the queue's own, then each service's.
MIGRATION_SETS = (schema.migrations, pickups_schema.migrations, appointments_schema.migrations,
                  ratings_schema.migrations, audit_schema.migrations, notify_schema.migrations)

BUSY_TIMEOUT_MS = 10_000  # the writer waits this long for another process (the CLI) to finish its write
FAULT_BUSY_TIMEOUT_MS = 250  # … but only this long while the database is known to be locked: answer 503 fast
READ_BUSY_TIMEOUT_MS = 1_000  # a reader never waits longer (WAL readers normally do not wait at all)
log = logging.getLogger(__name__)


def _connect(path: str, busy_ms: int) -> sqlite3.Connection:
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=busy_ms / 1000)
    conn.execute(f"PRAGMA busy_timeout={busy_ms}")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino)


class Store:
    """The hall's database. `write()` for changes, `read()` for queries, `health` for how it fares."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.health = StorageHealth()
        self._write_conn = _connect(self.path, BUSY_TIMEOUT_MS)
        self._write_conn.execute("PRAGMA journal_mode=WAL")
        self._writer = Database(self._write_conn)
        for migrations in MIGRATION_SETS:
            migrations.apply(self._writer)
        self._identity = _identity(self.path)
        self._lock = threading.Lock()
        self._local = threading.local()
        self._readers_lock = threading.Lock()  # not the writer's: a reader never waits for a write to finish
        self._readers: list[sqlite3.Connection] = []
        self._after_commit: list[Callable[[], None]] = []
        self._busy_ms = BUSY_TIMEOUT_MS
        self._ended: list[HealthState] = []  # faults that passed, told to the callbacks once the lock is free
        self._recovery_callbacks: list[Callable[[HealthState], None]] = []

    # ---- faults ----
    def fault(self, kind: str, detail: str) -> StorageUnavailable:
        """Note a storage fault and return the 503 error that tells the client."""
        if self.health.fault(kind, detail):
            level = logging.CRITICAL if kind in LOST else logging.ERROR
            log.log(level, "storage fault (%s) on %s: %s", kind, self.path, detail)
        zh, en, retry = describe(kind)
        return StorageUnavailable(f"{zh} / {en}", kind=kind, retry_after_s=retry)

    def sqlite_fault(self, e: sqlite3.Error) -> StorageUnavailable | None:
        """The 503 for an sqlite error that is a storage fault (noted in `health`), None for any other error."""
        kind = fault_kind(str(e))
        return self.fault(kind, str(e)) if kind else None

    def _raise(self, e: sqlite3.Error) -> NoReturn:
        fault = self.sqlite_fault(e)
        if fault is None:
            raise e
        raise fault from e

    def check_file(self) -> None:
        """StorageUnavailable (for good) if the database file vanished or was replaced under the server."""
        current = self.health.current
        if current.state == "lost":
            raise self.fault(current.kind or "gone", current.detail or "")
        now = _identity(self.path)
        if now != self._identity:
            kind = "gone" if now is None else "replaced"
            raise self.fault(kind, f"{self.path} {'no longer exists' if now is None else 'is another file now'};"
                                   " not recreating it: restore the database from its backup and restart")

    def _recovered(self) -> None:
        ended = self.health.ok()
        if ended:
            log.warning("storage recovered on %s after %s (%d failed requests)", self.path, ended.kind,
                        ended.failures)
            self._ended.append(ended)

    def on_recovered(self, callback: Callable[[HealthState], None]) -> None:
        """`callback(the fault that ended)` runs after a fault passes, outside the write lock (it may write)."""
        self._recovery_callbacks.append(callback)

    def _tell_recovered(self) -> None:
        ended, self._ended = self._ended, []
        for fault in ended:
            for cb in self._recovery_callbacks:
                try:
                    cb(fault)
                except Exception:  # the request that found the store healthy again must not fail for this
                    log.exception("storage recovery callback failed")

    def _set_busy(self, ms: int) -> None:
        if ms != self._busy_ms:
            self._write_conn.execute(f"PRAGMA busy_timeout={ms}")
            self._busy_ms = ms

    # ---- writing ----
    @contextmanager
    def write(self) -> Iterator[Database]:
        """One write transaction (BEGIN IMMEDIATE … COMMIT), serialised in this process.

        Callbacks registered with `after_commit` run after the commit, still
        under the lock, so live events leave in commit order.
        """
        self.check_file()
        if not self._lock.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
            raise self.fault("busy", "waited too long for the other writes of this server")
        try:
            yield from self._transaction()
        finally:
            self._lock.release()
        if self._ended:
            self._tell_recovered()

    def _transaction(self) -> Iterator[Database]:
        conn = self._write_conn
        self._set_busy(FAULT_BUSY_TIMEOUT_MS if self.health.current.kind in ("locked", "busy") else BUSY_TIMEOUT_MS)
        self._after_commit = []
        try:
            conn.execute("BEGIN IMMEDIATE")
            self.check_file()  # the file may have gone while this request waited for the lock
        except sqlite3.Error as e:
            self._rollback()
            self._raise(e)
        except StorageUnavailable:
            self._rollback()
            raise
        try:
            yield self._writer
            conn.execute("COMMIT")
        except sqlite3.Error as e:
            self._rollback()
            self._raise(e)
        except BaseException:
            self._rollback()
            raise
        self._recovered()
        callbacks, self._after_commit = self._after_commit, []
        for cb in callbacks:
            cb()

    def _rollback(self) -> None:
        self._after_commit = []
        if self._write_conn.in_transaction:
            try:
                self._write_conn.execute("ROLLBACK")
            except sqlite3.Error:  # the transaction may already be gone (SQLite rolls back on some I/O errors)
                pass

    def after_commit(self, callback: Callable[[], None]) -> None:
        self._after_commit.append(callback)

    # ---- reading ----
    def read(self) -> Database:
        """This thread's read connection (WAL readers never block the writer)."""
        self.check_file()
        db = getattr(self._local, "db", None)
        if db is None:
            conn = _connect(self.path, READ_BUSY_TIMEOUT_MS)
            with self._readers_lock:
                self._readers.append(conn)
            db = Database(conn)
            self._local.db = db
        return db

    def probe(self) -> None:
        """Try the database now (a read, and a write lock taken and given back): clears a passing fault that is
        over, raises StorageUnavailable if it is not. The disk being full only shows on a real write."""
        self.check_file()
        try:
            self.read().execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as e:
            self._raise(e)
        if self.health.current.state == "ok" or self.health.current.kind == "disk_full":
            return
        if not self._lock.acquire(timeout=READ_BUSY_TIMEOUT_MS / 1000):
            return  # a write is in progress: it will tell
        try:
            self._set_busy(FAULT_BUSY_TIMEOUT_MS)
            try:
                self._write_conn.execute("BEGIN IMMEDIATE")
                self._write_conn.execute("ROLLBACK")
            except sqlite3.Error as e:
                self._rollback()
                self._raise(e)
            self._recovered()
        finally:
            self._lock.release()
        if self._ended:
            self._tell_recovered()

    def close(self) -> None:
        with self._lock, self._readers_lock:
            for conn in self._readers:
                conn.close()
            self._readers.clear()
            self._write_conn.close()
