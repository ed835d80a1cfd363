"""What the staff console shows of the queue: the next tickets in the order dispatch would call them, this
window's recent no-shows that may still be put back, and the open help requests from kiosks.

The next tickets come from the live state by the very dispatch code call-next runs (core.dispatch.call_order
over each zone's ZoneQueue.front), so the list is what the window will get if nothing else changes.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from queue_server.clock import epoch, to_iso
from queue_server.core.dispatch import call_order, is_due

if TYPE_CHECKING:
    from sqlite_utils import Database

    from queue_server.hall import Hall

NEXT_SHOWN = 5
# A kiosk registered with a window (`hall devices add kiosk-03 --kind kiosk --window 12`) stands near it: its
# help requests go to the consoles of windows within this many numbers. A kiosk without one: to every console.
NEAR_SPAN = 5


def next_tickets(hall: Hall, zones: list[str], n: int = NEXT_SHOWN) -> list[dict]:
    now = hall.now()
    day, ts = hall.today(now), now.timestamp()
    with hall.live.lock:
        front = [t for z in zones for t in hall.live.peek(day, z).front(n)]
        rows = {t.id: hall.live.waiting_row(t.id) for t in front}
    cfg = hall.config
    green = set(cfg.rules.priority_classes)
    out = []
    for t in call_order(zones, front, hall.targets, hall.dispatch_rules, ts, n):
        row = rows[t.id] or {}
        matter = None
        if row.get("matter"):
            try:
                m = cfg.matter(row["matter"])
                matter = {"code": m.code, "name_zh": m.name_zh, "name_en": m.name_en}
            except KeyError:
                matter = None
        out.append({
            "id": t.id, "number": row.get("number"), "zone": t.zone, "priority": t.priority,
            "green": t.priority in green, "appointment": t.priority == "appointment",
            "due": is_due(t, ts), "due_at": row.get("due_at"),
            "waited_s": round(ts - epoch(row["issued_at"])) if row.get("issued_at") else None,
            "matter": matter, "transfers": row.get("transfers") or 0, "requeued": bool(row.get("requeued")),
        })
    return out


def requeueable_no_shows(hall: Hall, db: Database, window: int) -> list[dict]:
    """This window's no-shows of today that are still within the grace time and were never put back."""
    now = hall.now()
    grace = hall.config.rules.no_show_grace_s
    since = to_iso(now - timedelta(seconds=grace))
    out = []
    for r in db.query("SELECT id, number, zone, ended_at FROM tickets WHERE day = ? AND window = ?"
                      " AND state = 'no_show' AND requeued = 0 AND ended_at >= ? ORDER BY ended_at DESC LIMIT 10",
                      [hall.today(now), window, since]):
        until = datetime.fromtimestamp(epoch(r["ended_at"]) + grace, now.tzinfo)
        out.append(dict(r, requeue_until=to_iso(until)))
    return out


def help_alert(row: dict) -> dict:
    """A kiosk's help request as a console shows it: which device, when, and who went to it (if anyone)."""
    data = json.loads(row["data"]) if row.get("data") else {}
    return {"id": row["id"], "at": row["at"], "source": row["source"],
            "taken_by": data.get("taken_by"), "taken_at": data.get("taken_at")}


def open_help(db: Database, window: int) -> list[dict]:
    """Open help requests from kiosks near `window` (or placed nowhere in particular), newest first."""
    rows = db.query(
        "SELECT a.*, d.window AS near FROM alerts a LEFT JOIN devices d ON d.name = a.source"
        " WHERE a.kind = 'help' AND a.resolved_at IS NULL AND (d.window IS NULL OR abs(d.window - ?) <= ?)"
        " ORDER BY a.id DESC LIMIT 20", [window, NEAR_SPAN])
    return [help_alert(r) | {"near": r["near"]} for r in rows]
