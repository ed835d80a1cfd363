"""SQLite storage: WAL, synchronous=FULL, one writer with group commit, per-thread readers.

Nothing acknowledged is lost on a power cut: every write commits with a full
fsync before the API answers. All writes go through `Store.write()`, which
holds one lock and one connection, so concurrent requests queue in the
process instead of racing for SQLite's lock; other processes (the CLI) still
serialise through BEGIN IMMEDIATE and the busy timeout.

In the gevent server the lock is a gevent lock (greenlets queue on it) and
readers stay per OS thread, so all greenlets share one read connection: SQLite
calls never yield, and a connection per greenlet would be one per HTTP
connection.

Storage faults (locked by another program, disk full, I/O error, read-only)
become `StorageUnavailable` (503) and are noted in `health`; the next write
that succeeds clears them. Readers wait at most READ_BUSY_TIMEOUT_MS. The file
is known by its device and inode: if it vanishes or is replaced under the
running server, the store stops serving for good instead of writing into a
deleted file or a stranger's database.

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

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

from sqlite_utils import Database

from queue_server import request_spans
from queue_server.errors import StorageUnavailable
from queue_server.serving import green
from queue_server.serving.green import os_thread_local
from queue_server.storage import (
    appointments_schema,
    audit_schema,
    cases_schema,
    config_schema,
    meta_schema,
    notify_schema,
    pickups_schema,
    ratings_schema,
    schema,
)
from queue_server.storage.health import LOST, HealthState, StorageHealth, describe, fault_kind

# Every table of the hall, in the order the sets are applied: the queue's own, then each service's.
MIGRATION_SETS = (schema.migrations, pickups_schema.migrations, appointments_schema.migrations,
                  ratings_schema.migrations, audit_schema.migrations, notify_schema.migrations,
                  config_schema.migrations, meta_schema.migrations, cases_schema.migrations)

# The writer waits this long for another process (the CLI) to finish its write. SQLite's wait blocks the whole
# gevent server (its calls never yield), so it is short: the CLI's writes take milliseconds.
BUSY_TIMEOUT_MS = 1_000
LOCK_WAIT_S = 10.0  # a write waits this long for the server's own earlier writes (greenlets yield meanwhile)
FAULT_BUSY_TIMEOUT_MS = 250  # … but only this long while the database is known to be locked: answer 503 fast
READ_BUSY_TIMEOUT_MS = 1_000  # a reader never waits longer (WAL readers normally do not wait at all)
MAX_GROUP = 64  # writes per transaction at most, so a steady stream of writers still commits
FOLLOWER_CHECK_S = 0.05  # how often a writer waiting for its group checks that someone will commit it
log = logging.getLogger(__name__)
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
    """The hall's database. `write()` for changes, `read()` for queries, `health` for how it fares."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        if self.path != ":memory:":
            make_private(self.path)
        self.health = StorageHealth()
        self._write_conn = _connect(self.path, BUSY_TIMEOUT_MS)
        self._write_conn.execute("PRAGMA journal_mode=WAL")
        self._writer = Database(self._write_conn)
        if self.path != ":memory:":
            make_private(self.path)  # the -wal and -shm files exist now
        for migrations in MIGRATION_SETS:
            migrations.apply(self._writer)
        self._identity = _identity(self.path)
        # The write-ahead log holds commits not yet copied into the main file: deleted or swapped under the
        # server, they would be lost at its next start. SQLite keeps this file while the server's connections
        # are open, so a different one (or none) means someone touched it.
        self._wal_identity = _identity(self.path + "-wal") if self.path != ":memory:" else None
        self._lock = threading.Lock()  # the write connection and everything below
        self._queue_lock = threading.Lock()
        self._queued = 0  # writers waiting for `_lock`
        self._group: _Group | None = None  # the open transaction's writes
        self._on_rollback: list[Callable[[], None]] = []  # the running write's
        self._undoing = False
        # Under gevent nothing else runs while a greenlet holds the CPU, so a writer yields once before it
        # commits alone; threads need no such yield (they arrive during the fsync, which releases the GIL),
        # and on a busy machine a thread's sleep(0) costs a whole time slice with the lock held.
        self._cooperative = getattr(time.sleep, "__module__", "").startswith("gevent")
        self._local = os_thread_local()
        self._readers_lock = threading.Lock()  # not the writer's: a reader never waits for a write to finish
        self._readers: list[sqlite3.Connection] = []
        self._after_commit: list[Callable[[], None]] = []
        self._busy_ms = BUSY_TIMEOUT_MS
        self._ended: list[HealthState] = []  # faults that passed, told to the callbacks once the lock is free
        self._recovery_callbacks: list[Callable[[HealthState], None]] = []

    @property
    def conn(self) -> sqlite3.Connection:
        """The write connection, for plain SQL inside `write()` (sqlite-utils adds statements on hot paths)."""
        return self._write_conn

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
        if self.health.lost:
            current = self.health.current
            raise self.fault(current.kind or "gone", current.detail or "")
        for path, known in ((self.path, self._identity), (self.path + "-wal", self._wal_identity)):
            now = _identity(path)
            if now != known:
                kind = "gone" if now is None else "replaced"
                raise self.fault(kind, f"{path} {'no longer exists' if now is None else 'is another file now'};"
                                       " not writing on: restore the database from its backup and restart")
            if known is None:  # no write-ahead log to check (an in-memory database)
                break

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
        """One write, atomic on its own, acknowledged (the block left) only after its COMMIT is durable.

        Callbacks registered with `after_commit` run after the commit, in commit order, still under the
        lock, so live events leave in the order they were logged. Callbacks registered with `on_rollback`
        run (newest first) if this write or its group's COMMIT fails. A storage fault becomes
        StorageUnavailable (503).
        """
        self.check_file()
        with self._queue_lock:
            self._queued += 1
        waited = time.perf_counter()
        try:
            got = self._lock.acquire(timeout=LOCK_WAIT_S)
        finally:
            with self._queue_lock:
                self._queued -= 1
            request_spans.note("lock", time.perf_counter() - waited)
        if not got:
            raise self.fault("busy", "waited too long for the other writes of this server")
        try:
            group, first = self._begin()
        except BaseException:
            self._lock.release()
            raise
        try:
            yield self._writer
        except BaseException as e:
            self._abandon(group, first)
            self._settle(group, failed=True)
            if isinstance(e, sqlite3.Error):
                self._raise(e)
            raise
        self._keep(group, first)
        done = time.perf_counter()
        try:
            self._settle(group, failed=False)
        except sqlite3.Error as e:
            self._raise(e)
        finally:
            request_spans.note("commit", time.perf_counter() - done)
        if self._ended:
            self._tell_recovered()

    def _begin(self) -> tuple[_Group, bool]:
        self._after_commit, self._on_rollback = [], []
        if self._group is not None:
            self._write_conn.execute("SAVEPOINT write")
            return self._group, False
        self._set_busy(FAULT_BUSY_TIMEOUT_MS if self.health.current.kind in ("locked", "busy") else BUSY_TIMEOUT_MS)
        try:
            self._write_conn.execute("BEGIN IMMEDIATE")
            self.check_file()  # the file may have gone while this request waited for the lock
        except sqlite3.Error as e:
            self._rollback()
            self._raise(e)
        except StorageUnavailable:
            self._rollback()
            raise
        self._group = _Group()
        return self._group, True

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
                self._rollback()
                self._group = None
            else:
                try:
                    self._write_conn.execute("ROLLBACK TO write")
                    self._write_conn.execute("RELEASE write")
                except sqlite3.Error:  # an I/O error may have rolled the whole transaction back
                    self._fail_group(group, sqlite3.OperationalError("disk I/O error: the transaction was rolled back"))
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
        """COMMIT (under the lock); on failure roll back and undo every write of the group.

        In the gevent server the COMMIT (its fsync, milliseconds on a busy disk) runs on a real thread: the
        event loop meanwhile answers reads and streams, and writers queue for the lock and form the next group,
        instead of every request of the server waiting for the disk."""
        self._group = None
        took: list[float] = []

        def commit() -> None:
            began = time.perf_counter()
            try:
                self._write_conn.execute("COMMIT")
            finally:
                took.append(time.perf_counter() - began)

        try:
            interrupted = green.off_loop_to_the_end(commit)
        except BaseException as e:
            self._fail_group(group, e)
            return
        finally:
            request_spans.note("fsync", sum(took))  # the COMMIT itself; the rest of `commit` is waiting its turn
        self._recovered()
        group.done.set()
        for cb in group.after_commit:
            cb()
        if interrupted is not None:
            raise interrupted

    def _fail_group(self, group: _Group, error: BaseException) -> None:
        """The group's transaction failed or is gone: roll back, undo and fail every write in it with `error`."""
        self._group = None
        group.error = error
        self._rollback()
        self._undo(group.on_rollback)
        group.done.set()

    def _rollback(self) -> None:
        self._after_commit = []
        if self._write_conn.in_transaction:
            try:
                self._write_conn.execute("ROLLBACK")
            except sqlite3.Error:  # the transaction may already be gone (SQLite rolls back on some I/O errors)
                pass

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the running write's transaction has committed."""
        self._after_commit.append(callback)

    def on_rollback(self, callback: Callable[[], None]) -> None:
        """Run `callback` if the running write (or its group's COMMIT) is rolled back."""
        if not self._undoing:
            self._on_rollback.append(callback)

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
        if self._group is not None:  # a group waits for its COMMIT: that write will tell
            self._lock.release()
            return
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
