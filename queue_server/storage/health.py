"""The database's health as the server last saw it: ok, a passing fault (locked, disk full, I/O error, read-only),
or lost (the file vanished or was replaced under the running server). Pure bookkeeping, no sqlite.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace

# What each SQLite message means, in the words shown on the dashboard and in 503 answers.
FAULTS = {
    "locked": ("数据库被其他程序占用", "the database is locked by another program", 5),
    "busy": ("数据库繁忙", "the database is busy", 5),
    "disk_full": ("磁盘已满", "the disk is full", 30),
    "io_error": ("磁盘读写错误", "a disk I/O error", 30),
    "readonly": ("数据库只读", "the database is read-only", 30),
    "cannot_open": ("无法打开数据库文件", "the database file cannot be opened", 30),
    "gone": ("数据库文件已被删除", "the database file was deleted", None),
    "replaced": ("数据库文件已被替换", "the database file was replaced", None),
}
LOST = ("gone", "replaced")


def fault_kind(message: str) -> str | None:
    """The kind of storage fault an sqlite3 error message reports, or None for a plain bug."""
    text = message.lower()
    for needle, kind in (("locked", "locked"), ("busy", "busy"), ("database or disk is full", "disk_full"),
                         ("disk i/o error", "io_error"), ("readonly", "readonly"), ("read-only", "readonly"),
                         ("unable to open database", "cannot_open")):
        if needle in text:
            return kind
    return None


def describe(kind: str) -> tuple[str, str, int | None]:
    """(Chinese, English, seconds to retry after or None) for a fault kind."""
    zh, en, retry = FAULTS.get(kind, ("数据存储故障", "a storage fault", 30))
    if kind in LOST:
        return (f"{zh}，服务已停止，请联系管理员从备份恢复。",
                f"{en}; the server has stopped serving: restore the database from its backup and restart", retry)
    return f"{zh}，请稍后重试。", f"{en}; please retry shortly", retry


@dataclass
class HealthState:
    state: str = "ok"  # ok | fault | lost
    kind: str | None = None
    since: float | None = None  # epoch seconds of the first failure
    detail: str | None = None  # the sqlite message
    failures: int = 0
    lasted_s: float | None = None  # set when the fault has passed


class StorageHealth:
    """Thread-safe: every request may report; `lost` never goes back to ok."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._s = HealthState()

    def fault(self, kind: str, detail: str) -> bool:
        """Note a fault; True if it is new (the state changed)."""
        with self._lock:
            if self._s.state == "lost":
                return False
            new = self._s.kind != kind
            state = "lost" if kind in LOST else "fault"
            since = self._s.since if not new and self._s.since else time.time()
            self._s = HealthState(state, kind, since, detail, self._s.failures + 1)
            return new

    def ok(self) -> HealthState | None:
        """Note a success; returns the fault that just ended, if any."""
        with self._lock:
            if self._s.state != "fault":
                return None
            ended, self._s = self._s, HealthState()
            ended.lasted_s = time.time() - ended.since if ended.since else None
            return ended

    @property
    def current(self) -> HealthState:
        with self._lock:
            return replace(self._s)  # every field is immutable: a shallow copy is a whole one

    @property
    def lost(self) -> bool:
        """Whether the database is gone for good (asked before every write: one attribute read)."""
        return self._s.state == "lost"
