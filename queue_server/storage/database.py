"""SQLite storage: WAL, synchronous=FULL, one writer with group commit, per-thread readers.

Nothing acknowledged is lost on a power cut: every write commits with a full
fsync before the API answers. All writes go through `Store.write()`, which
holds one lock and one connection, so concurrent requests queue in the
process instead of racing for SQLite's lock; other processes (the CLI) still
serialise through BEGIN IMMEDIATE and the busy timeout.

Group commit: a write runs inside the open transaction as its own SAVEPOINT
(the first of a group needs none), and leaves the COMMIT to the last writer
queued behind it. Writes that arrive while a COMMIT (the fsync) is running
queue for the lock and go out together in the next transaction, so one fsync
acknowledges many writes. Each `write()` returns only once its transaction is
durable; a write that fails rolls back to its savepoint alone, and a failed
COMMIT fails (and undoes) exactly the writes of that group. Only threading
primitives are used, which gevent patches, so the same writer serves threads
and greenlets.
"""

from __future__ import annotations

import sqlite3
import threading
import time
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
MAX_GROUP = 64  # writes per transaction at most, so a steady stream of writers still commits
FOLLOWER_CHECK_S = 0.05  # how often a writer waiting for its group checks that someone will commit it


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


class _Group:
    """The writes of one transaction: what to run after its COMMIT, or to undo if it fails."""

    __slots__ = ("after_commit", "on_rollback", "size", "done", "error")

    def __init__(self) -> None:
        self.after_commit: list[Callable[[], None]] = []
        self.on_rollback: list[Callable[[], None]] = []
        self.size = 0
        self.done = threading.Event()
        self.error: BaseException | None = None


class Store:
    """The hall's database. `write()` for changes, `read()` for queries."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._write_conn = _connect(self.path)
        self._write_conn.execute("PRAGMA journal_mode=WAL")
        self._writer = Database(self._write_conn)
        for migrations in MIGRATION_SETS:
            migrations.apply(self._writer)
        self._lock = threading.Lock()  # the write connection and everything below
        self._queue_lock = threading.Lock()
        self._queued = 0  # writers waiting for `_lock`
        self._group: _Group | None = None  # the open transaction's writes
        self._after_commit: list[Callable[[], None]] = []  # the running write's
        self._on_rollback: list[Callable[[], None]] = []
        self._undoing = False
        # Under gevent nothing else runs while a greenlet holds the CPU, so a writer yields once before it
        # commits alone; threads need no such yield (they arrive during the fsync, which releases the GIL),
        # and on a busy machine a thread's sleep(0) costs a whole time slice with the lock held.
        self._cooperative = getattr(time.sleep, "__module__", "").startswith("gevent")
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []

    @property
    def conn(self) -> sqlite3.Connection:
        """The write connection, for plain SQL inside `write()` (sqlite-utils adds statements on hot paths)."""
        return self._write_conn

    @contextmanager
    def write(self) -> Iterator[Database]:
        """One write, atomic on its own, acknowledged (the block left) only after its COMMIT is durable.

        Callbacks registered with `after_commit` run after the commit, in commit order, still under the
        lock, so live events leave in the order they were logged. Callbacks registered with `on_rollback`
        run (newest first) if this write or its group's COMMIT fails.
        """
        with self._queue_lock:
            self._queued += 1
        try:
            self._lock.acquire()
        finally:
            with self._queue_lock:
                self._queued -= 1
        try:
            group, first = self._begin()
        except BaseException:
            self._lock.release()
            raise
        try:
            yield self._writer
        except BaseException:
            self._abandon(group, first)
            self._settle(group, failed=True)
            raise
        self._keep(group, first)
        self._settle(group, failed=False)

    def _begin(self) -> tuple[_Group, bool]:
        self._after_commit, self._on_rollback = [], []
        if self._group is None:
            self._write_conn.execute("BEGIN IMMEDIATE")
            self._group = _Group()
            return self._group, True
        self._write_conn.execute("SAVEPOINT write")
        return self._group, False

    def _undo(self, callbacks: list[Callable[[], None]]) -> None:
        self._undoing = True  # what an undo changes is not itself to be undone
        try:
            for cb in reversed(callbacks):
                cb()
        finally:
            self._undoing = False

    def _abandon(self, group: _Group, first: bool) -> None:
        """This write failed: undo it alone (the first of a group rolls back the still-empty transaction)."""
        undo, self._on_rollback, self._after_commit = self._on_rollback, [], []
        try:
            if first:
                self._write_conn.execute("ROLLBACK")
                self._group = None
            else:
                self._write_conn.execute("ROLLBACK TO write")
                self._write_conn.execute("RELEASE write")
        finally:
            self._undo(undo)

    def _keep(self, group: _Group, first: bool) -> None:
        if not first:
            self._write_conn.execute("RELEASE write")
        group.after_commit += self._after_commit
        group.on_rollback += self._on_rollback
        group.size += 1
        self._after_commit, self._on_rollback = [], []

    def _others_queued(self) -> bool:
        with self._queue_lock:
            return self._queued > 0

    def _settle(self, group: _Group, *, failed: bool) -> None:
        """Commit the group now, or leave it to a writer queued behind; then wait until it is durable."""
        try:
            if self._group is not group:  # the first write of a group failed: nothing is pending
                return
            if self._cooperative and group.size < MAX_GROUP and not self._others_queued():
                time.sleep(0)  # let greenlets that are ready reach the queue and join this group
            if group.size >= MAX_GROUP or not self._others_queued():
                self._commit(group)
        finally:
            self._lock.release()
        if failed:
            return  # this write took no part in the group; its own error is what the caller sees
        while not group.done.wait(FOLLOWER_CHECK_S):
            # The writer queued behind us may have given up waiting (a killed greenlet): commit ourselves.
            with self._lock:
                if self._group is group:
                    self._commit(group)
        if group.error is not None:
            raise group.error

    def _commit(self, group: _Group) -> None:
        """COMMIT (under the lock); on failure roll back and undo every write of the group."""
        self._group = None
        try:
            self._write_conn.execute("COMMIT")
        except BaseException as e:
            group.error = e
            if self._write_conn.in_transaction:
                self._write_conn.execute("ROLLBACK")
            self._undo(group.on_rollback)
            group.done.set()
            return
        group.done.set()
        for cb in group.after_commit:
            cb()

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the running write's transaction has committed."""
        self._after_commit.append(callback)

    def on_rollback(self, callback: Callable[[], None]) -> None:
        """Run `callback` if the running write (or its group's COMMIT) is rolled back."""
        if not self._undoing:
            self._on_rollback.append(callback)

    def read(self) -> Database:
        """This thread's read connection (WAL readers never block the writer)."""
        db = getattr(self._local, "db", None)
        if db is None:
            conn = _connect(self.path)
            with self._queue_lock:  # not the writer's lock: a reader never waits for a commit
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
