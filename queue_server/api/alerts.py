"""Alerts raised by devices (help requested at a kiosk, printer out of paper) for floor staff."""

from __future__ import annotations

import json

from flask import Blueprint, jsonify

from queue_server.api.helpers import field, hall, json_body, principal, requires
from queue_server.clock import to_iso
from queue_server.errors import BadRequest, NotFound

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


@bp.post("/alerts/<int:alert_id>/resolve")
@requires("manager", "staff")
def resolve(alert_id: int):
    h = hall()
    p = principal()
    with h.store.write() as db:
        if not list(db.query("SELECT 1 FROM alerts WHERE id = ?", [alert_id])):
            raise NotFound(f"no alert {alert_id}", code="alert_not_found")
        db.execute("UPDATE alerts SET resolved_at = ?, resolved_by = ? WHERE id = ?",
                   [to_iso(h.now()), p.name, alert_id])
    return jsonify({"ok": True})
