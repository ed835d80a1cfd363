"""Lockouts of user names after repeated wrong passwords (table login_lockouts).

Any name that is tried is counted, known or not, so a lock tells nobody which names exist. Rows of
names that are neither locked nor tried for a day are pruned when a failure is written.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlite_utils import Database

from queue_server.clock import from_iso, to_iso
from queue_server.core.login_limits import lock_seconds
from queue_server.hall import Hall

FORGET_AFTER = timedelta(days=1)


def locked_for(db: Database, username: str, now: datetime) -> int:
    """Whole seconds until `username` may try again (0: not locked)."""
    row = db.execute("SELECT locked_until FROM login_lockouts WHERE username = ?", [username]).fetchone()
    if not row or not row[0]:
        return 0
    left = (from_iso(row[0]) - now).total_seconds()
    return max(0, int(left + 0.999))


def record_failure(db: Database, username: str, now: datetime) -> int:
    """Count one wrong password (inside the caller's transaction); returns the lock it starts, in seconds."""
    db.execute("DELETE FROM login_lockouts WHERE last_failure_at < ? AND (locked_until IS NULL OR locked_until < ?)",
               [to_iso(now - FORGET_AFTER), to_iso(now)])
    row = db.execute("SELECT failures FROM login_lockouts WHERE username = ?", [username]).fetchone()
    failures = (row[0] if row else 0) + 1
    lock = lock_seconds(failures)
    db["login_lockouts"].upsert({"username": username, "failures": failures, "last_failure_at": to_iso(now),
                                 "locked_until": to_iso(now + timedelta(seconds=lock)) if lock else None},
                                pk="username")
    return lock


def clear(db: Database, username: str) -> None:
    """A right password or the manager's unlock: the count starts again."""
    db.execute("DELETE FROM login_lockouts WHERE username = ?", [username])


def unlock(hall: Hall, username: str) -> bool:
    """The manager lifts a lock; True if there was anything to lift."""
    with hall.store.write() as db:
        found = db.execute("SELECT 1 FROM login_lockouts WHERE username = ?", [username]).fetchone() is not None
        clear(db, username)
    return found


def lock_states(db: Database, now: datetime) -> dict[str, dict]:
    """Failures and remaining lock seconds of every name that has any."""
    out = {}
    for r in db.query("SELECT * FROM login_lockouts"):
        left = (from_iso(r["locked_until"]) - now).total_seconds() if r["locked_until"] else 0
        out[r["username"]] = {"failures": r["failures"], "locked_for_s": max(0, int(left + 0.999))}
    return out
