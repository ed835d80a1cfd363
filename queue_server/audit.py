"""The audit log: every manager action (any change, and every export) with who, when, what and the answer.

Recorded by one after-request hook, so actions added later are covered too;
passwords never reach the log. `record()` lets other modules log an action
inside their own transaction. Applied as a migration set of its own.
"""

from __future__ import annotations

import json

from flask import Flask, Response, g, request
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations
from werkzeug.exceptions import HTTPException

from queue_server.clock import to_iso
from queue_server.errors import HallError
from queue_server.hall import Hall
from queue_server.web_helpers import json_body

migrations = Migrations("audit")
AUDITED_READS = ("/api/v1/stats/export",)  # reads that still leave a trace: data leaving the hall
SECRET_KEYS = {"password", "token", "new_password"}


@migrations()
def m001_audit(db: Database) -> None:
    db["audit_log"].create(
        {"id": int, "at": str, "actor": str, "role": str, "method": str, "path": str, "action": str,
         "target": str, "detail": str, "status": int},
        pk="id", not_null={"at", "actor", "action"},
    )
    db["audit_log"].create_index(["at"])
    db.executescript(
        """
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        """
    )


MAX_DETAIL = 4000  # characters of JSON text per entry


def _clean(value: object, text_limit: int, depth: int = 0) -> object:
    """Secrets masked and long values shortened inside the structure, so the stored text stays valid JSON."""
    if depth >= 6:
        return "…"
    if isinstance(value, dict):
        items = list(value.items())
        out = {str(k)[:100]: ("***" if k in SECRET_KEYS else _clean(v, text_limit, depth + 1))
               for k, v in items[:50]}
        if len(items) > 50:
            out["…"] = f"{len(items) - 50} more fields"
        return out
    if isinstance(value, list):
        out = [_clean(v, text_limit, depth + 1) for v in value[:50]]
        return out + [f"… {len(value) - 50} more"] if len(value) > 50 else out
    if isinstance(value, str) and len(value) > text_limit:
        return value[:text_limit] + f"… ({len(value)} characters)"
    return value


def detail_json(detail: object) -> str:
    """The detail as JSON of at most MAX_DETAIL characters: values shortened, never the JSON text cut."""
    for text_limit in (500, 100, 20):
        text = json.dumps(_clean(detail, text_limit), ensure_ascii=False)
        if len(text) <= MAX_DETAIL:
            return text
    return json.dumps({"…": f"a request too large to record ({len(json.dumps(detail))} characters)"})


def record(hall: Hall, db: Database, *, actor: str, role: str, action: str, target: object = None,
           detail: object = None, method: str = "", path: str = "", status: int = 200) -> None:
    db["audit_log"].insert({
        "at": to_iso(hall.now()), "actor": actor, "role": role, "method": method, "path": path,
        "action": action, "target": json.dumps(target, ensure_ascii=False) if target is not None else None,
        "detail": detail_json(detail) if detail is not None else None,
        "status": status,
    })


def _loads(text: str | None) -> object:
    """A stored value; an entry cut by an older version (not JSON) is shown as the text it is."""
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def entries(hall: Hall, since: str | None = None, before: str | None = None, limit: int = 500) -> list[dict]:
    """Newest first; since/before are stored-form timestamps (UTC ISO)."""
    sql, args = "SELECT * FROM audit_log", []
    if since and before:
        sql += " WHERE at >= ? AND at < ?"
        args += [since, before]
    sql += " ORDER BY id DESC LIMIT ?"
    rows = list(hall.store.read().query(sql, [*args, limit]))
    for r in rows:
        for k in ("target", "detail"):
            r[k] = _loads(r[k])
    return rows


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


def register(app: Flask) -> None:
    if app.extensions.get("hall_audit"):
        return
    app.extensions["hall_audit"] = True

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
