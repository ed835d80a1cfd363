"""What the staff console reads for one window. Only the staff member signed on there (or a manager) may.

    GET /api/v1/console/{window}         everything, in one answer (on load, after an action, on a resync)
    GET /api/v1/console/{window}/queue   only what queue events change: the zones' figures, the next tickets
                                         in dispatch order, this window's no-shows that may be put back,
                                         the kiosks' open help requests

The whole answer: the window (state, current ticket), the current matter's "tell once" guide, the queue
part above, and the signed-in person's counts today.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, time

from flask import Blueprint, jsonify

from queue_server.api.helpers import hall, principal, requires
from queue_server.cases.materials import deficiency_allowed
from queue_server.clock import from_iso, to_iso
from queue_server.core.rating_scale import satisfaction
from queue_server.errors import Forbidden, NotFound
from queue_server.hall import Hall
from queue_server.hall_config import HallConfig
from queue_server.ops.accounts import Principal
from queue_server.ops.console_queue import next_tickets, open_help, requeueable_no_shows
from queue_server.ops.live import zone_queues
from queue_server.ops.windows import list_windows

bp = Blueprint("console", __name__)


def _marks(cfg: HallConfig, matters: tuple[str, ...], mid: str) -> dict:
    """主件 if any of the matters needs it as one; deferrable (容缺) only if every matter that lists it allows it."""
    listing = [m for m in (cfg.matter(c) for c in matters) if mid in m.materials]
    return {"main": any(mid not in m.optional_materials for m in listing),
            "deferrable": bool(listing) and all(mid in m.deferrable_materials for m in listing)}


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
                "notes_en": b.notes_en, "materials": [asdict(m) | _marks(cfg, b.matters, m.id)
                                                      for m in cfg.bundle_materials(b.code)],
                "deficiency_allowed": any(deficiency_allowed(cfg.matter(c)) for c in b.matters)}
    if not ticket.get("matter"):
        return None
    try:
        m = cfg.matter(ticket["matter"])
    except KeyError:
        return None
    return {"kind": "matter", "code": m.code, "name_zh": m.name_zh, "name_en": m.name_en, "service_s": m.service_s,
            "promised_days": m.promised_days, "legal_days": m.legal_days, "fee_zh": m.fee_zh, "fee_en": m.fee_en,
            "notes_zh": m.notes_zh, "notes_en": m.notes_en, "deficiency_allowed": deficiency_allowed(m),
            # 主件 (main) or 辅件, and whether it may follow later under a 容缺 pledge: the matter's guide says
            "materials": [asdict(cfg.materials[mid]) | _marks(cfg, (m.code,), mid) for mid in m.materials]}


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


def _check_reader(w: dict | None, number: int, p: Principal) -> dict:
    if w is None:
        raise NotFound(f"there is no window {number} in this hall", code="window_not_found")
    if not p.is_manager and w["staff"] != p.name:
        raise Forbidden(f"you are not signed on at window {number}; sign on there first", code="not_your_window")
    return w


def queue_part(h: Hall, w: dict) -> dict:
    """The zones' figures, the next tickets, the no-shows that may be put back, the open help requests."""
    db = h.store.read()
    last_id = h.broker.last_id  # read first: an event after it makes the page ask again, never miss one
    zones = sorted(zone_queues(h, db, h.now(), w["zones"]), key=lambda z: w["zones"].index(z["zone"]))
    return {"now": to_iso(h.now()), "zones": zones, "next": next_tickets(h, w["zones"]),
            "no_shows": requeueable_no_shows(h, db, w["number"]), "help": open_help(db, w["number"]),
            "last_event_id": last_id}


def console_view(h: Hall, number: int, p: Principal) -> dict:
    w = _check_reader({w["number"]: w for w in list_windows(h)}.get(number), number, p)
    return queue_part(h, w) | {
        "window": w, "guide": matter_guide(h, w["ticket"]), "mine": own_counts(h, p.name),
        "rules": {"recalls_before_no_show": h.config.rules.recalls_before_no_show,
                  "no_show_grace_s": h.config.rules.no_show_grace_s,
                  "refusal_reasons": [asdict(r) for r in h.config.rules.refusal_reasons]}}


@bp.get("/console/<int:number>")
@requires("staff", "manager")
def console(number: int):
    return jsonify(console_view(hall(), number, principal()))


@bp.get("/console/<int:number>/queue")
@requires("staff", "manager")
def console_queue(number: int):
    h = hall()
    w = _check_reader(h.live.window(number), number, principal())
    return jsonify(queue_part(h, w))

