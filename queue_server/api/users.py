"""The manager's account actions (the dashboard's accounts panel and /admin/accounts use them); manager only.

    POST /api/v1/users                    {"username", "password", "role"}: a new account (409 if the name is taken)
    PUT  /api/v1/users/{name}/role        {"role"}: staff or manager (the last active manager stays one)
    POST /api/v1/users/{name}/disable     the account cannot sign in; its sessions end at once
    POST /api/v1/users/{name}/enable
    POST /api/v1/users/{name}/password    {"password"}: a new password; the user's sessions end at once
    POST /api/v1/users/{name}/unlock      lift a lock after repeated wrong passwords
    POST /api/v1/users/{name}/profile     {"display_name"?, "staff_no"?}: the name and 工号 its window screen shows
The list with each account's state is GET /api/v1/users (api/supervision.py).
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from queue_server.api.helpers import field, hall, json_body, requires
from queue_server.ops import accounts, login_lockouts

bp = Blueprint("users", __name__)


@bp.post("/users")
@requires("manager")
def add():
    body = json_body()
    username = field(body, "username", str, required=True).strip()
    accounts.new_user(hall(), username, field(body, "password", str, required=True),
                      field(body, "role", str, required=True))
    return jsonify({"username": username, "role": body["role"]}), 201


@bp.put("/users/<name>/role")
@requires("manager")
def role(name: str):
    new = field(json_body(), "role", str, required=True)
    accounts.set_role(hall(), name, new)
    return jsonify({"username": name, "role": new})


@bp.post("/users/<name>/disable")
@requires("manager")
def disable(name: str):
    return jsonify({"username": name, "disabled": True, "sessions_ended": accounts.set_disabled(hall(), name, True)})


@bp.post("/users/<name>/enable")
@requires("manager")
def enable(name: str):
    accounts.set_disabled(hall(), name, False)
    return jsonify({"username": name, "disabled": False})


@bp.post("/users/<name>/password")
@requires("manager")
def password(name: str):
    new = field(json_body(), "password", str, required=True)
    return jsonify({"username": name, "sessions_ended": accounts.set_password(hall(), name, new)})


@bp.post("/users/<name>/unlock")
@requires("manager")
def unlock(name: str):
    return jsonify({"username": name, "was_locked": login_lockouts.unlock(hall(), name)})


@bp.post("/users/<name>/profile")
@requires("manager")
def profile(name: str):
    body = json_body()
    return jsonify(accounts.set_profile(hall(), name, body.get("display_name"), body.get("staff_no")))
