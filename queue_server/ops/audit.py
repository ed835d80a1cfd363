"""The audit log: every manager action (any change, and every export) with who, when, what and the answer.

Recorded by one after-request hook (api/audit_hook.py), so actions added later are covered too;
passwords never reach the log. `record()` lets other modules log an action inside their own transaction.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from queue_server.clock import to_iso
from queue_server.hall import Hall

AUDITED_READS = ("/api/v1/stats/export",)  # reads that still leave a trace: data leaving the hall
SECRET_KEYS = {"password", "token", "new_password"}

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
