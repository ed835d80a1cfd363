"""The pickup desk hands a licence over: staff type the holder's last 4 ID characters, the licence is collected.

The audit record keeps who (staff), when, where (window), which kiosk took the ticket and which ticket.
"""

from __future__ import annotations

import hmac
import json
from datetime import timedelta

from queue_server.clock import to_iso
from queue_server.codes import audit_log
from queue_server.codes.keyfile import KeyStore
from queue_server.codes.refusals import Refused
from queue_server.core import signed_codes
from queue_server.errors import BadRequest, Forbidden
from queue_server.hall import Hall
from queue_server.ops.accounts import Principal
from queue_server.pickups import licences
from queue_server.pickups.redeem import check_state

MAX_MISMATCHES = 3  # wrong ID digits for one licence within MISMATCH_WINDOW: a manager has to look
MISMATCH_WINDOW = timedelta(minutes=30)


def staff_window(hall: Hall, p: Principal, window: int | None) -> int | None:
    """The desk the handover happens at: the given window (must be the staff member's) or their open one.

    Staff hand over only at a window that serves a pickup zone; a manager anywhere.
    """
    db = hall.store.read()
    if window is not None:
        row = db.execute("SELECT staff, state FROM windows WHERE number = ?", [window]).fetchone()
        if row is None:
            raise BadRequest(f"there is no window {window}", code="unknown_window")
        if not p.is_manager and (row[0] != p.name or row[1] == "closed"):
            raise Forbidden(f"window {window} is not open under your name; open it first", code="not_your_window")
        if not p.is_manager:
            pickup_desk(hall, p)
        return window
    row = db.execute("SELECT number FROM windows WHERE staff = ? AND state != 'closed' ORDER BY number",
                     [p.name]).fetchone()
    if row is None and not p.is_manager:
        raise BadRequest("open your pickup window first (POST /api/v1/windows/{no}/open)", code="no_window")
    if not p.is_manager:
        pickup_desk(hall, p)
    return row[0] if row else None


def pickup_desk(hall: Hall, p: Principal) -> int:
    """The window serving a pickup zone that `p` is signed on at, or Forbidden: licences are a pickup desk's work."""
    zones = {z.code for z in hall.config.zones if z.kind == "pickup"}
    for number, served in hall.store.read().execute(
            "SELECT number, zones FROM windows WHERE staff = ? AND state != 'closed' ORDER BY number", [p.name]):
        if zones & set(json.loads(served)):
            return number
    raise Forbidden("only staff signed on at a pickup window (统一出件) may see licences or hand them over",
                    code="not_at_pickup_desk")


def handover(hall: Hall, keys: KeyStore, licence_id: int, id_last4: str, p: Principal,
             window: int | None = None) -> dict:
    desk = staff_window(hall, p, window)
    digits = (id_last4 or "").strip().upper()
    secret = keys.ring().code_secret
    now = hall.now()
    try:
        with hall.store.write() as db:
            row = licences.load(db, licence_id)
            if row["state"] != "redeemed":  # a ticket taken in time is honoured even if the day ends
                check_state(hall, row, now)
            override = row["state"] != "redeemed"
            if override and not p.is_manager:
                raise Refused("not_redeemed", "此证照的取件码尚未在自助机使用，请领取人先在自助机扫码取号。",
                              "This licence's pickup code has not been redeemed at a kiosk; the holder must scan "
                              "it at a kiosk first (or ask the duty manager).")
            if audit_log.recent(db, subject="licence", object_id=licence_id, action="handover",
                                outcome="id_mismatch", since=now - MISMATCH_WINDOW) >= MAX_MISMATCHES:
                raise Refused("too_many_attempts", "身份核对已连续不符，请联系值班主任现场核实。",
                              "The ID check failed several times; please call the duty manager to verify in person.",
                              retry_after_s=int(MISMATCH_WINDOW.total_seconds()))
            expected = row["id_last4_hash"] or ""
            given = signed_codes.digits_hash(secret, f"id:{licence_id}", digits)
            if not hmac.compare_digest(expected, given):
                raise Refused("id_mismatch", "身份证号后四位与登记信息不符，请核对证件或委托书。",
                              "The last 4 ID characters do not match the record. Please check the ID card "
                              "or the authorisation.")
            db.execute("UPDATE licences SET state = 'collected', collected_at = ?, collected_by = ?,"
                       " collected_window = ?, collected_kiosk = redeemed_kiosk WHERE id = ?",
                       [to_iso(now), p.name, desk, licence_id])
            audit_log.record(db, at=now, subject="licence", action="handover", outcome="collected",
                             object_id=licence_id, device=row["redeemed_kiosk"], staff=p.name, window=desk,
                             ticket_id=row["ticket_id"],
                             detail={"case_no": row["case_no"]} | ({"override": "not_redeemed"} if override else {}))
            return licences.public(licences.load(db, licence_id))
    except Refused as e:
        with hall.store.write() as db:
            audit_log.refusal(db, at=hall.now(), subject="licence", action="handover", outcome=e.code,
                              object_id=licence_id, staff=p.name, window=desk, detail={"message": e.message[:300]})
        raise
