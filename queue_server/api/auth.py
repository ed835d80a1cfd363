"""Staff and manager login (rate-limited, locked after repeated wrong passwords) and the web session cookie."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from queue_server.api import session_cookie
from queue_server.api.helpers import bearer_token, field, hall, json_body, principal
from queue_server.api.login_guard import LoginGuard
from queue_server.errors import HallError
from queue_server.ops import accounts

bp = Blueprint("auth", __name__)


@bp.post("/login")
def login():
    body = json_body()
    username = field(body, "username", str, required=True)
    password = field(body, "password", str, required=True)
    accounts.check_login_input(username, password)
    guard: LoginGuard = current_app.extensions["login_guard"]
    guard.admit(request.remote_addr or "?", username)
    with guard.password_check():
        result = accounts.login(hall(), username, password)
    response = jsonify(result)
    session_cookie.set_session(response, result["token"])  # the pages' session; API clients use the token
    return response


@bp.post("/logout")
def logout():
    token = bearer_token()
    if token:
        try:
            principal()
        except HallError:
            token = None  # an unknown or expired token: nothing to end, the cookie still goes
    if token:
        accounts.logout(hall(), token)
    response = jsonify({"ok": True})
    session_cookie.clear_session(response)
    return response


@bp.get("/me")
def me():
    p = principal()
    return jsonify({"kind": p.kind, "name": p.name, "device_kind": p.device_kind, "window": p.window})
