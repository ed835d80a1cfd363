"""Staff and manager login."""

from __future__ import annotations

from flask import Blueprint, jsonify

from queue_server.api.helpers import bearer_token, field, hall, json_body, principal
from queue_server.ops import accounts

bp = Blueprint("auth", __name__)


@bp.post("/login")
def login():
    body = json_body()
    result = accounts.login(hall(), field(body, "username", str, required=True),
                            field(body, "password", str, required=True))
    return jsonify(result)


@bp.post("/logout")
def logout():
    principal()
    accounts.logout(hall(), bearer_token() or "")
    return jsonify({"ok": True})


@bp.get("/me")
def me():
    p = principal()
    return jsonify({"kind": p.kind, "name": p.name, "device_kind": p.device_kind, "window": p.window})
