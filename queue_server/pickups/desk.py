"""The licence desk (back office): the list with SMS and postal state, the ready text queued on request, postal
events, batch notices, and licences left uncollected after the hold period (rules.licence_hold_days)."""

from __future__ import annotations

from datetime import timedelta

from sqlite_utils import Database

from queue_server.clock import from_iso, to_iso
from queue_server.codes.keyfile import KeyStore
from queue_server.core import signed_codes
from queue_server.errors import BadRequest, Conflict
from queue_server.hall import Hall
from queue_server.notify import phones
from queue_server.pickups import licences, notice, postal
from queue_server.pickups.notice import sms_text

MAX_BATCH = 200  # notices in one PDF
WAITING = ("ready", "redeemed")  # finished and not yet collected


def _sms(db: Database, licence_id: int) -> dict:
    n = db.execute("SELECT state, masked, attempts, sent_at, last_error FROM notifications"
                   " WHERE licence_id = ? AND kind = 'licence_ready'", [licence_id]).fetchone()
    if n:
        return {"state": n[0], "to": n[1], "attempts": n[2], "sent_at": n[3], "last_error": n[4]}
    p = db.execute("SELECT masked FROM licence_phones WHERE licence_id = ?", [licence_id]).fetchone()
    return {"state": "none", "to": p[0] if p else None, "attempts": 0, "sent_at": None, "last_error": None}


def postal_events(db: Database, licence_id: int) -> list[dict]:
    return list(db.query("SELECT at, event, waybill, actor, note FROM licence_postal_events WHERE licence_id = ?"
                         " ORDER BY id", [licence_id]))


def _postal(db: Database, row: dict) -> dict | None:
    if row["method"] != "post":
        return None
    state = postal.fold(postal_events(db, row["id"]))
    return {"state": state.state, "waybill": state.waybill, "next": postal.next_events(state)}


def view(db: Database, row: dict) -> dict:
    return licences.public(row) | {"sms": _sms(db, row["id"]), "postal": _postal(db, row)}


def overview(hall: Hall, *, state: str | None = None, q: str | None = None, limit: int = 300) -> list[dict]:
    sql, args, where = "SELECT * FROM licences", [], []
    if state:
        where.append("state = ?")
        args.append(state)
    if q:
        where.append("(case_no LIKE ? OR holder_name LIKE ? OR licence_type LIKE ?)")
        args += [f"%{q}%"] * 3
    if where:
        sql += " WHERE " + " AND ".join(where)
    db = hall.store.read()
    return [view(db, r) for r in db.query(sql + " ORDER BY id DESC LIMIT ?", [*args, limit])]


def queue_ready_text(hall: Hall, keys: KeyStore, licence_id: int, phone: object, actor: tuple[str, str]) -> dict:
    """Queue the "ready" text of a ready licence in the SMS outbox (the notifier sends it). A number given here must
    end with the digits registered as phone_last4; a failed or sent text may be queued again."""
    if not hall.config.sms.enabled:
        raise Conflict("this hall sends no SMS (hall.toml [sms] enabled = false)", code="sms_disabled")
    clear = None
    if phone not in (None, ""):
        if not isinstance(phone, str):
            raise BadRequest("'phone' must be text, an 11-digit mobile number", code="bad_field", field="phone")
        try:
            clear = phones.normalise(phone)
        except ValueError as e:
            raise BadRequest(f"'phone': {e}", code="bad_field", field="phone") from None
    with hall.store.write() as db:
        row = licences.load(db, licence_id)
        if row["state"] not in WAITING:
            raise Conflict(f"licence {licence_id} is {row['state']}; only a ready licence is texted",
                           code="not_ready")
        secret = keys.ring().code_secret
        key = db.execute("SELECT secret FROM rating_secret WHERE id = 1").fetchone()[0]
        if clear:
            if signed_codes.digits_hash(secret, f"phone:{licence_id}", clear[-4:]) != row["phone_last4_hash"]:
                raise BadRequest("this number does not end with the phone digits registered with the licence",
                                 code="phone_mismatch", field="phone")
            db.execute("INSERT OR REPLACE INTO licence_phones (licence_id, masked, phone_hash, phone, created_at)"
                       " VALUES (?,?,?,?,?)", [licence_id, phones.mask(clear), phones.phone_hash(key, clear), clear,
                                               to_iso(hall.now())])
        found = db.execute("SELECT phone, masked FROM licence_phones WHERE licence_id = ? AND phone IS NOT NULL",
                           [licence_id]).fetchone()
        old = db.execute("SELECT id, state FROM notifications WHERE licence_id = ? AND kind = 'licence_ready'",
                         [licence_id]).fetchone()
        if old and old[1] == "pending":
            raise Conflict("the text is queued already; the SMS worker sends it", code="sms_queued")
        if found is None:
            raise BadRequest("give the holder's mobile number ('phone'): none is kept for this licence",
                             code="phone_required", field="phone")
        now = to_iso(hall.now())
        body = sms_text(hall, row, licences.codes(hall, keys, row))
        if old:  # sent or failed before: the same outbox row goes round again; its log keeps the earlier tries
            db.execute("UPDATE notifications SET phone = ?, masked = ?, body = ?, state = 'pending', attempts = 0,"
                       " next_at = ?, sent_at = NULL, last_error = NULL WHERE id = ?",
                       [found[0], found[1], body, now, old[0]])
        else:
            db.execute("INSERT INTO notifications (licence_id, kind, phone, masked, body, state, attempts, next_at,"
                       " created_at) VALUES (?, 'licence_ready', ?, ?, ?, 'pending', 0, ?, ?)",
                       [licence_id, found[0], found[1], body, now, now])
        db.execute("UPDATE licence_phones SET phone = NULL WHERE licence_id = ?", [licence_id])
        # the event wakes the SMS notifier at once (it also polls); "licence" events are staff-only
        hall.emit(db, kind="licence", at=hall.now(), actor=actor, data={"licence_id": licence_id, "what": "sms_queued"})
        return _sms(db, licence_id)


