"""Every manager action (any change, and every export) is written to the audit log by one after-request hook,
so actions added later are covered too; passwords never reach the log."""

from __future__ import annotations

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from queue_server.api.helpers import json_body
from queue_server.errors import HallError
from queue_server.hall import Hall
from queue_server.ops.audit import AUDITED_READS, record


def _manager_login(response: Response) -> str | None:
    """The user name of a manager who just signed in (sign-ins are audited too)."""
    if request.path != "/api/v1/login" or response.status_code != 200:
        return None
    data = response.get_json(silent=True) or {}
    return data.get("username") if data.get("role") == "manager" else None


def _checked_body() -> object:
    """The JSON body as json_body() checks it; None when there is none or it was refused."""
    if "json_body" in g or not request.is_json:
        return g.get("json_body")
    try:
        return json_body()
    except (HallError, HTTPException):
        return None


def _should_audit(response: Response) -> bool:
    p = g.get("principal")
    if p is None or not p.is_manager or request.url_rule is None:
        return False
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        return True
    return request.method == "GET" and request.path.startswith(AUDITED_READS) and response.status_code < 400


def init_app(app: Flask) -> None:

    @app.after_request
    def audit_manager_actions(response: Response) -> Response:
        hall: Hall = app.extensions["hall"]
        who = _manager_login(response)
        if who:
            with hall.store.write() as db:
                record(hall, db, actor=who, role="manager", action="login", method="POST", path=request.path,
                       detail={"remote": request.remote_addr}, status=200)
            return response
        if not _should_audit(response):
            return response
        body = _checked_body()
        p = g.principal
        try:
            with hall.store.write() as db:
                record(hall, db, actor=p.name, role=p.kind, action=f"{request.method} {request.url_rule.rule}",
                       target=request.view_args or None,
                       detail=body if body is not None else dict(request.args) or None,
                       method=request.method, path=request.path, status=response.status_code)
        except Exception:  # the action itself is done; a failed log entry must not turn it into an error
            app.logger.exception("could not write the audit log entry for %s %s", request.method, request.path)
        return response
