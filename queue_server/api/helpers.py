"""Small helpers shared by the blueprints: the current hall, JSON bodies, who is asking."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, g, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from queue_server.clock import parse_day
from queue_server.core.input_checks import INT_MAX, INT_MIN, check_int, check_text, parse_json
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


def body_bytes() -> bytes:
    """The raw body; 413 for a chunked body that reached the size limit (Werkzeug cuts it there silently)."""
    data = request.get_data(cache=True)
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and request.content_length is None and len(data) >= limit:
        raise RequestEntityTooLarge()
    return data


def json_body() -> dict:
    """The request's JSON object, checked (input_checks: nesting, numbers, text), or a 400 that says what is wrong."""
    if "json_body" not in g:
        raw = body_bytes()
        if raw and not request.is_json:
            raise BadRequest("the body is not JSON; send a JSON object with Content-Type: application/json",
                             code="bad_json")
        data = parse_json(raw) if raw else {}
        if not isinstance(data, dict):
            raise BadRequest("the body must be a JSON object", code="bad_json")
        g.json_body = data
    return g.json_body


def field(body: dict, name: str, kind: type | tuple[type, ...], *, required: bool = False,
          max_len: int | None = None, lo: int = INT_MIN, hi: int = INT_MAX) -> Any:
    """One field of a body: its type, and its range (whole numbers) or length (text, default input_checks')."""
    value = body.get(name)
    if value is None:
        if required:
            raise BadRequest(f"{name!r} is required", code="missing_field")
        return None
    if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise BadRequest(f"{name!r} must be {names}, got {type(value).__name__}", code="bad_field")
    if isinstance(value, str):
        check_text(value, name, max_len)
    elif isinstance(value, int) and not isinstance(value, bool):
        check_int(value, name, lo, hi)
    return value


def int_arg(name: str, default: int | None = None, *, lo: int = 0, hi: int = INT_MAX) -> int | None:
    """A whole-number query argument within lo..hi, or a 400 naming it."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number", code="bad_field", field=name) from None
    return check_int(value, name, lo, hi)


def day_arg(name: str = "date") -> str | None:
    """A day query argument in ISO form (checked by clock.parse_day), or None when absent."""
    raw = request.args.get(name)
    return parse_day(raw, name).isoformat() if raw else None


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
