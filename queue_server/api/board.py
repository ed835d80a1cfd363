"""GET /api/v1/board: what a wall board shows."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from queue_server.api.helpers import hall
from queue_server.errors import BadRequest
from queue_server.ops.live import board

bp = Blueprint("board", __name__)


def zones_arg(h) -> list[str] | None:
    raw = request.args.get("zones")
    if not raw:
        return None
    wanted = [z.strip() for z in raw.split(",") if z.strip()]
    by_prefix = {z.prefix: z.code for z in h.config.zones}
    out = []
    for z in wanted:
        code = by_prefix.get(z, z)
        if code not in h.config.zone_codes():
            raise BadRequest(f"unknown zone {z!r} in zones=", code="unknown_zone")
        out.append(code)
    return out


@bp.get("/board")
def get_board():
    h = hall()
    windows = None
    if request.args.get("windows"):
        try:
            windows = [int(x) for x in request.args["windows"].split(",") if x.strip()]
        except ValueError:
            raise BadRequest("windows= must be window numbers separated by commas", code="bad_windows") from None
    return jsonify(board(h, zones_arg(h), windows))
