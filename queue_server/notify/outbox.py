"""What to text and when, and the outbox that sends it: once per ticket and kind, retried with backoff.

`enqueue_due` looks at every live ticket with a number left at the kiosk: "ahead" when `sms.ahead` or fewer
are before it, "called" when a window calls it. `deliver_due` sends what is due through the gateway, outside
any write transaction, and logs every attempt. Both are safe to run again at any time (the worker does).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from sqlite_utils import Database

from queue_server.clock import from_iso, to_iso
from queue_server.notify.phones import mask, phone_hash
from queue_server.ops.live import position

if TYPE_CHECKING:
    from queue_server.hall import Hall
    from queue_server.notify.gateway import Delivery


class Gateway(Protocol):
    def send(self, phone: str, text: str) -> Delivery: ...


def register_phone(hall: Hall, db: Database, ticket: dict, phone: str, now: datetime) -> str:
    """Keep a ticket's number (inside the issuing transaction); returns it masked for the citizen to check."""
    key = db.execute("SELECT secret FROM rating_secret WHERE id = 1").fetchone()[0]
    masked = mask(phone)
    db["ticket_phones"].insert({"ticket_id": ticket["id"], "masked": masked, "phone_hash": phone_hash(key, phone),
                                "phone": phone, "created_at": to_iso(now)})
    return masked


def add_phone(hall: Hall, ticket_id: int, phone: str) -> str:
    """A number given after the ticket was printed (the kiosk's "text me" button); once per waiting ticket."""
    from queue_server.errors import Conflict
    from queue_server.ops.tickets import load_ticket  # here: ops.tickets imports this module

    with hall.store.write() as db:
        now = hall.now()
        row = load_ticket(db, ticket_id)
        if row["state"] not in ("waiting", "transferred") or row["day"] != hall.today(now):
            raise Conflict(f"{row['number']} is no longer waiting; no reminder is needed", code="not_waiting")
        if db.execute("SELECT 1 FROM ticket_phones WHERE ticket_id = ?", [ticket_id]).fetchone():
            raise Conflict(f"{row['number']} already has a number for reminders", code="sms_already_set")
        return register_phone(hall, db, row, phone, now)


def texts(hall: Hall, kind: str, ticket: dict, ahead: int = 0) -> str:
    name = hall.config.name_zh
    if kind == "called":
        return (f"【{name}】请 {ticket['number']} 号到 {ticket['window']} 号窗口办理。"
                f"Number {ticket['number']}: please go to window {ticket['window']}.")
    return (f"【{name}】{ticket['number']} 号前面还有 {ahead} 人，请回到大厅留意叫号。"
            f"Number {ticket['number']}: {ahead} ahead of you, please come back to the hall.")


def enqueue_due(hall: Hall) -> int:
    """Add the messages that are due now to the outbox; returns how many were added."""
    added = 0
    with hall.store.write() as db:
        now = hall.now()
        today = hall.today(now)
        rows = list(db.query("SELECT t.*, p.phone AS sms_phone, p.masked AS sms_masked FROM ticket_phones p"
                             " JOIN tickets t ON t.id = p.ticket_id WHERE p.phone IS NOT NULL"))
        for row in rows:
            live = row["day"] == today and row["state"] in ("waiting", "transferred", "called", "serving", "no_show")
            if not live:  # the ticket has ended: the clear number is no longer needed
                db.execute("UPDATE ticket_phones SET phone = NULL WHERE ticket_id = ?", [row["id"]])
                continue
            message = None
            if row["state"] in ("waiting", "transferred") and (row["ahead_at_issue"] or 0) > hall.config.sms.ahead:
                ahead, _ = position(hall, db, row, now)
                if ahead <= hall.config.sms.ahead:
                    message = ("ahead", texts(hall, "ahead", row, ahead))
            elif row["state"] == "called":
                message = ("called", texts(hall, "called", row))
            if message:
                cur = db.execute(
                    "INSERT OR IGNORE INTO notifications (ticket_id, kind, phone, masked, body, state, attempts,"
                    " next_at, created_at) VALUES (?,?,?,?,?,'pending',0,?,?)",
                    [row["id"], message[0], row["sms_phone"], row["sms_masked"], message[1], to_iso(now), to_iso(now)])
                added += cur.rowcount
    return added


def deliver_due(hall: Hall, gateway: Gateway) -> int:
    """Send every pending message that is due; returns how many were delivered."""
    sms = hall.config.sms
    now = hall.now()
    due = list(hall.store.read().query(
        "SELECT * FROM notifications WHERE state = 'pending' AND next_at <= ? ORDER BY id LIMIT 100", [to_iso(now)]))
    sent = 0
    for n in due:
        result = gateway.send(n["phone"], n["body"])
        detail = (result.detail or "").replace(n["phone"], n["masked"])
        with hall.store.write() as db:
            at = hall.now()
            attempts = n["attempts"] + 1
            if result.ok:
                db.execute("UPDATE notifications SET state = 'sent', attempts = ?, sent_at = ?, phone = NULL,"
                           " last_error = NULL WHERE id = ?", [attempts, to_iso(at), n["id"]])
                sent += 1
            elif attempts >= sms.max_attempts:
                db.execute("UPDATE notifications SET state = 'failed', attempts = ?, phone = NULL, last_error = ?"
                           " WHERE id = ?", [attempts, detail, n["id"]])
            else:
                retry = at + timedelta(seconds=sms.retry_s * 2 ** (attempts - 1))
                db.execute("UPDATE notifications SET attempts = ?, next_at = ?, last_error = ? WHERE id = ?",
                           [attempts, to_iso(retry), detail, n["id"]])
            db["notification_log"].insert({"notification_id": n["id"], "at": to_iso(at),
                                           "outcome": "sent" if result.ok else "failed", "status": result.status,
                                           "detail": detail})
    return sent


def next_due(hall: Hall) -> datetime | None:
    row = hall.store.read().execute("SELECT min(next_at) FROM notifications WHERE state = 'pending'").fetchone()
    return from_iso(row[0]) if row and row[0] else None
