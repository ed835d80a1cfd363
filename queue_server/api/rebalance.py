"""Balancing for the manager: suggested window moves, and accepting one.

    GET  /api/v1/rebalance/proposals         suggested window moves
    POST /api/v1/rebalance/accept            {"window", "zones"}: apply one
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from queue_server.api.helpers import field, hall, json_body, principal, requires
from queue_server.ops import windows as window_ops
from queue_server.ops.balancing import proposals

bp = Blueprint("rebalance", __name__)


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
