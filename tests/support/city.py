"""Helpers of the city tests: halls with their own codes, traffic through the hall's API, counts on both sides."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

from queue_server.testing.central_process import config_with_code
from queue_server.testing.seeding import Seeded
from queue_server.testing.server_process import SAMPLE_CONFIG
from tests.support.api import Api


def hall_config(folder: Path, code: str) -> Path:
    """The sample hall's configuration under another hall code (every hall of a city has its own)."""
    return config_with_code(SAMPLE_CONFIG, folder, code)


def traffic(target, seeded: Seeded, tickets: int, served: int, window: int = 1) -> None:
    """`tickets` numbers taken at the kiosk, the first `served` of them called, started and finished."""
    kiosk = Api(target, seeded.devices["kiosk-01"])
    staff = Api.login(target, "staff1", seeded.staff["staff1"])
    staff.window(window, "open")
    for _ in range(tickets):
        kiosk.take_ticket("commerce")
    for _ in range(served):
        t = staff.window(window, "call-next")
        staff.window(window, "start", ticket_id=t["id"])
        staff.window(window, "finish", ticket_id=t["id"])
    staff.window(window, "close")


def local_log(db: Path) -> tuple[str, int, int]:
    """(epoch, events, last id) of a hall's database."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        epoch = conn.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()[0]
        count, last = conn.execute("SELECT count(*), coalesce(max(id), 0) FROM events").fetchone()
    return epoch, count, last


def central_log(dsn: str, hall: str, epoch: str) -> tuple[int, int, int, int]:
    """(events, distinct ids, last id, mark) the centre holds of one hall's epoch."""
    with psycopg.connect(dsn) as conn:
        count, distinct, last = conn.execute(
            "SELECT count(*), count(DISTINCT id), coalesce(max(id), 0) FROM events WHERE hall = %s AND epoch = %s",
            [hall, epoch]).fetchone()
        mark = conn.execute("SELECT coalesce(max(last_id), 0) FROM epochs WHERE hall = %s AND epoch = %s",
                            [hall, epoch]).fetchone()[0]
    return count, distinct, last, mark


def wait_for(condition: Callable[[], object], what: str, timeout: float = 90.0) -> object:
    """Poll `condition` until it is true (a busy machine is slow, never wrong); fails after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
