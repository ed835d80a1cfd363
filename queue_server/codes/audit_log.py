"""The append-only record of pickup and appointment codes: every redeem, refusal, confirmation and handover."""

from __future__ import annotations

import json
from datetime import datetime

from sqlite_utils import Database

from queue_server.clock import to_iso


def record(db: Database, *, at: datetime, subject: str, action: str, outcome: str, object_id: int | None = None,
           device: str | None = None, staff: str | None = None, window: int | None = None,
           ticket_id: int | None = None, typed: bool = False, detail: dict | None = None,
           address: str | None = None) -> None:
    db["code_audit"].insert({
        "at": to_iso(at), "subject": subject, "action": action, "outcome": outcome, "object_id": object_id,
        "device": device, "staff": staff, "window": window, "ticket_id": ticket_id, "typed": int(typed),
        "detail": json.dumps(detail, ensure_ascii=False) if detail else None, "address": address, "repeats": 1,
    })


def refusal(db: Database, *, at: datetime, subject: str, action: str, outcome: str, object_id: int | None = None,
            device: str | None = None, address: str | None = None, staff: str | None = None,
            window: int | None = None, typed: bool = False, detail: dict | None = None) -> None:
    """Record a refusal; the same refusal again within the same minute counts on the first row (`repeats`)."""
    minute = to_iso(at.replace(second=0, microsecond=0))
    row = db.execute(
        "SELECT id FROM code_audit WHERE at >= ? AND device IS ? AND address IS ? AND staff IS ? AND subject = ?"
        " AND action = ? AND outcome = ? AND object_id IS ? AND window IS ? AND typed = ? ORDER BY id DESC LIMIT 1",
        [minute, device, address, staff, subject, action, outcome, object_id, window, int(typed)],
    ).fetchone()
    if row:
        db.execute("UPDATE code_audit SET repeats = repeats + 1, last_at = ? WHERE id = ?", [to_iso(at), row[0]])
        return
    record(db, at=at, subject=subject, action=action, outcome=outcome, object_id=object_id, device=device,
           staff=staff, window=window, typed=typed, detail=detail, address=address)


def history(db: Database, subject: str, object_id: int) -> list[dict]:
    rows = list(db.query("SELECT * FROM code_audit WHERE subject = ? AND object_id = ? ORDER BY id",
                         [subject, object_id]))
    for r in rows:
        r["detail"] = json.loads(r["detail"]) if r["detail"] else None
    return rows


def recent(db: Database, *, subject: str, object_id: int, action: str, outcome: str, since: datetime) -> int:
    """How often this happened since then (repeats of a refusal included)."""
    return db.execute(
        "SELECT coalesce(sum(repeats), 0) FROM code_audit"
        " WHERE subject = ? AND object_id = ? AND action = ? AND outcome = ? AND at > ?",
        [subject, object_id, action, outcome, to_iso(since)],
    ).fetchone()[0]


def between(db: Database, since: str, before: str, limit: int = 1000) -> list[dict]:
    """Newest first; since/before are stored-form timestamps (UTC ISO)."""
    rows = list(db.query("SELECT * FROM code_audit WHERE at >= ? AND at < ? ORDER BY id DESC LIMIT ?",
                         [since, before, limit]))
    for r in rows:
        r["detail"] = json.loads(r["detail"]) if r["detail"] else None
    return rows
