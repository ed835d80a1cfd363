"""A kiosk redeems a pickup code: a desk ticket, a locker door, or the address on file for post.

The claim (ready → redeemed/opening) is one conditional UPDATE inside Store.write(), so of
two kiosks redeeming the same code at the same moment exactly one wins; the other hears
"already collected". Every outcome, refusals included, lands in the code audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlite_utils import Database

from queue_server.clock import from_iso, to_iso
from queue_server.codes import audit_log
from queue_server.codes.keyfile import KeyStore
from queue_server.codes.lookup import resolve_code
from queue_server.codes.refusals import Refused, invalid_code
from queue_server.codes.throttle import guarded
from queue_server.errors import NotFound
from queue_server.hall import Hall
from queue_server.ops.accounts import Principal
from queue_server.ops.tickets import issue_ticket
from queue_server.pickups import licences
from queue_server.pickups.lockers import Locker, LockerError
from queue_server.pickups.places import consult_place, pickup_place

MAX_WRONG_TYPED_PER_MINUTE = 5
LockerSource = Callable[[], Locker | None]  # the hall's locker, or None if it has none


def local_time(hall: Hall, at: str | datetime) -> str:
    dt = from_iso(at) if isinstance(at, str) else at
    return dt.astimezone(hall.config.tz).strftime("%Y-%m-%d %H:%M")


def resolve(hall: Hall, keys: KeyStore, code: str) -> tuple[int, bool]:
    """(licence id, typed?) of a scanned token or a typed code; Refused if it is not one of ours."""
    return resolve_code(hall, keys, code, kind="licence", invalid=invalid_code,
                        expired=lambda licence_id: _expired_refusal(hall, licence_id))


def _expired_refusal(hall: Hall, licence_id: int) -> Refused:
    zh, en = consult_place(hall.config)
    return Refused("expired",
                   f"该证照已超过领取期限，已转交档案保管。请到{zh}，工作人员会帮您办理领取。",
                   f"The pickup period for this licence has ended and it has been moved to storage. "
                   f"Please go to the {en}; the staff will help you collect it.",
                   licence_id=licence_id, go_to_zh=zh, go_to_en=en)


def _where(hall: Hall, row: dict) -> tuple[str, str]:
    pzh, pen = pickup_place(hall.config)
    if row["state"] == "redeemed":
        return (f"自助机 {row['redeemed_kiosk']}（取号 {row['ticket_number']}）",
                f"kiosk {row['redeemed_kiosk']} (ticket {row['ticket_number']})")
    if row["state"] == "post_confirmed":
        return "邮寄（已确认地址）", "post (address confirmed)"
    if row["method"] == "locker" and row["state"] in ("collected", "opening"):
        return f"取件柜 {row['locker_door']} 号柜门", f"locker door {row['locker_door']}"
    if row["collected_window"]:
        return f"{pzh}第 {row['collected_window']} 号窗口", f"window {row['collected_window']}, {pen}"
    return pzh, pen


def check_state(hall: Hall, row: dict, now: datetime) -> None:
    """Refused unless the licence can be handed out now."""
    state = row["state"]
    if state in ("redeemed", "collected", "post_confirmed", "opening"):
        at = row["collected_at"] or row["redeemed_at"] or row["created_at"]
        when = local_time(hall, at)
        wzh, wen = _where(hall, row)
        czh, cen = consult_place(hall.config)
        if state == "redeemed":
            zh = (f"此证照已于 {when} 在{wzh}取号，请留意叫号，到统一出件窗口领取。"
                  f"如号码丢失，请到{czh}。")
            en = (f"A pickup ticket was already taken for this licence at {when} at {wen}. Please wait for the "
                  f"call at the pickup desk; if you lost the ticket, go to the {cen}.")
        else:
            zh = f"此证照已于 {when} 领取（{wzh}）。如有疑问，请到{czh}。"
            en = f"This licence was already collected at {when} ({wen}). If this is wrong, please go to the {cen}."
        raise Refused("already_collected", zh, en, collected_at=at, where_zh=wzh, where_en=wen, stage=state,
                      ticket_number=row["ticket_number"])
    if state == "pending":
        raise Refused("not_ready", "您的证照尚在办理中，办结后会短信通知您，请届时再来。",
                      "Your licence is not ready yet. You will get a text message when it is; please come back then.")
    if row["expires_at"] and from_iso(row["expires_at"]) <= now:
        raise _expired_refusal(hall, row["id"])


def _guarded(hall: Hall, keys: KeyStore, code: str, p: Principal, action: str, limit: int,
             use: Callable[[int, bool], dict], address: str | None) -> dict:
    return guarded(hall, code, p, subject="licence", action=action, limit=limit,
                   resolve=lambda c: resolve(hall, keys, c), use=use, address=address)


def redeem(hall: Hall, keys: KeyStore, code: str, p: Principal, *, locker: LockerSource,
           limit: int = MAX_WRONG_TYPED_PER_MINUTE, address: str | None = None) -> dict:
    """`address` is the client's network address: the wrong-code limit holds per device and per address."""
    return _guarded(hall, keys, code, p, "redeem", limit,
                    lambda licence_id, typed: _redeem(hall, licence_id, typed, p, locker), address)