def add_postal_event(hall: Hall, licence_id: int, event: object, waybill: object, note: object,
                     actor: tuple[str, str]) -> dict:
    if note is not None and (not isinstance(note, str) or len(note) > 200 or not note.isprintable()):
        raise BadRequest("'note' must be printable text of at most 200 characters", code="bad_field", field="note")
    with hall.store.write() as db:
        row = licences.load(db, licence_id)
        if row["method"] != "post":
            raise Conflict(f"licence {licence_id} is collected at the hall, not posted", code="not_postal")
        if row["state"] != "post_confirmed":
            raise Conflict(f"licence {licence_id} is {row['state']}: the holder has not confirmed the address at a "
                           "kiosk yet", code="not_confirmed")
        try:
            after = postal.apply(postal.fold(postal_events(db, licence_id)), event if isinstance(event, str) else "",
                                 waybill)
        except postal.PostalError as e:
            raise (BadRequest if e.code in ("bad_event", "bad_waybill") else Conflict)(
                e.message, code=e.code, field="waybill" if e.code == "bad_waybill" else None) from None
        db["licence_postal_events"].insert({"licence_id": licence_id, "at": to_iso(hall.now()), "event": event,
                                            "waybill": after.waybill, "actor": f"{actor[0]}:{actor[1]}",
                                            "note": note})
        hall.emit(db, kind="licence", at=hall.now(), actor=actor,
                  data={"licence_id": licence_id, "what": f"postal_{event}"})
        return {"id": licence_id, **(_postal(db, row) or {}), "events": postal_events(db, licence_id)}


def uncollected(hall: Hall) -> list[dict]:
    """Finished licences still waiting after rules.licence_hold_days, and posted ones that came back."""
    now = hall.now()
    cutoff = to_iso(now - timedelta(days=hall.config.rules.licence_hold_days))
    db = hall.store.read()
    out = []
    for r in db.query("SELECT * FROM licences WHERE state IN (?, ?) AND ready_at <= ? ORDER BY ready_at, id",
                      [*WAITING, cutoff]):
        days = (now - from_iso(r["ready_at"])).days
        out.append(view(db, r) | {"reason": "not_collected", "days_waiting": days})
    for r in db.query("SELECT * FROM licences WHERE method = 'post' AND state = 'post_confirmed' ORDER BY id"):
        v = view(db, r)
        if v["postal"]["state"] == "returned":
            out.append(v | {"reason": "returned", "days_waiting": (now - from_iso(r["ready_at"])).days})
    return out


def parse_ids(raw: str | None) -> list[int]:
    if not raw:
        raise BadRequest("give the licences as ids=1,2,3", code="missing_field", field="ids")
    try:
        ids = [int(p) for p in raw.split(",") if p.strip()]
    except ValueError:
        raise BadRequest("'ids' must be whole numbers separated by commas", code="bad_field", field="ids") from None
    if not ids or len(ids) > MAX_BATCH or any(i < 1 or i > 2**62 for i in ids):
        raise BadRequest(f"'ids' must list 1 to {MAX_BATCH} licence ids", code="bad_field", field="ids")
    return list(dict.fromkeys(ids))


def notices_pdf(hall: Hall, keys: KeyStore, ids: list[int]) -> bytes:
    db = hall.store.read()
    rows = [licences.load(db, i) for i in ids]  # an unknown id is a 404 before any page is drawn
    return notice.render_pdf_pages([notice.notice_text(hall, r, licences.codes(hall, keys, r)) for r in rows])
