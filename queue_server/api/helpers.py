"""Small helpers shared by the blueprints: the current hall, JSON bodies, who is asking."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, g, jsonify, request

from queue_server.errors import BadRequest, Forbidden, Unauthorized
from queue_server.hall import Hall
from queue_server.ops.accounts import Principal, authenticate


def hall() -> Hall:
    return current_app.extensions["hall"]


def error_response(status: int, code: str, message: str, **details: Any):
    body = {"error": code, "message": message}
    body.update({k: v for k, v in details.items() if v is not None})
    response = jsonify(body)
    response.status_code = status
    return response


def json_body() -> dict:
    """The request's JSON object, or a 400 that says what is wrong."""
    if not request.data:
        return {}
    data = request.get_json(silent=True)
    if data is None:
        raise BadRequest("the body is not valid JSON; send a JSON object with Content-Type: application/json",
                         code="bad_json")
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object", code="bad_json")
    return data


def field(body: dict, name: str, kind: type | tuple[type, ...], *, required: bool = False) -> Any:
    value = body.get(name)
    if value is None:
        if required:
            raise BadRequest(f"{name!r} is required", code="missing_field")
        return None
    if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise BadRequest(f"{name!r} must be {names}, got {type(value).__name__}", code="bad_field")
    return value


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header[7:].strip() or None
    return request.cookies.get("hall_token") or None


def principal() -> Principal:
    if "principal" not in g:
        token = bearer_token()
        if not token:
            raise Unauthorized("this needs a staff login or a device token (Authorization: Bearer …)",
                               code="no_token")
        g.principal = authenticate(hall(), token)
    return g.principal


def requires(*kinds: str) -> Callable:
    """Allow principals whose kind (staff, manager) or device kind (kiosk, display, button…) is listed."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            p = principal()
            if p.kind not in kinds and (p.device_kind or "") not in kinds:
                raise Forbidden(f"{p.device_kind or p.kind} accounts may not do this", code="forbidden")
            return view(*args, **kwargs)

        return wrapper

    return decorator
