"""The licence desk's routes (back office; the page is /desk/licences):

    GET  /api/v1/licences/overview?state=&q=     the list with each licence's SMS and postal state
    GET  /api/v1/licences/uncollected            waiting longer than rules.licence_hold_days, or posted and returned
    GET  /api/v1/licences/notices.pdf?ids=1,2,3  one PDF, one pickup notice per page
    POST /api/v1/licences/{id}/sms               {"phone"?} queue the "ready" text in the SMS outbox → 202
    GET  /api/v1/licences/{id}/postal            the postal state and its events
    POST /api/v1/licences/{id}/postal            {"event": waybill|posted|delivered|returned, "waybill"?, "note"?}
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from queue_server.api.helpers import field, hall, json_body, principal, requires
from queue_server.api.pickups import BACK_OFFICE, keys
from queue_server.pickups import desk, licences

bp = Blueprint("licence_desk", __name__)


@bp.get("/licences/overview")
@requires(*BACK_OFFICE)
def overview():
    state = request.args.get("state") or None
    q = (request.args.get("q") or "").strip()[:64] or None
    return jsonify({"licences": desk.overview(hall(), state=state, q=q),
                    "hold_days": hall().config.rules.licence_hold_days, "sms_enabled": hall().config.sms.enabled})


@bp.get("/licences/uncollected")
@requires(*BACK_OFFICE)
def uncollected():
    return jsonify({"hold_days": hall().config.rules.licence_hold_days, "licences": desk.uncollected(hall())})


@bp.get("/licences/notices.pdf")
@requires(*BACK_OFFICE)
def notices_pdf():
    ids = desk.parse_ids(request.args.get("ids"))
    return Response(desk.notices_pdf(hall(), keys(), ids), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="pickup-notices-{len(ids)}.pdf"'})


@bp.post("/licences/<int:licence_id>/sms")
@requires(*BACK_OFFICE)
def send_sms(licence_id: int):
    body = json_body()
    phone = field(body, "phone", str, max_len=32)
    if isinstance(body.get("phone"), str):
        body["phone"] = "***" + body["phone"][-4:]  # the audit log records bodies: not the clear number
    return jsonify(desk.queue_ready_text(hall(), keys(), licence_id, phone, principal().actor)), 202


@bp.get("/licences/<int:licence_id>/postal")
@requires(*BACK_OFFICE)
def postal_state(licence_id: int):
    db = hall().store.read()
    row = licences.load(db, licence_id)
    return jsonify({"id": licence_id, **(desk.view(db, row)["postal"] or {"state": None}),
                    "events": desk.postal_events(db, licence_id)})


@bp.post("/licences/<int:licence_id>/postal")
@requires(*BACK_OFFICE)
def postal_event(licence_id: int):
    body = json_body()
    return jsonify(desk.add_postal_event(hall(), licence_id, body.get("event"), body.get("waybill"),
                                         body.get("note"), principal().actor)), 201
