"""Alerts raised by devices (help requested at a kiosk, printer out of paper) for floor staff.

    POST /api/v1/alerts                      a device (or person) raises one
    GET  /api/v1/alerts                      the open ones
    POST /api/v1/alerts/{id}/take            "我去处理 I'll go": one person answers, the others see who
    POST /api/v1/alerts/{id}/resolve         done
Taking and resolving are events (kind `alert`), so every console and the dashboard update at once.
"""

from __future__ import annotations

import json

from flask import Blueprint, jsonify

from queue_server.api.helpers import field, hall, json_body, principal, requires
from queue_server.clock import to_iso
from queue_server.errors import BadRequest, Conflict, NotFound

bp = Blueprint("alerts", __name__)
ALERT_KINDS = ("help", "printer_paper_out", "printer_offline", "printer_ok", "camera_missing", "device_error")


@bp.post("/alerts")
@requires("kiosk", "display", "button", "staff", "manager")
def raise_alert():
    body = json_body()
    kind = field(body, "kind", str, required=True)
    if kind not in ALERT_KINDS:
        raise BadRequest(f"kind must be one of {', '.join(ALERT_KINDS)}", code="bad_kind")
    message = (field(body, "message", str) or "")[:500]
    p = principal()
    h = hall()
    with h.store.write() as db:
        now = h.now()
        alert = {"at": to_iso(now), "kind": kind, "source": p.name, "message": message,
                 "data": json.dumps(body.get("data") or {}, ensure_ascii=False)}
        alert["id"] = db["alerts"].insert(alert).last_pk
        h.emit(db, kind="alert", at=now, actor=p.actor, reason=kind,
               data={"alert": {k: alert[k] for k in ("id", "kind", "source", "message", "at")}})
    return jsonify(alert), 201


@bp.get("/alerts")
@requires("manager", "staff")
def list_alerts():
    rows = hall().store.read().query("SELECT * FROM alerts WHERE resolved_at IS NULL ORDER BY id DESC LIMIT 200")
    return jsonify(list(rows))


def _load(db, alert_id: int) -> dict:
    found = list(db.query("SELECT * FROM alerts WHERE id = ?", [alert_id]))
    if not found:
        raise NotFound(f"no alert {alert_id}", code="alert_not_found")
    return found[0]


def _event(alert: dict, **extra: object) -> dict:
    return {"alert": {k: alert[k] for k in ("id", "kind", "source", "message", "at")} | extra}


@bp.post("/alerts/<int:alert_id>/take")
@requires("manager", "staff")
def take(alert_id: int):
    """One person says they are going; a second taker is told who went (409), so two do not both walk over.

    Who took it is kept in the alert's data (no schema change)."""
    h = hall()
    p = principal()
    with h.store.write() as db:
        now = h.now()
        alert = _load(db, alert_id)
        if alert["resolved_at"]:
            raise Conflict(f"alert {alert_id} was already resolved by {alert['resolved_by']}", code="alert_resolved")
        data = json.loads(alert["data"] or "{}")
        if data.get("taken_by") and data["taken_by"] != p.name:
            raise Conflict(f"{data['taken_by']} is already on it", code="alert_taken", taken_by=data["taken_by"])
        data |= {"taken_by": p.name, "taken_at": to_iso(now)}
        db.execute("UPDATE alerts SET data = ? WHERE id = ?", [json.dumps(data, ensure_ascii=False), alert_id])
        h.emit(db, kind="alert", at=now, actor=p.actor, reason="taken",
               data=_event(alert, taken_by=p.name, taken_at=data["taken_at"]))
    return jsonify({"id": alert_id, "taken_by": p.name, "taken_at": data["taken_at"]})


@bp.post("/alerts/<int:alert_id>/resolve")
@requires("manager", "staff")
def resolve(alert_id: int):
    h = hall()
    p = principal()
    with h.store.write() as db:
        now = h.now()
        alert = _load(db, alert_id)
        db.execute("UPDATE alerts SET resolved_at = ?, resolved_by = ? WHERE id = ?",
                   [to_iso(now), p.name, alert_id])
        h.emit(db, kind="alert", at=now, actor=p.actor, reason="resolved",
               data=_event(alert, resolved_by=p.name, resolved_at=to_iso(now)))
    return jsonify({"ok": True})
