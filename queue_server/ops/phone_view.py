"""The citizen's phone view of one ticket: only its public fields, its place and wait, and whether to rate.

Built for GET /t/{token} (the page) and GET /api/v1/t/{token} (+ its stream). Never a note, priority class,
source device, staff name or internal id.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlite_utils import Database

from queue_server.clock import from_iso, to_iso
from queue_server.core.public_fields import public_ticket_fields
from queue_server.ops.tickets import ticket_status

if TYPE_CHECKING:
    from queue_server.hall import Hall

RATE_WITHIN = timedelta(days=1)  # a service may be rated up to a day after it finished (ratings/ops.py agrees)


def _zone_names(hall: Hall, code: str | None) -> tuple[str | None, str | None]:
    if not code:
        return None, None
    z = hall.config.zone(code)
    return z.name_zh, z.name_en


def phone_view(hall: Hall, db: Database, row: dict) -> dict:
    now = hall.now()
    status = ticket_status(hall, db, row)
    out = public_ticket_fields(row)
    out["zone_zh"], out["zone_en"] = _zone_names(hall, row["zone"])
    if row.get("transfers"):
        out["from_zone_zh"], out["from_zone_en"] = _zone_names(hall, _previous_zone(db, row))
    for key in ("ahead", "estimated_wait_s", "wait_zh", "wait_en"):
        out[key] = status.get(key)
    rules = hall.config.rules
    out["no_show_grace_s"] = rules.no_show_grace_s
    if row["state"] == "no_show" and row.get("ended_at"):
        until = from_iso(row["ended_at"]) + timedelta(seconds=rules.no_show_grace_s)
        out["requeue_until"] = to_iso(until)
        out["requeue_until_hm"] = until.astimezone(hall.config.tz).strftime("%H:%M")
        out["may_requeue"] = not row["requeued"] and from_iso(out["requeue_until"]) > now
    rated = db.execute("SELECT 1 FROM ratings WHERE ticket_id = ?", [row["id"]]).fetchone() is not None
    finished = row["state"] == "done" and bool(row["finished_at"])
    out["rated"] = rated
    out["may_rate"] = finished and not rated and now - from_iso(row["finished_at"]) <= RATE_WITHIN
    out["complaint_zh"], out["complaint_en"] = hall.config.public.complaint_zh, hall.config.public.complaint_en
    out["now"] = to_iso(now)
    out["phase"] = phase(out)
    return out


def phase(view: dict) -> str:
    """Which screen the phone shows: waiting, called, serving, rate, thanks, done, no_show or cancelled."""
    state = view["state"]
    if state in ("waiting", "transferred"):
        return "waiting"
    if state == "done":
        return "thanks" if view["rated"] else "rate" if view["may_rate"] else "done"
    return state


def _previous_zone(db: Database, row: dict) -> str | None:
    """The zone the ticket was last transferred from (the event log keeps it)."""
    r = db.execute("SELECT data FROM events WHERE ticket_id = ? AND kind = 'transferred' ORDER BY id DESC LIMIT 1",
                   [row["id"]]).fetchone()
    if not r:
        return row.get("original_zone")
    return json.loads(r[0] or "{}").get("from_zone") or row.get("original_zone")
