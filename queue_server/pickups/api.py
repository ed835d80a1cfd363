"""统一出件 API: the back office registers finished licences; kiosks redeem codes; the desk hands over.

    POST /api/v1/licences                     manager/backoffice: register one → 201 {"id","pickup_code","pickup_qr"}
    POST /api/v1/licences/import              manager/backoffice: CSV body (or multipart "file"); bad rows by line
    GET  /api/v1/licences?state=&case_no=     staff/manager/backoffice
    GET  /api/v1/licences/{id}                staff/manager/backoffice: the licence and its code audit trail
    POST /api/v1/licences/{id}/ready          manager/backoffice: a pending licence is finished
    GET  /api/v1/licences/{id}/notice.png|notice.pdf|sms   manager/backoffice: the pickup notice, the SMS text
    POST /api/v1/licences/{id}/handover       staff at the pickup desk: {"id_last4", "window"?}
    GET  /api/v1/windows/{no}/licence         staff/manager: the licence to fetch for the window's current ticket
    POST /api/v1/pickups                      kiosk: {"code"} → 201 desk ticket | 201 locker door | 200 post address
    POST /api/v1/pickups/confirm              kiosk: {"code", "accept": true|false} for a postal licence
    GET  /api/v1/code-audit?date=             manager: that day's redeems, refusals, check-ins and handovers
Refusals are 4xx {"error","message","message_zh","message_en"}: invalid_code, wrong_hall, expired,
already_collected, not_ready, too_many_attempts (and no_locker, locker_failed, id_mismatch).
Settings: PICKUP_KEY_FILE (default <db>.keys.json), LOCKER (or $HALL_LOCKER), PICKUP_MAX_WRONG_PER_MINUTE.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from queue_server.clock import to_iso
from queue_server.errors import BadRequest, NotFound, TooLarge
from queue_server.pickups import handover as handover_ops
from queue_server.pickups import licences, lockers, notice, redeem
from queue_server.pickups.audit_log import between, history
from queue_server.pickups.keyfile import KeyStore, key_path_for
from queue_server.pickups.schema import migrations  # noqa: F401  (the Hall applies this extension's schema)
from queue_server.web_helpers import body_bytes, day_arg, field, hall, json_body, principal, requires

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


@bp.post("/licences")
@requires(*BACK_OFFICE)
def create_licence():
    body = json_body()
    try:
        answer = licences.create(hall(), keys(), dict(body), principal().actor)
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
    report = licences.import_csv(hall(), keys(), data, principal().actor)
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
    rows = hall().store.read().query(sql + " ORDER BY id DESC LIMIT 500", args)
    return jsonify({"licences": [licences.public(r) for r in rows]})


@bp.get("/licences/<int:licence_id>")
@requires("staff", *BACK_OFFICE)
def get_licence(licence_id: int):
    db = hall().store.read()
    return jsonify(licences.public(licences.load(db, licence_id)) | {"history": history(db, "licence", licence_id)})


@bp.post("/licences/<int:licence_id>/ready")
@requires(*BACK_OFFICE)
def ready(licence_id: int):
    return jsonify(licences.mark_ready(hall(), licence_id))


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


@bp.get("/windows/<int:no>/licence")
@requires("staff", "manager")
def window_licence(no: int):
    """What the pickup desk's console shows: the licence behind the ticket being served (null if none)."""
    db = hall().store.read()
    row = db.execute("SELECT current_ticket FROM windows WHERE number = ?", [no]).fetchone()
    if row is None:
        raise NotFound(f"there is no window {no}", code="unknown_window")
    licence = None
    if row[0] is not None:
        found = list(db.query("SELECT * FROM licences WHERE ticket_id = ?", [row[0]]))
        licence = licences.public(found[0]) if found else None
    return jsonify({"window": no, "ticket_id": row[0], "licence": licence})


def _limit() -> int:
    return int(current_app.config.get("PICKUP_MAX_WRONG_PER_MINUTE", redeem.MAX_WRONG_TYPED_PER_MINUTE))


@bp.post("/pickups")
@requires("kiosk")
def pickup():
    code = field(json_body(), "code", str, required=True)
    answer = redeem.redeem(hall(), keys(), code, principal(), locker=lambda: lockers.current(current_app),
                           limit=_limit())
    return jsonify(answer), 200 if answer["method"] == "post" else 201


@bp.post("/pickups/confirm")
@requires("kiosk")
def confirm():
    body = json_body()
    code = field(body, "code", str, required=True)
    accept = field(body, "accept", bool, required=True)
    return jsonify(redeem.confirm_post(hall(), keys(), code, accept, principal(), limit=_limit()))


@bp.get("/code-audit")
@requires("manager")
def code_audit():
    h = hall()
    text = day_arg("date")
    day = date.fromisoformat(text) if text else h.now().astimezone(h.config.tz).date()
    start = datetime.combine(day, time(0), h.config.tz)
    entries = between(h.store.read(), to_iso(start), to_iso(start + timedelta(days=1)))
    return jsonify({"date": day.isoformat(), "entries": entries})


def register(app: Flask) -> None:
    h = app.extensions["hall"]
    path = app.config.get("PICKUP_KEY_FILE") or key_path_for(h.store.path)
    app.extensions["pickup_keys"] = KeyStore(path, h.now())
    lockers.install(app)
    app.register_blueprint(bp, url_prefix="/api/v1")
