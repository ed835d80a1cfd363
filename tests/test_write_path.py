"""The write path: SQL statements per issue and call-next (counted, and not growing with the queue), the board
read from memory, and group commit (writes queued behind a commit share one transaction, a failing write is
rolled back alone, a failed COMMIT fails and undoes exactly its group)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from queue_server.clock import FixedClock
from queue_server.errors import Conflict, Forbidden, StorageUnavailable
from queue_server.hall import Hall
from queue_server.hall_config import load_config
from queue_server.ops import tickets as ticket_ops
from queue_server.ops import windows as window_ops
from queue_server.ops.accounts import Principal
from queue_server.ops.live import board
from queue_server.storage.database import Store

START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
KIOSK = ("kiosk", "kiosk-01")
STAFF = Principal("staff", "s1")


def statements(conn: sqlite3.Connection, action) -> list[str]:
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        action()
    finally:
        conn.set_trace_callback(None)
    return seen


@pytest.fixture
def hall(tmp_path):
    clock = FixedClock(START)
    h = Hall(config=load_config(), db_path=tmp_path / "hall.db", clock=clock)
    window_ops.open_window(h, 1, STAFF)
    yield h
    h.close()


@pytest.mark.parametrize("waiting", [0, 300])
def test_issue_and_call_next_take_a_few_statements_however_long_the_queue(hall, waiting):
    for i in range(waiting):
        ticket_ops.issue_ticket(hall, zone=["commerce", "public"][i % 2], actor=KIOSK,
                                priority="elderly" if i % 7 == 0 else None)
    conn = hall.store.conn
    issue = statements(conn, lambda: ticket_ops.issue_ticket(hall, zone="commerce", actor=KIOSK))
    assert len(issue) <= 6, issue
    call = statements(conn, lambda: window_ops.call_next(hall, 1, STAFF))
    assert len(call) <= 6, call
    assert [s for s in issue + call if "sqlite_master" in s or "PRAGMA" in s] == []


def test_a_call_next_with_nobody_waiting_writes_nothing_but_refuses_as_before(hall):
    """204 from the live state: no transaction (it would be empty); refusals still come from the write path."""
    reader = hall.store.read().conn
    seen = statements(reader, lambda: statements(hall.store.conn, lambda: window_ops.call_next(hall, 1, STAFF)))
    assert seen == []
    assert statements(hall.store.conn, lambda: window_ops.call_next(hall, 1, STAFF)) == []
    assert window_ops.call_next(hall, 1, STAFF) is None
    with pytest.raises(Forbidden):  # window 1 is s1's
        window_ops.call_next(hall, 1, Principal("staff", "s2"))
    with pytest.raises(Conflict, match="closed"):
        window_ops.call_next(hall, 2, STAFF)
    window_ops.pause_window(hall, 1, STAFF, None)
    with pytest.raises(Conflict, match="paused"):
        window_ops.call_next(hall, 1, STAFF)
    window_ops.resume_window(hall, 1, STAFF)
    ticket_ops.issue_ticket(hall, zone="commerce", actor=KIOSK)
    assert window_ops.call_next(hall, 1, STAFF)["number"] == "A001"
    with pytest.raises(Conflict, match="still at window 1"):
        window_ops.call_next(hall, 1, STAFF)


def test_the_board_reads_memory_not_the_database(hall):
    for _ in range(5):
        ticket_ops.issue_ticket(hall, zone="commerce", actor=KIOSK)
    window_ops.call_next(hall, 1, STAFF)
    reader = hall.store.read().conn
    seen = statements(reader, lambda: board(hall))
    assert seen == []
    b = board(hall)
    assert [c["number"] for c in b["calls"]] == ["A001"]
    assert {z["zone"]: z["waiting"] for z in b["zones"]}["commerce"] == 4


class _FailingCommit:
    """The write connection, except that COMMIT fails as on a full disk."""

    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn

    def execute(self, sql: str, *args):
        if sql == "COMMIT":
            raise sqlite3.OperationalError("disk I/O error")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._conn, name)


def _insert(store: Store, message: str) -> None:
    store.conn.execute("INSERT INTO alerts (at, kind, message) VALUES ('now', 'test', ?)", [message])


def _stored(store: Store) -> set[str]:
    conn = sqlite3.connect(store.path)
    try:
        return {r[0] for r in conn.execute("SELECT message FROM alerts")}
    finally:
        conn.close()


def _queue_behind(store: Store, writers: list[threading.Thread], n: int) -> None:
    for t in writers:
        t.start()
    while store._queued < n:  # wait for the condition, not for a time
        time.sleep(0.001)


def test_writes_queued_behind_a_write_commit_together_and_one_failure_fails_only_itself(tmp_path):
    store = Store(tmp_path / "hall.db")
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    inside, release = threading.Event(), threading.Event()
    results: dict[str, object] = {}
    undone: list[str] = []

    def write(name: str, fail: bool = False, hold: bool = False) -> None:
        try:
            with store.write():
                _insert(store, name)
                store.on_rollback(lambda: undone.append(name))
                if hold:
                    inside.set()
                    release.wait()
                if fail:
                    raise ValueError(name)
            results[name] = name in _stored(store)  # acknowledged: already durable, seen by another connection
        except ValueError as e:
            results[name] = e

    first = threading.Thread(target=write, args=("a",), kwargs={"hold": True})
    first.start()
    inside.wait()
    _queue_behind(store, [threading.Thread(target=write, args=(n,), kwargs={"fail": n == "c"}) for n in "bcd"], 3)
    release.set()
    first.join()
    while len(results) < 4:
        time.sleep(0.001)
    assert results["a"] is True and results["b"] is True and results["d"] is True
    assert isinstance(results["c"], ValueError) and undone == ["c"]
    assert _stored(store) == {"a", "b", "d"}
    assert seen.count("BEGIN IMMEDIATE") == 1 and seen.count("COMMIT") == 1
    assert seen.count("ROLLBACK TO write") == 1
    store.close()


def test_a_failed_commit_fails_and_undoes_every_write_of_its_group(tmp_path):
    store = Store(tmp_path / "hall.db")
    with store.write():
        _insert(store, "before")
    real = store._write_conn
    store._write_conn = _FailingCommit(real)
    inside, release = threading.Event(), threading.Event()
    results: dict[str, object] = {}
    undone: list[str] = []

    def write(name: str, hold: bool = False) -> None:
        try:
            with store.write():
                _insert(store, name)
                store.on_rollback(lambda: undone.append(name))
                if hold:
                    inside.set()
                    release.wait()
            results[name] = "acknowledged"
        except StorageUnavailable as e:  # the disk failed: a 503 for every write of the group
            results[name] = e

    first = threading.Thread(target=write, args=("x",), kwargs={"hold": True})
    first.start()
    inside.wait()
    _queue_behind(store, [threading.Thread(target=write, args=("y",))], 1)
    release.set()
    first.join()
    while len(results) < 2:
        time.sleep(0.001)
    assert all(isinstance(r, StorageUnavailable) and r.kind == "io_error" for r in results.values())
    assert sorted(undone) == ["x", "y"] and _stored(store) == {"before"}
    store._write_conn = real
    with store.write():  # the writer goes on after the failure
        _insert(store, "after")
    assert _stored(store) == {"before", "after"}
    store.close()


GEVENT_WRITERS = """
from gevent import monkey
monkey.patch_all()
import sys
import gevent
from queue_server.storage.database import Store

store = Store(sys.argv[1])
seen = []
store.conn.set_trace_callback(seen.append)

def writer(k):
    for i in range(5):
        try:
            with store.write():
                store.conn.execute("INSERT INTO alerts (at, kind, message) VALUES ('now', 'test', ?)", [f"{k}-{i}"])
                if i == 2 and k % 10 == 0:
                    raise ValueError("this one fails")
        except ValueError:
            pass

gevent.joinall([gevent.spawn(writer, k) for k in range(40)])
rows = {r[0] for r in store.conn.execute("SELECT message FROM alerts")}
expected = {f"{k}-{i}" for k in range(40) for i in range(5) if not (i == 2 and k % 10 == 0)}
assert rows == expected, len(rows)
print(seen.count("COMMIT"), len(expected))
"""


def test_greenlets_under_gevent_share_commits(tmp_path):
    out = subprocess.run([sys.executable, "-c", GEVENT_WRITERS, str(tmp_path / "hall.db")], capture_output=True,
                         text=True, timeout=120, cwd=Path(__file__).resolve().parent.parent)
    assert out.returncode == 0, out.stderr
    commits, writes = map(int, out.stdout.split())
    assert commits < writes  # greenlets ready at the same time go out in one transaction
