"""Using a code, guarded: the wrong-typed-code limit per device, then the use itself, and every refusal audited.

Shared by licence pickup and appointment check-in, so both count attempts and record refusals the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from queue_server.codes import audit_log
from queue_server.codes.refusals import too_many_attempts
from queue_server.core import signed_codes
from queue_server.errors import HallError
from queue_server.hall import Hall
from queue_server.ops.accounts import Principal

T = TypeVar("T")


def guarded(hall: Hall, code: str, p: Principal, *, subject: str, action: str, limit: int,
            resolve: Callable[[str], tuple[int, bool]], use: Callable[[int, bool], T]) -> T:
    """Resolve `code` to (object id, typed?), run `use(object_id, typed)`; audit a refusal whatever its cause."""
    typed = not signed_codes.looks_like_token(code)
    object_id = None
    try:
        if typed and audit_log.wrong_typed_in_last_minute(hall.store.read(), p.name, hall.now()) >= limit:
            raise too_many_attempts(limit)
        object_id, typed = resolve(code)
        return use(object_id, typed)
    except HallError as e:
        object_id = object_id or e.details.get("licence_id")
        with hall.store.write() as db:
            audit_log.record(db, at=hall.now(), subject=subject, action=action, outcome=e.code,
                             object_id=object_id, device=p.name, typed=typed, detail={"message": e.message[:300]})
        raise
