"""统一出件 API: the back office registers finished licences; kiosks redeem codes; the desk hands over.

    POST /api/v1/licences                     manager/backoffice: register one → 201 {"id","pickup_code","pickup_qr"}
    POST /api/v1/licences/import              manager/backoffice: CSV body (or multipart "file"); bad rows by line
    GET  /api/v1/licences?state=&case_no=     manager/backoffice; staff signed on at a pickup window see the desk
                                              view (id, type, masked holder, method, state, ticket number)
    GET  /api/v1/licences/{id}                manager/backoffice: the licence and its code audit trail;
                                              staff at a pickup window: the desk view
    POST /api/v1/licences/{id}/ready          manager/backoffice: a pending licence is finished
    GET  /api/v1/licences/{id}/notice.png|notice.pdf|sms   manager/backoffice: the pickup notice, the SMS text
    POST /api/v1/licences/{id}/handover       staff at the pickup desk: {"id_last4", "window"?}, once the code was
                                              redeemed at a kiosk (a manager may hand over a ready one, audited)
    POST /api/v1/pickups                      kiosk: {"code"} → 201 desk ticket | 201 locker door | 200 post address
    POST /api/v1/pickups/confirm              kiosk: {"code", "accept": true|false} for a postal licence
    GET  /api/v1/code-audit?date=             manager: that day's redeems, refusals, check-ins and handovers
                                              (one refusal repeated within a minute is one entry: `repeats`)
Refusals are 4xx {"error","message","message_zh","message_en"}: invalid_code, wrong_hall, expired,
already_collected, not_ready, too_many_attempts (and no_locker, locker_failed, id_mismatch).
Settings: PICKUP_MAX_WRONG_PER_MINUTE; the code keys and the locker are the app's (see app.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from flask import Blueprint, Response, current_app, jsonify, request

from queue_server.api.helpers import body_bytes, day_arg, field, hall, json_body, principal, requires
from queue_server.clock import to_iso
from queue_server.codes.audit_log import between, history
from queue_server.codes.keyfile import KeyStore
from queue_server.errors import BadRequest, TooLarge
from queue_server.ops.accounts import Principal
from queue_server.pickups import handover as handover_ops
from queue_server.pickups import licences, notice, ready_sms, redeem

bp = Blueprint("pickups", __name__)
BACK_OFFICE = ("manager", "backoffice")
MAX_CSV_BYTES = 900 * 1024


def keys() -> KeyStore:
    return current_app.extensions["pickup_keys"]


def _scrub(body: dict) -> None:
    """The digits never reach the manager audit log, which records request bodies (same cached dict)."""
    for name in ("id_last4", "phone_last4"):
        if name in body:
            body[name] = "****"
    if isinstance(body.get("phone"), str):
        body["phone"] = "***" + body["phone"][-4:]


@bp.post("/licences")
@requires(*BACK_OFFICE)
def create_licence():
    body = json_body()
    try:
        answer = licences.create(hall(), keys(), dict(body), principal().actor, ready_sms.queuer(hall(), keys()))
    finally:
        _scrub(body)
    return jsonify(answer), 201


@bp.post("/licences/import")
@requires(*BACK_OFFICE)
def import_licences():
    upload = request.files.get("file")
    data = upload.read(MAX_CSV_BYTES + 1) if upload else body_bytes()
    if not data:
        raise BadRequest("send the CSV as the request body (Content-Type: text/csv) or as a form file 'file'",
                         code="bad_csv")
    if len(data) > MAX_CSV_BYTES:
        raise TooLarge(f"the CSV file is too large (limit {MAX_CSV_BYTES // 1024} KB); split it", code="bad_csv")
    report = licences.import_csv(hall(), keys(), data, principal().actor, ready_sms.queuer(hall(), keys()))
    return jsonify(report), 201 if report["created"] and not report["rejected"] else 200


@bp.get("/licences")
@requires("staff", *BACK_OFFICE)
def list_licences():
    sql, args = "SELECT * FROM licences", []
    where = []
    for name in ("state", "case_no", "method"):
        if request.args.get(name):
            where.append(f"{name} = ?")
            args.append(request.args[name])
    if where:
        sql += " WHERE " + " AND ".join(where)
    view = _view_for(principal())
    rows = hall().store.read().query(sql + " ORDER BY id DESC LIMIT 500", args)
    return jsonify({"licences": [view(r) for r in rows]})


def _view_for(p: Principal) -> Callable[[dict], dict]:
    """Staff see licences only from a pickup desk, and only what the handover needs."""
    if p.kind == "staff":
        handover_ops.pickup_desk(hall(), p)
        return licences.desk_view
    return licences.public


@bp.get("/licences/<int:licence_id>")
@requires("staff", *BACK_OFFICE)
def get_licence(licence_id: int):
    view = _view_for(principal())
    db = hall().store.read()
    row = licences.load(db, licence_id)
    if view is licences.desk_view:
        return jsonify(view(row))
    return jsonify(licences.public(row) | {"history": history(db, "licence", licence_id)})


@bp.post("/licences/<int:licence_id>/ready")
@requires(*BACK_OFFICE)
def ready(licence_id: int):
    return jsonify(licences.mark_ready(hall(), licence_id, ready_sms.queuer(hall(), keys())))


def _notice_parts(licence_id: int) -> tuple[dict, dict]:
    h = hall()
    row = licences.load(h.store.read(), licence_id)
    return row, licences.codes(h, keys(), row)


@bp.get("/licences/<int:licence_id>/notice.png")
@requires(*BACK_OFFICE)
def notice_png(licence_id: int):
    row, codes = _notice_parts(licence_id)
    return Response(notice.render_png(notice.notice_text(hall(), row, codes)), mimetype="image/png")


@bp.get("/licences/<int:licence_id>/notice.pdf")
@requires(*BACK_OFFICE)
def notice_pdf(licence_id: int):
    row, codes = _notice_parts(licence_id)
    return Response(notice.render_pdf(notice.notice_text(hall(), row, codes)), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="pickup-{licence_id}.pdf"'})


@bp.get("/licences/<int:licence_id>/sms")
@requires(*BACK_OFFICE)
def sms(licence_id: int):
    row, codes = _notice_parts(licence_id)
    return jsonify({"id": licence_id, "text": notice.sms_text(hall(), row, codes)})


@bp.post("/licences/<int:licence_id>/handover")
@requires("staff", "manager")
def handover(licence_id: int):
    body = json_body()
    digits = field(body, "id_last4", str, required=True)
    window = field(body, "window", int)
    _scrub(body)
    return jsonify(handover_ops.handover(hall(), keys(), licence_id, digits, principal(), window))


def _limit() -> int:
    return int(current_app.config["PICKUP_MAX_WRONG_PER_MINUTE"])


@bp.post("/pickups")
@requires("kiosk")
def pickup():
    code = field(json_body(), "code", str, required=True)
    answer = redeem.redeem(hall(), keys(), code, principal(), locker=lambda: current_app.extensions["pickup_locker"],
                           limit=_limit(), address=request.remote_addr)
    return jsonify(answer), 200 if answer["method"] == "post" else 201


@bp.post("/pickups/confirm")
@requires("kiosk")
def confirm():
    body = json_body()
    code = field(body, "code", str, required=True)
    accept = field(body, "accept", bool, required=True)
    return jsonify(redeem.confirm_post(hall(), keys(), code, accept, principal(), limit=_limit(),
                                       address=request.remote_addr))


@bp.get("/code-audit")
@requires("manager")
def code_audit():
    h = hall()
    text = day_arg("date")
    day = date.fromisoformat(text) if text else h.now().astimezone(h.config.tz).date()
    start = datetime.combine(day, time(0), h.config.tz)
    entries = between(h.store.read(), to_iso(start), to_iso(start + timedelta(days=1)))
    return jsonify({"date": day.isoformat(), "entries": entries})

