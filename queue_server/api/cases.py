"""Accepted cases: the window accepts or refuses, the back office moves them on, citizens look up progress.

    POST /api/v1/windows/{no}/cases            staff at the window: {"applicant_name", "id_number", "phone",
                                               "provided": [material ids], "deficiency": bool} → 201 one case per
                                               matter of the ticket, the receipt (and 容缺 pledge) printed
    POST /api/v1/windows/{no}/case-refusals    staff at the window: {"reason", "provided", "note"?, applicant?}
                                               → 201; the 一次性告知单 printed
    GET  /api/v1/cases?state=                  staff, manager, back office: newest first
    GET  /api/v1/cases/{id}                    the case and its events
    GET  /api/v1/cases/{id}/{receipt|pledge|notice}.pdf   the slips as PDF
    POST /api/v1/cases/{id}/supplied           staff, manager: {"materials"?} outstanding 容缺 materials supplied
    POST /api/v1/case-states                   manager, back office (the approval system's device token):
                                               {"case_no", "state": in_review|done|denied, "ref"?}; idempotent
    POST /api/v1/case-states/import            manager, back office: CSV case_no,state[,ref]
    POST /api/v1/cases/lookup                  kiosk: {"code"} (the receipt QR) or {"case_no", "id_last4"}
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from queue_server.api.helpers import body_bytes, field, hall, json_body, principal, requires
from queue_server.api.pickups import keys
from queue_server.cases import lookup, slips, store
from queue_server.cases.printing import print_slips
from queue_server.cases.slip_pdf import render_pdf
from queue_server.errors import BadRequest, NotFound
from queue_server.hall import Hall
from queue_server.pickups import ready_sms
from queue_server.pickups.places import pickup_place

bp = Blueprint("cases", __name__)
BACK_OFFICE = ("manager", "backoffice")
READERS = ("staff", "manager", "backoffice")
SLIPS = ("receipt", "pledge", "notice")


def _scrub(body: dict) -> None:
    """The ID number and phone never reach the manager audit log, which records request bodies."""
    if isinstance(body.get("id_number"), str):
        body["id_number"] = "****"
    if isinstance(body.get("phone"), str):
        body["phone"] = "***" + body["phone"][-4:]


def _slip(h: Hall, case_ids: list[int], kind: str) -> slips.Slip:
    db = h.store.read()
    views = [store.staff_view(h, store.load(db, i)) for i in case_ids]
    first = views[0]
    cfg = h.config
    if kind == "notice":
        if first["state"] != "refused":
            raise NotFound("only a refused case has a one-time notice", code="no_such_slip")
        reason = next((r for r in cfg.rules.refusal_reasons if r.code == first["refusal_reason"]), None)
        return slips.notice(views, hall_zh=cfg.name_zh, hall_en=cfg.name_en,
                            reason_zh=reason.zh if reason else first["refusal_reason"] or "",
                            reason_en=reason.en if reason else "")
    if first["state"] == "refused":
        raise NotFound("a refused case has no receipt or pledge", code="no_such_slip")
    if kind == "pledge":
        if not first["missing_aux"]:
            raise NotFound("this case has no 容缺 pledge", code="no_such_slip")
        return slips.pledge(first, hall_zh=cfg.name_zh, hall_en=cfg.name_en)
    try:
        days = cfg.matter(first["matter"]).promised_days
    except KeyError:
        days = 0
    pzh, pen = pickup_place(cfg)
    url = store.receipt_url(h, store.receipt_token(h, keys(), first["id"]))
    return slips.receipt(first, hall_zh=cfg.name_zh, hall_en=cfg.name_en, promised_days=days, url=url,
                         pickup_zh=pzh, pickup_en=pen)


def _printer_of(h: Hall, window: int) -> str:
    try:
        return h.config.window(window).printer
    except KeyError:
        return ""


def _answer(h: Hall, rows: list[dict], window: int, kinds: list[tuple[list[int], str]]) -> dict:
    printed = print_slips(_printer_of(h, window), [_slip(h, ids, kind) for ids, kind in kinds])
    cases = []
    for r in rows:
        v = store.staff_view(h, r)
        v["receipt_code"] = store.receipt_token(h, keys(), r["id"]) if r["state"] != "refused" else None
        v["slips"] = {k: f"/api/v1/cases/{r['id']}/{k}.pdf" for k in SLIPS
                      if (k == "notice") == (r["state"] == "refused") and (k != "pledge" or v["missing_aux"])}
        cases.append(v)
    return {"cases": cases, "printing": printed}


@bp.post("/windows/<int:number>/cases")
@requires("staff", "manager")
def accept(number: int):
    body = json_body()
    h = hall()
    try:
        rows = store.accept(h, keys(), number, principal(), body)
    finally:
        _scrub(body)
    kinds = [([r["id"]], "receipt") for r in rows]
    kinds += [([r["id"]], "pledge") for r in rows if r["state"] == "pending_supply"]
    return jsonify(_answer(h, rows, number, kinds)), 201


@bp.post("/windows/<int:number>/case-refusals")
@requires("staff", "manager")
def refuse(number: int):
    body = json_body()
    h = hall()
    try:
        rows = store.refuse(h, keys(), number, principal(), body)
    finally:
        _scrub(body)
    return jsonify(_answer(h, rows, number, [([r["id"] for r in rows], "notice")])), 201


@bp.get("/cases")
@requires(*READERS)
def list_cases():
    state = request.args.get("state")
    return jsonify({"cases": store.list_cases(hall(), state=state)})


@bp.get("/cases/<int:case_id>")
@requires(*READERS)
def one_case(case_id: int):
    h = hall()
    db = h.store.read()
    return jsonify(store.staff_view(h, store.load(db, case_id)) | {"events": store.history(db, case_id)})


@bp.get("/cases/<int:case_id>/<kind>.pdf")
@requires(*READERS)
def slip_pdf(case_id: int, kind: str):
    if kind not in SLIPS:
        raise NotFound(f"the slips are {', '.join(SLIPS)}", code="no_such_slip")
    h = hall()
    ids = [case_id]
    if kind == "notice":  # one notice covers every matter refused with this one (a bundle's)
        row = store.load(h.store.read(), case_id)
        ids = [r[0] for r in h.store.read().execute(
            "SELECT id FROM cases WHERE ticket_id IS ? AND state = 'refused' AND accepted_at = ? ORDER BY id",
            [row["ticket_id"], row["accepted_at"]])] or ids
    return Response(render_pdf(_slip(h, ids, kind)), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="case-{case_id}-{kind}.pdf"'})


@bp.post("/cases/<int:case_id>/supplied")
@requires("staff", "manager")
def supplied(case_id: int):
    h = hall()
    return jsonify(store.staff_view(h, store.mark_supplied(h, case_id, principal(), json_body())))


@bp.post("/case-states")
@requires(*BACK_OFFICE)
def set_state():
    body = json_body()
    h = hall()
    case = store.by_number(h, field(body, "case_no", str, required=True, max_len=64))
    row, changed = store.set_state(h, keys(), case["id"], field(body, "state", str, required=True, max_len=32),
                                   principal().actor, ref=field(body, "ref", str, max_len=64),
                                   on_ready=ready_sms.queuer(h, keys()))
    return jsonify({"case": store.staff_view(h, row), "changed": changed})


@bp.post("/case-states/import")
@requires(*BACK_OFFICE)
def import_states():
    data = body_bytes()
    if not data:
        raise BadRequest("send the CSV as the request body", code="bad_csv")
    h = hall()
    return jsonify(store.import_states(h, keys(), data, principal().actor, ready_sms.queuer(h, keys())))


@bp.post("/cases/lookup")
@requires("kiosk")
def lookup_case():
    body = json_body()
    code = field(body, "code", str, max_len=300)
    case_no = field(body, "case_no", str, max_len=64)
    last4 = field(body, "id_last4", str, max_len=8)
    if not code and not (case_no and last4):
        raise BadRequest("send the scanned 'code', or 'case_no' and 'id_last4'", code="missing_field")
    limit = int(current_app.config["PICKUP_MAX_WRONG_PER_MINUTE"])
    answer = lookup.lookup(hall(), keys(), principal(), code=code, case_no=case_no, id_last4=last4, limit=limit,
                           address=request.remote_addr)
    body.pop("id_last4", None)
    return jsonify(answer)
