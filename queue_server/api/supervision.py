"""The manager's supervision API (used by /dashboard): live hall and alerts, the audit log, users.

    GET  /api/v1/supervision/live            problems now (ranked, with their fixes), windows, zones, alerts,
                                             today's satisfaction, open follow-ups
    GET  /api/v1/audit?from=&to=             the audit log
    GET  /api/v1/users                       accounts: role, disabled, failures, lock, sessions (api/users.py acts)
All manager only.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, jsonify

from queue_server.api.helpers import hall, requires
from queue_server.api.stats import day_range_args
from queue_server.cases import store as case_store
from queue_server.cases.problems import case_problems
from queue_server.clock import from_iso, to_iso
from queue_server.core.calendar_problems import calendar_problems
from queue_server.core.problems import problems
from queue_server.core.rating_scale import satisfaction
from queue_server.errors import StorageUnavailable
from queue_server.hall import Hall
from queue_server.ops import accounts, audit
from queue_server.ops import windows as window_ops
from queue_server.ops.balancing import proposals
from queue_server.ops.devices import list_devices
from queue_server.ops.live import zone_queues
from queue_server.ops.supervision_alerts import NO_SHOW_LOOKBACK_S, CallCounts, computed_alerts, device_lines
from queue_server.storage.health import describe

bp = Blueprint("supervision", __name__)


def _no_show_counts(h: Hall, db, now: datetime) -> dict[int, CallCounts]:
    since = to_iso(now - timedelta(seconds=NO_SHOW_LOOKBACK_S))
    out = {}
    for r in db.query("SELECT window, sum(kind = 'called') AS called, sum(kind = 'no_show') AS no_shows FROM events"
                      " WHERE at >= ? AND kind IN ('called', 'no_show') AND window IS NOT NULL GROUP BY window",
                      [since]):
        out[r["window"]] = CallCounts(r["called"] or 0, r["no_shows"] or 0)
    return out


PRINTER_TROUBLE = ("printer_paper_out", "printer_offline")


def _open_device_alerts(db) -> list[dict]:
    """Unresolved device alerts, newest first; a printer that reported "ok" since clears its earlier trouble."""
    rows = list(db.query("SELECT * FROM alerts WHERE resolved_at IS NULL ORDER BY id DESC LIMIT 200"))
    ok_since = {}
    for r in rows:
        if r["kind"] == "printer_ok":
            ok_since[r["source"]] = max(ok_since.get(r["source"], 0), r["id"])
    return [r for r in rows if r["kind"] != "printer_ok"
            and not (r["kind"] in PRINTER_TROUBLE and r["id"] < ok_since.get(r["source"], 0))][:50]


def storage_alerts(h: Hall) -> list[dict]:
    """The database's trouble, if any, worst of all alerts: a passing fault is tried again first."""
    if h.store.health.current.state != "ok":
        try:
            h.store.probe()
        except StorageUnavailable:
            pass
    s = h.store.health.current
    if s.state == "ok":
        return []
    zh, en, _ = describe(s.kind or "")
    return [{"kind": "storage_fault", "level": "red", "fault": s.kind, "since_s": s.since, "failures": s.failures,
             "zh": f"数据存储故障：{zh}", "en": f"Storage fault: {en}"}]


def live_hall(h: Hall) -> dict:
    last_id = h.broker.last_id  # before the reads: an event after it is applied on top, none is lost
    storage = storage_alerts(h)
    db = h.store.read()
    now = h.now()
    windows = window_ops.list_windows(h)
    for w in windows:
        w["state_since_s"] = from_iso(w["state_since"]).timestamp() if w["state_since"] else None
        t = w["ticket"]
        began = t and (t["started_at"] or t["called_at"])
        w["service_s"] = round(now.timestamp() - from_iso(began).timestamp()) if began else None
        w["called_at_s"] = from_iso(t["called_at"]).timestamp() if t and t["called_at"] else None
    zones = zone_queues(h, db, now)
    device = device_lines(_open_device_alerts(db))
    alerts = storage + device + computed_alerts(zones, windows, now.timestamp(), _no_show_counts(h, db, now))
    today = h.today(now)
    scores = [r[0] for r in db.execute("SELECT score FROM ratings WHERE day = ?", [today]).fetchall()]
    open_followups = db.execute("SELECT count(*) FROM rating_followups WHERE state != 'closed'").fetchone()[0]
    overdue = db.execute("SELECT count(*) FROM rating_followups WHERE state != 'closed' AND due_at < ?",
                         [to_iso(now)]).fetchone()[0]
    if overdue:
        alerts.append({"kind": "followup_overdue", "level": "red",
                       "zh": f"{overdue} 条差评超过回访期限未回访，请尽快处理",
                       "en": f"{overdue} bad rating(s) not followed up by their deadline"})
    ranked = problems(zones, windows, device, proposals(h), now.timestamp(), _offline_devices(h, now))
    local_day = now.astimezone(h.config.tz).date()
    ranked = sorted(ranked + case_problems(case_store.open_cases(h), local_day, h.calendar,
                                           h.config.rules.case_warn_percent)
                    + calendar_problems(h.calendar, local_day), key=lambda p: -p["score"])
    return {"now": to_iso(now), "day": today, "problems": ranked, "windows": windows, "zones": zones, "alerts": alerts,
            "satisfaction": satisfaction(scores), "open_followups": open_followups,
            "last_event_id": last_id}


def _offline_devices(h: Hall, now) -> list[dict]:
    """Kiosks and displays that were up today and hold no event stream now (core/device_presence.py)."""
    devices = [{"name": d["name"], "kind": d["kind"], "window": d["window"],
                "last_seen_s": from_iso(d["last_seen_at"]).timestamp() if d["last_seen_at"] else None}
               for d in list_devices(h) if not d["revoked_at"]]
    return h.presence.offline(devices, now.timestamp(), from_iso(h.day_started_at(now)).timestamp())


@bp.get("/supervision/live")
@requires("manager")
def live():
    return jsonify(live_hall(hall()))


def _utc_bounds(h: Hall, first: str, last: str) -> tuple[str, str]:
    tz = h.config.tz
    start = datetime.combine(date.fromisoformat(first), time(0), tz)
    end = datetime.combine(date.fromisoformat(last) + timedelta(days=1), time(0), tz)
    return to_iso(start), to_iso(end)


@bp.get("/audit")
@requires("manager")
def audit_log():
    h = hall()
    first, last = day_range_args()
    return jsonify({"from": first, "to": last, "entries": audit.entries(h, *_utc_bounds(h, first, last))})


@bp.get("/users")
@requires("manager")
def users():
    return jsonify(accounts.list_users(hall()))
