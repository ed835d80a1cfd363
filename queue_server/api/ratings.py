"""好差评 API: rate from the window pad or the phone link, follow up bad ratings, satisfaction figures.

    GET  /api/v1/ratings/pad/{window}        the window's pad (device kind pad): the ticket just finished there
    POST /api/v1/ratings                     that pad: {"ticket_id","score","reason"?,"comment"?}, once
    (the phone rates through its ticket link: POST /api/v1/t/{token}/rating, api/phone.py)
    GET  /api/v1/ratings?from=&to=           manager: ratings and satisfaction
    GET  /api/v1/followups?state=            manager: bad-rating follow-up items
    POST /api/v1/followups/{id}/assign|note|close
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from queue_server.api.helpers import field, hall, json_body, principal, requires
from queue_server.core.rating_scale import LEVELS, reasons_of, satisfaction
from queue_server.errors import BadRequest
from queue_server.ops.history import day_range
from queue_server.ratings import ops

bp = Blueprint("ratings", __name__)


@bp.get("/ratings/scale")
def scale():
    reasons = reasons_of(hall().config.rules)
    return jsonify({"levels": [{"score": lv.score, "zh": lv.zh, "en": lv.en, "face": lv.face} for lv in LEVELS],
                    "reasons": [{"code": k, "zh": zh, "en": en} for k, (zh, en) in reasons.items()]})


@bp.get("/ratings/pad/<int:window>")
def pad(window: int):
    shows_s = int(current_app.config["RATING_PAD_SHOWS_S"])
    return jsonify({"window": window, "ticket": ops.pad_ticket(hall(), window, principal(), shows_s)})


@bp.post("/ratings")
def rate_at_window():
    body = json_body()
    p = principal()
    ticket_id = field(body, "ticket_id", int, required=True)
    return jsonify(ops.rate(hall(), ticket_id, body, source="pad", principal=p, actor=p.actor,
                            pad_shows_s=int(current_app.config["RATING_PAD_SHOWS_S"]))), 201


@bp.get("/ratings")
@requires("manager")
def list_ratings():
    first, last = day_range(hall(), request.args.get("from"), request.args.get("to"))
    rows = ops.ratings_between(hall(), first, last)
    return jsonify({"from": first, "to": last, "summary": satisfaction(r["score"] for r in rows),
                    "ratings": rows[-500:][::-1]})


@bp.get("/followups")
@requires("manager")
def followups():
    return jsonify(ops.list_followups(hall(), request.args.get("state") or None))


@bp.post("/followups/<int:followup_id>/<action>")
@requires("manager")
def followup_action(followup_id: int, action: str):
    if action not in ("assign", "note", "close"):
        raise BadRequest("follow-up actions are assign, note and close", code="unknown_action")
    return jsonify(ops.update_followup(hall(), followup_id, action, principal(), json_body()))

