"""The Flask application: built from keyword arguments, every route registered here."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from queue_server.api import alerts, auth, board, events, hall_info, stats, tickets, windows
from queue_server.clock import Clock, system_clock
from queue_server.errors import HallError
from queue_server.hall import Hall
from queue_server.hall_config import HallConfig, load_config
from queue_server.input_checks import INT_MAX, check_text
from queue_server.web_helpers import error_response

API_BLUEPRINTS = (hall_info.bp, tickets.bp, windows.bp, auth.bp, board.bp, events.bp, stats.bp, alerts.bp)
MAX_BODY_BYTES = 1024 * 1024

_HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "body_too_large",
               415: "unsupported_media_type"}
_HTTP_MESSAGES = {
    404: "no such path; the API lives under /api/v1 (see GET /api/v1/hall)",
    405: "this path does not accept that method",
    413: f"the request body is too large (limit {MAX_BODY_BYTES // 1024} KB)",
}


class BoundedInt(IntegerConverter):
    """<int:...> in a path: a number SQLite can hold (up to 2^63-1), or the path matches nothing (404)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = INT_MAX,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def _check_url_text() -> None:
    """Query arguments and text in the path: no NUL, at most 1,000 characters (input_checks)."""
    for name, value in request.args.items(multi=True):
        check_text(name, "argument name", 100)
        check_text(value, name, 1000)
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str):
            check_text(value, name, 1000)


def create_app(
    *, db_path: str | Path, config: HallConfig | None = None, config_path: str | Path | None = None,
    clock: Clock = system_clock, settings: Mapping[str, Any] | None = None,
) -> Flask:
    app = Flask(__name__)
    app.url_map.converters["int"] = BoundedInt  # before any route is added
    # Heartbeat comments keep idle streams open through proxies; a shorter period suits ones that cut sooner.
    heartbeat = float(os.environ.get("HALL_SSE_HEARTBEAT_S") or 10)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY_BYTES, JSON_AS_ASCII=False, SSE_HEARTBEAT_S=heartbeat)
    app.json.ensure_ascii = False
    if settings:
        app.config.update(settings)
    hall = Hall(config=config or load_config(config_path), db_path=db_path, clock=clock)
    app.extensions["hall"] = hall
    for bp in API_BLUEPRINTS:
        app.register_blueprint(bp, url_prefix="/api/v1")
    _register_pages(app)
    app.before_request(_check_url_text)

    @app.errorhandler(HallError)
    def hall_error(e: HallError):
        return error_response(e.status, e.code, e.message, **e.details)

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        status = e.code or 500
        return error_response(status, _HTTP_CODES.get(status, "http_error"),
                              _HTTP_MESSAGES.get(status, e.description or e.name))

    @app.errorhandler(Exception)
    def unexpected(e: Exception):
        app.logger.exception("unexpected error")
        return error_response(500, "internal_error", "something went wrong on the server; it has been logged")

    return app


def _register_pages(app: Flask) -> None:
    """Optional parts (pickups, appointments, ratings, web pages) register their routes."""
    for module in app.extensions["hall"].extensions:
        if hasattr(module, "register"):
            module.register(app)
