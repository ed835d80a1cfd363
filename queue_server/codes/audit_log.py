"""The append-only record of pickup and appointment codes: every redeem, refusal, confirmation and handover."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlite_utils import Database

from queue_server.clock import to_iso


def record(db: Database, *, at: datetime, subject: str, action: str, outcome: str, object_id: int | None = None,
           device: str | None = None, staff: str | None = None, window: int | None = None,
           ticket_id: int | None = None, typed: bool = False, detail: dict | None = None) -> None:
    db["code_audit"].insert({
        "at": to_iso(at), "subject": subject, "action": action, "outcome": outcome, "object_id": object_id,
        "device": device, "staff": staff, "window": window, "ticket_id": ticket_id, "typed": int(typed),
        "detail": json.dumps(detail, ensure_ascii=False) if detail else None,
    })


def wrong_typed_in_last_minute(db: Database, device: str, now: datetime) -> int:
    """Typed codes from this device refused as invalid in the last minute (the brute-force brake)."""
    return db.execute(
        "SELECT count(*) FROM code_audit WHERE device = ? AND typed = 1 AND outcome = 'invalid_code' AND at > ?",
        [device, to_iso(now - timedelta(seconds=60))],
    ).fetchone()[0]


def history(db: Database, subject: str, object_id: int) -> list[dict]:
    rows = list(db.query("SELECT * FROM code_audit WHERE subject = ? AND object_id = ? ORDER BY id",
                         [subject, object_id]))
    for r in rows:
        r["detail"] = json.loads(r["detail"]) if r["detail"] else None
    return rows


def recent(db: Database, *, subject: str, object_id: int, action: str, outcome: str, since: datetime) -> int:
    return db.execute(
        "SELECT count(*) FROM code_audit WHERE subject = ? AND object_id = ? AND action = ? AND outcome = ? AND at > ?",
        [subject, object_id, action, outcome, to_iso(since)],
    ).fetchone()[0]


def between(db: Database, since: str, before: str, limit: int = 1000) -> list[dict]:
    """Newest first; since/before are stored-form timestamps (UTC ISO)."""
    rows = list(db.query("SELECT * FROM code_audit WHERE at >= ? AND at < ? ORDER BY id DESC LIMIT ?",
                         [since, before, limit]))
    for r in rows:
        r["detail"] = json.loads(r["detail"]) if r["detail"] else None
    return rows
