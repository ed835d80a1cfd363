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
SECRET_KEYS = {"password", "token", "new_password", "auth_header"}  # auth_header: the SMS gateway's credential

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
