"""The manager's supervision API (used by /dashboard): live hall, alerts, balancing, history, exports, audit.

    GET  /api/v1/supervision/live            windows, zones, alerts, today's satisfaction, open follow-ups
    GET  /api/v1/rebalance/proposals         suggested window moves
    POST /api/v1/rebalance/accept            {"window", "zones"}: apply one
    GET  /api/v1/stats/range?from=&to=       history figures for a day or a range
    GET  /api/v1/stats/export.xlsx?from=&to= the same as an Excel workbook
    GET  /api/v1/stats/export-range.csv?from=&to=
    GET  /api/v1/audit?from=&to=             the audit log
    GET  /api/v1/users                       user names and roles (to assign follow-ups)
All manager only.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, Flask, Response, jsonify, request

from queue_server import audit, window_ops
from queue_server.clock import from_iso, to_iso
from queue_server.hall import Hall
from queue_server.history import day_range, range_stats
from queue_server.history_export import stats_range_csv, stats_xlsx
from queue_server.live import zone_queues
from queue_server.ratings.scale import satisfaction
from queue_server.rebalance_api import proposals
from queue_server.supervision_alerts import NO_SHOW_LOOKBACK_S, CallCounts, computed_alerts, device_alert
from queue_server.web_helpers import field, hall, json_body, principal, requires

bp = Blueprint("supervision", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def live_hall(h: Hall) -> dict:
    db = h.store.read()
    now = h.now()
    windows = window_ops.list_windows(h)
    for w in windows:
        w["state_since_s"] = from_iso(w["state_since"]).timestamp() if w["state_since"] else None
        t = w["ticket"]
        began = t and (t["started_at"] or t["called_at"])
        w["service_s"] = round(now.timestamp() - from_iso(began).timestamp()) if began else None
    zones = zone_queues(h, db, now)
    device = [device_alert(r) for r in _open_device_alerts(db)]
    alerts = device + computed_alerts(zones, windows, now.timestamp(), _no_show_counts(h, db, now))
    today = h.today(now)
    scores = [r[0] for r in db.execute("SELECT score FROM ratings WHERE day = ?", [today]).fetchall()]
    open_followups = db.execute("SELECT count(*) FROM rating_followups WHERE state != 'closed'").fetchone()[0]
    overdue = db.execute("SELECT count(*) FROM rating_followups WHERE state != 'closed' AND due_at < ?",
                         [to_iso(now)]).fetchone()[0]
    if overdue:
        alerts.append({"kind": "followup_overdue", "level": "red",
                       "zh": f"{overdue} 条差评超过一天未回访，请尽快处理",
                       "en": f"{overdue} bad rating(s) not followed up within a day"})
    return {"now": to_iso(now), "day": today, "windows": windows, "zones": zones, "alerts": alerts,
            "satisfaction": satisfaction(scores), "open_followups": open_followups,
            "last_event_id": h.broker.last_id}


@bp.get("/supervision/live")
@requires("manager")
def live():
    return jsonify(live_hall(hall()))


@bp.get("/rebalance/proposals")
@requires("manager")
def rebalance_proposals():
    return jsonify({"proposals": proposals(hall())})


@bp.post("/rebalance/accept")
@requires("manager")
def rebalance_accept():
    body = json_body()
    no = field(body, "window", int, required=True)
    return jsonify(window_ops.set_zones(hall(), no, body.get("zones"), principal(), "平衡建议 balancing proposal"))


def _range() -> tuple[str, str]:
    return day_range(hall(), request.args.get("from") or request.args.get("date"),
                     request.args.get("to") or request.args.get("date"))


@bp.get("/stats/range")
@requires("manager")
def stats_range():
    return jsonify(range_stats(hall(), *_range()))


def _filename(first: str, last: str, ext: str) -> str:
    return f"hall-stats-{first}.{ext}" if first == last else f"hall-stats-{first}_{last}.{ext}"


@bp.get("/stats/export.xlsx")
@requires("manager")
def export_xlsx():
    first, last = _range()
    return Response(stats_xlsx(range_stats(hall(), first, last)), mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{_filename(first, last, "xlsx")}"'})


@bp.get("/stats/export-range.csv")
@requires("manager")
def export_range_csv():
    first, last = _range()
    body = "\ufeff" + stats_range_csv(range_stats(hall(), first, last))  # BOM so Excel reads UTF-8
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{_filename(first, last, "csv")}"'})


def _utc_bounds(h: Hall, first: str, last: str) -> tuple[str, str]:
    tz = h.config.tz
    start = datetime.combine(date.fromisoformat(first), time(0), tz)
    end = datetime.combine(date.fromisoformat(last) + timedelta(days=1), time(0), tz)
    return to_iso(start), to_iso(end)


@bp.get("/audit")
@requires("manager")
def audit_log():
    h = hall()
    first, last = _range()
    return jsonify({"from": first, "to": last, "entries": audit.entries(h, *_utc_bounds(h, first, last))})


@bp.get("/users")
@requires("manager")
def users():
    return jsonify(list(hall().store.read().query("SELECT username, role FROM users ORDER BY role, username")))


def register(app: Flask) -> None:
    if "supervision" not in app.blueprints:
        app.register_blueprint(bp, url_prefix="/api/v1")
    audit.register(app)
