"""A kiosk checks an appointment in by its QR or typed code.

From appointment_early_s before the slot to appointment_late_s after it: a ticket with priority
"appointment", due at the slot start. Earlier: too_early, with the time to come back. Later the same
day: a normal ticket, and the citizen is told so. The claim (booked → checked_in) is one conditional
UPDATE inside Store.write(), so a code checks in once however many kiosks scan it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from queue_server.appointments.booking import load, slot_start
from queue_server.clock import to_iso
from queue_server.codes import audit_log
from queue_server.codes.keyfile import KeyStore
from queue_server.codes.lookup import resolve_code
from queue_server.codes.refusals import Refused
from queue_server.codes.throttle import guarded
from queue_server.errors import NotFound
from queue_server.hall import Hall
from queue_server.ops.accounts import Principal
from queue_server.ops.tickets import issue_ticket

MAX_WRONG_TYPED_PER_MINUTE = 5


def _hhmm(hall: Hall, at: datetime) -> str:
    return at.astimezone(hall.config.tz).strftime("%H:%M")


def _expired() -> Refused:
    return Refused("expired", "此预约已过期。请重新预约，或直接取号排队。",
                   "This appointment has passed. Please book again, or take a number and queue.")


def resolve(hall: Hall, keys: KeyStore, code: str) -> tuple[int, bool]:
    return resolve_code(hall, keys, code, kind="appointment", invalid=_invalid, expired=lambda _id: _expired())


def _invalid(detail: str = "") -> Refused:
    return Refused("invalid_code", "无法识别此预约码，请核对后重新输入，或到咨询服务区咨询。",
                   "This appointment code is not valid. Please check it and try again, or ask at the enquiries desk."
                   + (f" ({detail})" if detail else ""))


def check_in(hall: Hall, keys: KeyStore, code: str, p: Principal, *, limit: int = MAX_WRONG_TYPED_PER_MINUTE,
             address: str | None = None) -> dict:
    """`address` is the client's network address: the wrong-code limit holds per device and per address."""
    return guarded(hall, code, p, subject="appointment", action="check_in", limit=limit, address=address,
                   resolve=lambda c: resolve(hall, keys, c),
                   use=lambda appointment_id, typed: _check_in(hall, appointment_id, typed, p))


def _check_in(hall: Hall, appointment_id: int, typed: bool, p: Principal) -> dict:
    rules = hall.config.rules
    with hall.store.write() as db:
        try:
            row = load(db, appointment_id)
        except NotFound:
            raise _invalid("withdrawn") from None
        now = hall.now()
        start = slot_start(row)
        if row["state"] == "cancelled":
            raise Refused("cancelled", "此预约已取消。如需办理，请直接取号排队或重新预约。",
                          "This appointment was cancelled. Please take a number, or book again.")
        if row["state"] == "checked_in":
            raise Refused("already_checked_in",
                          f"此预约已于 {_hhmm(hall, datetime.fromisoformat(row['checked_in_at']))} 签到，"
                          f"号码 {row['ticket_number']}，请留意叫号。",
                          f"This appointment was checked in at "
                          f"{_hhmm(hall, datetime.fromisoformat(row['checked_in_at']))}, number "
                          f"{row['ticket_number']}. Please wait for the call.", ticket_number=row["ticket_number"])
        if row["day"] != hall.today(now) and now > start:
            raise _expired()
        opens = start - timedelta(seconds=rules.appointment_early_s)
        if now < opens:
            day_zh = "" if row["day"] == hall.today(now) else f"{row['day']} "
            raise Refused("too_early",
                          f"您预约的时间是 {day_zh}{_hhmm(hall, start)}，"
                          f"请于 {day_zh}{_hhmm(hall, opens)} 以后再来签到。",
                          f"Your appointment is at {day_zh}{_hhmm(hall, start)}. Please come back to check in "
                          f"from {day_zh}{_hhmm(hall, opens)}.",
                          come_back_at=opens.astimezone(hall.config.tz).isoformat(),
                          slot_start=start.astimezone(hall.config.tz).isoformat())
        late = now > start + timedelta(seconds=rules.appointment_late_s)
        db.execute("UPDATE appointments SET state = 'checked_in', checked_in_at = ?, checkin_kiosk = ?, late = ?"
                   " WHERE id = ? AND state = 'booked'", [to_iso(now), p.name, int(late), appointment_id])
        audit_log.record(db, at=now, subject="appointment", action="check_in", outcome="late" if late else "on_time",
                         object_id=appointment_id, device=p.name, typed=typed)
    extra = {"appointment_id": appointment_id, "late": late}
    try:
        if late:
            ticket = issue_ticket(hall, zone=row["zone"], matter=row["matter"], extra=extra, actor=p.actor)
        else:
            ticket = issue_ticket(hall, zone=row["zone"], matter=row["matter"], priority="appointment",
                                  due_at=start, allow_appointment=True, extra=extra, actor=p.actor)
    except BaseException:
        with hall.store.write() as db:
            db.execute("UPDATE appointments SET state = 'booked', checked_in_at = NULL, checkin_kiosk = NULL,"
                       " late = 0 WHERE id = ?", [appointment_id])
        raise
    with hall.store.write() as db:
        db.execute("UPDATE appointments SET ticket_id = ?, ticket_number = ? WHERE id = ?",
                   [ticket["id"], ticket["number"], appointment_id])
    n = ticket["number"]
    if late:
        zh = (f"您已超过预约时间 {_hhmm(hall, start)} 的签到时限，已为您取普通号 {n}，请按顺序等候叫号。")
        en = (f"You are past the check-in time for your {_hhmm(hall, start)} appointment, so this is a normal "
              f"ticket: {n}. Please wait for your number.")
    else:
        zh = f"签到成功，预约号 {n}。预约时间 {_hhmm(hall, start)}，届时将优先叫号。"
        en = f"Checked in: number {n}. Your appointment is at {_hhmm(hall, start)}; you will be called first then."
    return {"appointment_id": appointment_id, "late": late, "ticket": ticket, "message_zh": zh, "message_en": en}
