"""A scanned token or a typed code → the id of the licence or appointment it stands for.

Shared by pickup redemption and appointment check-in: the signature, hall and expiry checks of a
token, or the keyed hash of a typed code, and the refusal the citizen hears when it is not ours.
"""

from __future__ import annotations

from collections.abc import Callable

from queue_server.codes.keyfile import KeyStore
from queue_server.codes.refusals import Refused, other_kind, wrong_hall
from queue_server.core import signed_codes
from queue_server.hall import Hall

TABLES = {"licence": "licences", "appointment": "appointments"}


def resolve_code(hall: Hall, keys: KeyStore, code: str, *, kind: str, invalid: Callable[..., Refused],
                 expired: Callable[[int], Refused]) -> tuple[int, bool]:
    """(object id, typed?) of `code`; raises the Refused the kiosk shows when it cannot be used.

    `invalid(detail="")` and `expired(object_id)` build the service's own wording.
    """
    ring = keys.ring()
    if signed_codes.looks_like_token(code):
        try:
            claim = signed_codes.verify(ring, code, kind=kind, hall=hall.config.code, now=hall.now())
        except signed_codes.CodeError as e:
            if e.reason == "wrong_hall":
                raise wrong_hall(str(e.details["hall"])) from None
            if "code_kind" in e.details:
                raise other_kind(str(e.details["code_kind"])) from None
            if e.reason == "expired":
                raise expired(int(e.details["object_id"])) from None
            raise invalid() from None
        return claim.object_id, False
    try:
        typed = signed_codes.normalize_typed(code)
    except signed_codes.CodeError as e:
        raise invalid(str(e)) from None
    row = hall.store.read().execute(f"SELECT id FROM {TABLES[kind]} WHERE code_hash = ?",
                                    [signed_codes.code_hash(ring.code_secret, typed)]).fetchone()
    if row is None:
        raise invalid()
    return row[0], True
