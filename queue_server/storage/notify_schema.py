"""Tables of the SMS notifications: the phone numbers citizens leave at the kiosk, the outbox and its log."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("notify")


@migrations()
def m001_notifications(db: Database) -> None:
    # One number per ticket: shown masked, matched by its keyed hash; the clear number only while the
    # ticket still waits (cleared when it ends, see notify/outbox.py) and in unsent outbox rows.
    db["ticket_phones"].create(
        {"ticket_id": int, "masked": str, "phone_hash": str, "phone": str, "created_at": str},
        pk="ticket_id", not_null={"masked", "phone_hash", "created_at"},
    )
    # The outbox: one row per message, sent once (unique per ticket and kind), retried with backoff.
    db["notifications"].create(
        {"id": int, "ticket_id": int, "kind": str, "phone": str, "masked": str, "body": str, "state": str,
         "attempts": int, "next_at": str, "created_at": str, "sent_at": str, "last_error": str},
        pk="id", not_null={"ticket_id", "kind", "state", "created_at"}, defaults={"attempts": 0},
    )
    db["notifications"].create_index(["ticket_id", "kind"], unique=True)
    db["notifications"].create_index(["state", "next_at"])
    db["notification_log"].create(
        {"id": int, "notification_id": int, "at": str, "outcome": str, "status": int, "detail": str}, pk="id",
    )


@migrations()
def m002_licence_ready_texts(db: Database) -> None:
    # A licence's holder may leave a mobile number with the back office: texted once when the licence is ready
    # (the clear number only until that text is queued; then the outbox holds it until it is sent).
    db["licence_phones"].create(
        {"licence_id": int, "masked": str, "phone_hash": str, "phone": str, "created_at": str},
        pk="licence_id", not_null={"masked", "phone_hash", "created_at"},
    )
    # The outbox also carries licence texts: a row is about a ticket or about a licence.
    db["notifications"].transform(not_null={"ticket_id": False})
    db["notifications"].add_column("licence_id", int)
    db["notifications"].create_index(["licence_id", "kind"], unique=True)
