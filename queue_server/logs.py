"""Logs as JSON lines under systemd (one object per line in the journal), plain text on a terminal.

Every line carries the hall's code, and inside a request its request id (X-Request-Id: the client's, else a new
one, sent back) and the ticket id when the request is about one. python-json-logger formats the lines.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
import uuid

from flask import Flask, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
access_log = logging.getLogger("queue_server.access")


def json_wanted(setting: str, environ: dict | os._Environ = os.environ) -> bool:
    """HALL_LOG_FORMAT: json, text, or auto (json when the journal is our standard error, as under systemd)."""
    if setting == "auto":
        return bool(environ.get("JOURNAL_STREAM") or environ.get("INVOCATION_ID"))
    return setting == "json"


class HallContext(logging.Filter):
    """Adds hall, request_id and ticket_id to every record (None outside a request)."""

    def __init__(self, hall_code: str = "") -> None:
        super().__init__()
        self.hall_code = hall_code

    def filter(self, record: logging.LogRecord) -> bool:
        record.hall = self.hall_code
        record.request_id = getattr(record, "request_id", None)
        record.ticket_id = getattr(record, "ticket_id", None)
        if has_request_context():
            record.request_id = record.request_id or g.get("request_id")
            record.ticket_id = record.ticket_id or g.get("ticket_id") or (request.view_args or {}).get("ticket_id")
        return True


def json_handler(hall_code: str, stream=None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(
        "{asctime}{levelname}{name}{message}{hall}{request_id}{ticket_id}", style="{",
        rename_fields={"asctime": "at", "levelname": "level", "name": "logger"}, json_ensure_ascii=False))
    handler.addFilter(HallContext(hall_code))
    return handler


def configure(setting: str, hall_code: str) -> bool:
    """Route the root logger to JSON lines when wanted (returns whether it did); else leave logging as it is."""
    if not json_wanted(setting):
        return False
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    root.addHandler(json_handler(hall_code))
    root.setLevel(logging.INFO)
    return True


def note_ticket(ticket_id: int) -> None:
    """The request is about this ticket: its log lines carry the id."""
    if has_request_context():
        g.ticket_id = ticket_id


def init_app(app: Flask) -> None:
    """A request id per request (the client's X-Request-Id if sane), sent back; an access line per request."""

    @app.before_request
    def _request_id() -> None:
        given = request.headers.get("X-Request-Id", "")
        g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex[:16]
        g.started = time.monotonic()

    @app.after_request
    def _access(response):
        response.headers["X-Request-Id"] = g.get("request_id", "")
        if access_log.isEnabledFor(logging.INFO):
            access_log.info("%s %s %s", request.method, request.path, response.status_code,
                            extra={"method": request.method, "path": request.path, "status": response.status_code,
                                   "ms": round((time.monotonic() - g.get("started", time.monotonic())) * 1000, 1)})
        return response