def _release_lapsed_ticket(hall: Hall, db: Database, row: dict, now: datetime) -> dict:
    """A pickup ticket that was cancelled, missed, or left from an earlier day no longer holds the licence."""
    if row["state"] != "redeemed" or not row["ticket_id"]:
        return row
    t = db.execute("SELECT state, day FROM tickets WHERE id = ?", [row["ticket_id"]]).fetchone()
    if t is None or t[0] in ("cancelled", "no_show") or (t[0] != "done" and t[1] < hall.today(now)):
        db.execute("UPDATE licences SET state = 'ready', redeemed_at = NULL, redeemed_kiosk = NULL,"
                   " ticket_id = NULL, ticket_number = NULL WHERE id = ?", [row["id"]])
        return licences.load(db, row["id"])
    return row


def _claim(hall: Hall, db: Database, licence_id: int, now: datetime, to_state: str, p: Principal) -> dict:
    try:
        row = licences.load(db, licence_id)
    except NotFound:
        raise invalid_code("withdrawn") from None
    row = _release_lapsed_ticket(hall, db, row, now)
    check_state(hall, row, now)
    cur = db.execute("UPDATE licences SET state = ?, redeemed_at = ?, redeemed_kiosk = ? WHERE id = ? AND state = ?",
                     [to_state, to_iso(now), p.name, licence_id, "ready"])
    if cur.rowcount != 1:  # cannot happen under the write lock; kept as the last word on double redeems
        raise Refused("already_collected", "此证照已被领取。", "This licence was already collected.")
    return row


def _redeem(hall: Hall, licence_id: int, typed: bool, p: Principal, locker: LockerSource) -> dict:
    now = hall.now()
    with hall.store.write() as db:
        if not _exists(db, licence_id):
            raise invalid_code("withdrawn")
        row = licences.load(db, licence_id)
        if row["method"] == "post":
            check_state(hall, row, now)
            audit_log.record(db, at=now, subject="licence", action="redeem", outcome="post_address_shown",
                             object_id=licence_id, device=p.name, typed=typed)
            return _post_answer(hall, row)
        if row["method"] == "locker":
            check_state(hall, row, now)
            device = locker()
            if device is None:
                pzh, pen = pickup_place(hall.config)
                raise Refused("no_locker", f"本大厅暂未启用取件柜，请到{pzh}领取。",
                              f"The pickup locker is not in service. Please collect your licence at the {pen}.",
                              licence_id=licence_id)
            _claim(hall, db, licence_id, now, "opening", p)
        else:
            _claim(hall, db, licence_id, now, "redeemed", p)
        audit_log.record(db, at=now, subject="licence", action="redeem", outcome="claimed", object_id=licence_id,
                         device=p.name, typed=typed, detail={"method": row["method"]})
    if row["method"] == "locker":
        return _open_locker(hall, row, device, p)
    return _desk_ticket(hall, row, p)


def _exists(db: Database, licence_id: int) -> bool:
    return db.execute("SELECT 1 FROM licences WHERE id = ?", [licence_id]).fetchone() is not None


def _back_to_ready(hall: Hall, licence_id: int) -> None:
    with hall.store.write() as db:
        db.execute("UPDATE licences SET state = 'ready', redeemed_at = NULL, redeemed_kiosk = NULL WHERE id = ?",
                   [licence_id])


