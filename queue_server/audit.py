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

from queue_server.clock import to_iso
from queue_server.hall import Hall

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


def _clean(value: object) -> object:
    if isinstance(value, dict):
        return {k: ("***" if k in SECRET_KEYS else _clean(v)) for k, v in value.items()}
    return value


def record(hall: Hall, db: Database, *, actor: str, role: str, action: str, target: object = None,
           detail: object = None, method: str = "", path: str = "", status: int = 200) -> None:
    db["audit_log"].insert({
        "at": to_iso(hall.now()), "actor": actor, "role": role, "method": method, "path": path,
        "action": action, "target": json.dumps(target, ensure_ascii=False) if target is not None else None,
        "detail": json.dumps(_clean(detail), ensure_ascii=False)[:4000] if detail is not None else None,
        "status": status,
    })


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
            r[k] = json.loads(r[k]) if r[k] else None
    return rows


def _manager_login(response: Response) -> str | None:
    """The user name of a manager who just signed in (sign-ins are audited too)."""
    if request.path != "/api/v1/login" or response.status_code != 200:
        return None
    data = response.get_json(silent=True) or {}
    return data.get("username") if data.get("role") == "manager" else None


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
        body = request.get_json(silent=True) if request.is_json else None
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
