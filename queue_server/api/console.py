"""GET /api/v1/console/{window}: everything the staff console shows for one window, in one answer.

The window (state, current ticket), the current matter's "tell once" guide,
the queues of the zones it serves, and the signed-in person's counts today.
Only the staff member signed on at the window (or a manager) may read it.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, time

from flask import Blueprint, jsonify

from queue_server.api.helpers import hall, principal, requires
from queue_server.clock import from_iso, to_iso
from queue_server.core.rating_scale import satisfaction
from queue_server.errors import Forbidden, NotFound
from queue_server.hall import Hall
from queue_server.ops.accounts import Principal
from queue_server.ops.live import zone_queues
from queue_server.ops.windows import list_windows

bp = Blueprint("console", __name__)


def matter_guide(h: Hall, ticket: dict | None) -> dict | None:
    """The tell-once guide of the ticket's matter or bundle: materials, time limit, fee, notes."""
    if not ticket:
        return None
    cfg = h.config
    if ticket.get("bundle"):
        try:
            b = cfg.bundle(ticket["bundle"])
        except KeyError:
            return None
        return {"kind": "bundle", "code": b.code, "name_zh": b.name_zh, "name_en": b.name_en,
                "promised_days": b.promised_days, "fee_zh": "", "fee_en": "", "notes_zh": b.notes_zh,
                "notes_en": b.notes_en, "materials": [asdict(m) for m in cfg.bundle_materials(b.code)]}
    if not ticket.get("matter"):
        return None
    try:
        m = cfg.matter(ticket["matter"])
    except KeyError:
        return None
    return {"kind": "matter", "code": m.code, "name_zh": m.name_zh, "name_en": m.name_en, "service_s": m.service_s,
            "promised_days": m.promised_days, "legal_days": m.legal_days, "fee_zh": m.fee_zh, "fee_en": m.fee_en,
            "notes_zh": m.notes_zh, "notes_en": m.notes_en,
            "materials": [asdict(cfg.materials[mid]) for mid in m.materials]}


def own_counts(h: Hall, name: str) -> dict:
    db = h.store.read()
    now = h.now()
    day = h.today(now)
    start = to_iso(datetime.combine(datetime.fromisoformat(day).date(), time(0), h.config.tz))
    counts = {r["kind"]: r["n"] for r in db.query(
        "SELECT kind, count(*) AS n FROM events WHERE at >= ? AND actor = ? AND actor_kind IN ('staff', 'manager')"
        " GROUP BY kind", [start, name])}
    services = [(from_iso(r["finished_at"]) - from_iso(r["started_at"])).total_seconds() for r in db.query(
        "SELECT started_at, finished_at FROM tickets WHERE day = ? AND staff = ? AND state = 'done'"
        " AND started_at IS NOT NULL", [day, name])]
    scores = [r[0] for r in db.execute("SELECT score FROM ratings WHERE day = ? AND staff = ?", [day, name])]
    s = satisfaction(scores)
    return {"called": counts.get("called", 0), "served": counts.get("finished", 0),
            "no_shows": counts.get("no_show", 0), "transferred": counts.get("transferred", 0),
            "service_mean_s": round(sum(services) / len(services)) if services else None,
            "ratings": s["ratings"], "satisfaction_rate": s["satisfaction_rate"]}


def console_view(h: Hall, number: int, p: Principal) -> dict:
    windows = {w["number"]: w for w in list_windows(h)}
    w = windows.get(number)
    if w is None:
        raise NotFound(f"there is no window {number} in this hall", code="window_not_found")
    if not p.is_manager and w["staff"] != p.name:
        raise Forbidden(f"you are not signed on at window {number}; sign on there first", code="not_your_window")
    zones = sorted(zone_queues(h, h.store.read(), h.now(), w["zones"]), key=lambda z: w["zones"].index(z["zone"]))
    return {"now": to_iso(h.now()), "window": w, "guide": matter_guide(h, w["ticket"]),
            "zones": zones, "mine": own_counts(h, p.name),
            "rules": {"recalls_before_no_show": h.config.rules.recalls_before_no_show},
            "last_event_id": h.broker.last_id}


@bp.get("/console/<int:number>")
@requires("staff", "manager")
def console(number: int):
    return jsonify(console_view(hall(), number, principal()))

