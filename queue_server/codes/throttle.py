"""Using a code, guarded: the wrong-typed-code limit per device and per client address, then the use itself,
and every refusal audited (repeats of one refusal within a minute counted on one row).

Shared by licence pickup and appointment check-in, so both count attempts and record refusals the same way.
A typed code is checked against the limit, looked up and, if wrong, counted in one write transaction: parallel
requests cannot all slip under the limit before any of them is counted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from sqlite_utils import Database

from queue_server.clock import to_iso
from queue_server.codes import audit_log
from queue_server.codes.refusals import Refused, too_many_attempts
from queue_server.core import signed_codes
from queue_server.errors import HallError, StorageUnavailable
from queue_server.hall import Hall
from queue_server.ops.accounts import Principal

T = TypeVar("T")
WINDOW = timedelta(seconds=60)
KEEP = timedelta(hours=1)  # wrong-code rows older than this are pruned (the audit keeps the story)


def guarded(hall: Hall, code: str, p: Principal, *, subject: str, action: str, limit: int,
            resolve: Callable[[str], tuple[int, bool]], use: Callable[[int, bool], T],
            address: str | None = None) -> T:
    """Resolve `code` to (object id, typed?), run `use(object_id, typed)`; audit a refusal whatever its cause."""
    typed = not signed_codes.looks_like_token(code)
    object_id = None
    audited = False
    try:
        if typed:
            object_id, typed, refused = _typed(hall, code, p, address, subject, action, limit, resolve)
            if refused is not None:
                audited = True
                raise refused
        else:
            object_id, typed = resolve(code)
        return use(object_id, typed)
    except StorageUnavailable:
        raise  # nothing can be recorded now; the store notes the fault
    except HallError as e:
        if not audited:
            with hall.store.write() as db:
                audit_log.refusal(db, at=hall.now(), subject=subject, action=action, outcome=e.code,
                                  object_id=object_id or e.details.get("licence_id"), device=p.name,
                                  address=address, typed=typed, detail={"message": e.message[:300]})
        raise


def _typed(hall: Hall, code: str, p: Principal, address: str | None, subject: str, action: str, limit: int,
           resolve: Callable[[str], tuple[int, bool]]) -> tuple[int | None, bool, Refused | None]:
    """(object id, typed, None) for a good typed code; (None, True, the refusal) for a wrong one or one too many.

    The limit is checked, the code looked up and a wrong one counted and audited in one write transaction.
    """
    with hall.store.write() as db:
        now = hall.now()
        if wrong_in_last_minute(db, now, device=p.name, address=address) >= limit:
            refused = too_many_attempts(limit)
        else:
            try:
                object_id, typed = resolve(code)
                return object_id, typed, None
            except Refused as e:
                if e.code != "invalid_code":
                    raise
                refused = e
            db.execute("INSERT INTO wrong_codes (at, device, address) VALUES (?, ?, ?)",
                       [to_iso(now), p.name, address])
            db.execute("DELETE FROM wrong_codes WHERE at < ?", [to_iso(now - KEEP)])
        audit_log.refusal(db, at=now, subject=subject, action=action, outcome=refused.code, device=p.name,
                          address=address, typed=True, detail={"message": refused.message[:300]})
    return None, True, refused


def wrong_in_last_minute(db: Database, now: datetime, *, device: str, address: str | None) -> int:
    """Wrong typed codes in the last minute from this device or from this address, whichever is more."""
    since = to_iso(now - WINDOW)
    by_device = db.execute("SELECT count(*) FROM wrong_codes WHERE device = ? AND at > ?", [device, since])
    n = by_device.fetchone()[0]
    if address:
        n = max(n, db.execute("SELECT count(*) FROM wrong_codes WHERE address = ? AND at > ?",
                              [address, since]).fetchone()[0])
    return n