def _desk_ticket(hall: Hall, row: dict, p: Principal) -> dict:
    extra = {"licence_id": row["id"], "case_no": row["case_no"], "licence_type": row["licence_type"],
             # events are public: the holder's name is masked here; the desk reads it from the licence
             "holder": licences.mask_name(row["holder_name"])}
    try:
        ticket = issue_ticket(hall, zone="pickup", extra=extra, actor=p.actor)
    except BaseException:
        _back_to_ready(hall, row["id"])
        raise
    with hall.store.write() as db:
        db.execute("UPDATE licences SET ticket_id = ?, ticket_number = ? WHERE id = ?",
                   [ticket["id"], ticket["number"], row["id"]])
        audit_log.record(db, at=hall.now(), subject="licence", action="ticket", outcome="issued",
                         object_id=row["id"], device=p.name, ticket_id=ticket["id"],
                         detail={"number": ticket["number"]})
    pzh, pen = pickup_place(hall.config)
    return {"method": "desk", "licence_id": row["id"], "licence_type": row["licence_type"],
            "holder": licences.mask_name(row["holder_name"]), "ticket": ticket,
            "message_zh": f"请凭 {ticket['number']} 号等候叫号，到{pzh}领取{row['licence_type']}，请携带本人身份证。",
            "message_en": f"Please wait for number {ticket['number']} to be called at the {pen} "
                          f"and bring your ID card to collect your {row['licence_type']}."}


def _open_locker(hall: Hall, row: dict, device: Locker, p: Principal) -> dict:
    door = row["locker_door"]
    try:
        device.open_door(door)
    except LockerError as e:
        _back_to_ready(hall, row["id"])
        pzh, pen = pickup_place(hall.config)
        raise Refused("locker_failed", f"取件柜 {door} 号柜门未能打开，请到{pzh}请工作人员帮助。",
                      f"Locker door {door} did not open. Please ask the staff at the {pen}.",
                      licence_id=row["id"], door=door, locker_error=e.code) from None
    now = hall.now()
    with hall.store.write() as db:
        db.execute("UPDATE licences SET state = 'collected', collected_at = ?, collected_kiosk = ? WHERE id = ?",
                   [to_iso(now), p.name, row["id"]])
        audit_log.record(db, at=now, subject="licence", action="locker", outcome="door_opened", object_id=row["id"],
                         device=p.name, detail={"door": door})
    return {"method": "locker", "licence_id": row["id"], "licence_type": row["licence_type"],
            "holder": licences.mask_name(row["holder_name"]), "door": door,
            "message_zh": f"取件柜 {door} 号柜门已打开，请取走您的{row['licence_type']}并关好柜门。",
            "message_en": f"Locker door {door} is open. Please take your {row['licence_type']} and close the door."}


def _post_answer(hall: Hall, row: dict) -> dict:
    masked = licences.mask_address(row["post_address"])
    return {"method": "post", "licence_id": row["id"], "licence_type": row["licence_type"],
            "holder": licences.mask_name(row["holder_name"]), "address_masked": masked,
            "confirm": "/api/v1/pickups/confirm",
            "message_zh": f"您的{row['licence_type']}将邮寄到：{masked}。地址正确请按“确认”。",
            "message_en": f"Your {row['licence_type']} will be posted to: {masked}. Press Confirm if this is right."}


def confirm_post(hall: Hall, keys: KeyStore, code: str, accept: bool, p: Principal, *,
                 limit: int = MAX_WRONG_TYPED_PER_MINUTE, address: str | None = None) -> dict:
    return _guarded(hall, keys, code, p, "post_confirm", limit,
                    lambda licence_id, typed: _confirm(hall, licence_id, typed, accept, p), address)


def _confirm(hall: Hall, licence_id: int, typed: bool, accept: bool, p: Principal) -> dict:
    now = hall.now()
    with hall.store.write() as db:
        if not _exists(db, licence_id):
            raise invalid_code("withdrawn")
        row = licences.load(db, licence_id)
        if row["method"] != "post":
            raise Refused("wrong_method", "此证照不是邮寄方式，请按屏幕提示领取。",
                          "This licence is not sent by post; please follow the pickup instructions.")
        if not accept:
            check_state(hall, row, now)
            audit_log.record(db, at=now, subject="licence", action="post_confirm", outcome="address_disputed",
                             object_id=licence_id, device=p.name, typed=typed)
            pzh, pen = pickup_place(hall.config)
            return {"method": "post", "licence_id": licence_id, "state": row["state"],
                    "message_zh": f"地址不对？请到{pzh}请工作人员更改。",
                    "message_en": f"Address not right? Please ask the staff at the {pen} to change it."}
        _claim(hall, db, licence_id, now, "post_confirmed", p)
        audit_log.record(db, at=now, subject="licence", action="post_confirm", outcome="confirmed",
                         object_id=licence_id, device=p.name, typed=typed)
    return {"method": "post", "licence_id": licence_id, "state": "post_confirmed",
            "address_masked": licences.mask_address(row["post_address"]),
            "message_zh": "已确认邮寄地址，证照将尽快寄出，请留意快递短信。",
            "message_en": "Address confirmed. Your licence will be posted soon; watch for the courier's text message."}
