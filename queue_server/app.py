"""The Flask application: built from keyword arguments, every route registered here."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.exceptions import HTTPException

from queue_server.api import alerts, auth, board, events, hall_info, stats, tickets, windows
from queue_server.clock import Clock, system_clock
from queue_server.errors import HallError
from queue_server.hall import Hall
from queue_server.hall_config import HallConfig, load_config
from queue_server.serving_settings import defaults as serving_defaults
from queue_server.stream_slots import StreamSlots
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


def create_app(
    *, db_path: str | Path, config: HallConfig | None = None, config_path: str | Path | None = None,
    clock: Clock = system_clock, settings: Mapping[str, Any] | None = None,
) -> Flask:
    app = Flask(__name__)
    # Heartbeat comments keep idle streams open through proxies; a shorter period suits ones that cut sooner.
    heartbeat = float(os.environ.get("HALL_SSE_HEARTBEAT_S") or 10)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY_BYTES, JSON_AS_ASCII=False, SSE_HEARTBEAT_S=heartbeat)
    app.config.update(serving_defaults())
    app.json.ensure_ascii = False
    if settings:
        app.config.update(settings)
    hall = Hall(config=config or load_config(config_path), db_path=db_path, clock=clock)
    app.extensions["hall"] = hall
    app.extensions["event_stream_slots"] = StreamSlots()
    for bp in API_BLUEPRINTS:
        app.register_blueprint(bp, url_prefix="/api/v1")
    _register_pages(app)

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
