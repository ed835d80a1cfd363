"""The log epoch: a random id given at init and at every restore, so (hall, epoch, event id) names one event.

A restored database goes back to an older event id; its next events would reuse ids the centre has already
received (and an idempotent insert would drop them). Renewing the epoch makes them new keys; the new epoch
records the one it forked from and the last id it shares with it (`fork_id`), so the centre counts the
shared prefix once.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database


def _new_id() -> str:
    return secrets.token_hex(8)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def first_epoch(db: Database | None) -> dict[str, str]:
    """The meta values of a database's first epoch (whatever events it may hold already were never shipped)."""
    return {"epoch": _new_id(), "epoch_started_at": _now(), "parent_epoch": "", "fork_id": "0"}


def own_identity(conn: sqlite3.Connection) -> dict[str, str]:
    """A database copied from another hall's (a template, as the city demo does) gets a first epoch of its own."""
    with conn:
        conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", list(first_epoch(None).items()))
    return read_meta(conn)


def read_meta(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM meta").fetchall())


def new_epoch(conn: sqlite3.Connection) -> dict[str, str]:
    """Start a new epoch (the hook of `hall restore` and `hall epoch renew`); returns the new meta values.

    Run on the restored database before the server starts: it takes the write lock itself (BEGIN IMMEDIATE).
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        meta = read_meta(conn)
        last = conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]
        values = {"epoch": _new_id(), "epoch_started_at": _now(), "parent_epoch": meta.get("epoch", ""),
                  "fork_id": str(last)}
        conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", list(values.items()))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return read_meta(conn)


def renew_epoch(db_path: str | Path) -> dict[str, str]:
    """The hook of `hall restore` (and `hall epoch renew`): a new epoch for the database restored at `db_path`,
    on a connection of its own, before the hall's server and shipper start on it."""
    conn = sqlite3.connect(str(db_path), isolation_level=None, timeout=10)
    try:
        return new_epoch(conn)
    finally:
        conn.close()


def set_hall_profile(conn: sqlite3.Connection, code: str, zones: list[dict]) -> None:
    """The hall's code and zones (names, wait targets) from its configuration, kept in meta so the shipper needs
    no configuration file and the centre can judge waits against each hall's own targets."""
    for key, value in (("hall_code", code), ("zones", json.dumps(zones, ensure_ascii=False))):
        conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)"
                     " ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE value != excluded.value",
                     [key, value])
