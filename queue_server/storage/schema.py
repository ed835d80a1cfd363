"""The database schema, as sqlite-utils migrations (applied in order, each once)."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("queue_server")


@migrations()
def m001_core(db: Database) -> None:
    db["tickets"].create(
        {
            "id": int, "day": str, "zone": str, "number": str, "seq": int,
            "matter": str, "bundle": str, "priority": str, "source": str, "state": str,
            "issued_at": str, "queued_at": str, "due_at": str,
            "called_at": str, "started_at": str, "finished_at": str, "ended_at": str,
            "window": int, "staff": str, "recalls": int, "requeued": int, "transfers": int,
            "original_zone": str, "ahead_at_issue": int, "est_wait_s": float,
            "note": str, "extra": str,
        },
        pk="id",
        not_null={"day", "zone", "number", "seq", "state", "issued_at", "queued_at"},
        defaults={"recalls": 0, "requeued": 0, "transfers": 0},
    )
    db["tickets"].create_index(["day", "number"], unique=True)
    db["tickets"].create_index(["day", "state", "zone"])
    db["counters"].create({"day": str, "prefix": str, "last": int}, pk=("day", "prefix"))
    db["events"].create(
        {
            "id": int, "at": str, "kind": str, "ticket_id": int, "number": str, "zone": str,
            "window": int, "actor_kind": str, "actor": str, "reason": str, "data": str,
        },
        pk="id",
        not_null={"at", "kind"},
    )
    db["events"].create_index(["ticket_id"])
    db["events"].create_index(["at"])
    # The event log is append-only: history is never rewritten.
    db.executescript(
        """
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        """
    )
    db["windows"].create(
        {
            "number": int, "zones": str, "state": str, "staff": str, "pause_reason": str,
            "current_ticket": int, "state_since": str,
        },
        pk="number",
    )
    db["users"].create(
        {"username": str, "password_hash": str, "role": str, "created_at": str}, pk="username"
    )
    db["devices"].create(
        {"name": str, "kind": str, "token_hash": str, "window": int, "created_at": str,
         "revoked_at": str},
        pk="name",
    )
    db["devices"].create_index(["token_hash"], unique=True)
    db["sessions"].create(
        {"token_hash": str, "username": str, "created_at": str, "expires_at": str}, pk="token_hash"
    )
    db["alerts"].create(
        {"id": int, "at": str, "kind": str, "source": str, "message": str, "data": str,
         "resolved_at": str, "resolved_by": str},
        pk="id",
    )


@migrations()
def m002_recent_services_index(db: Database) -> None:
    # Wait estimates read each zone's latest finished services on every ticket: an index keeps
    # that a few page reads however many years of tickets the table holds.
    db["tickets"].create_index(["zone", "state", "finished_at"], if_not_exists=True)


@migrations()
def m003_account_security(db: Database) -> None:
    # A disabled account cannot sign in; its sessions end when it is disabled.
    db["users"].add_column("disabled_at", str)
    # Consecutive wrong passwords per user name (known or not, so a lock does not tell which names exist),
    # and until when the name is locked. Kept in the database so a restart does not unlock anyone.
    db["login_lockouts"].create(
        {"username": str, "failures": int, "locked_until": str, "last_failure_at": str}, pk="username",
        not_null={"failures", "last_failure_at"}, defaults={"failures": 0},
    )
    db["sessions"].create_index(["username"], if_not_exists=True)


@migrations()
def m004_ticket_links(db: Database) -> None:
    # The citizen's link to a ticket (printed QR, phone page): a random token, stored only as its SHA-256,
    # so neither a sequential id nor a usable token is in anything but the citizen's own ticket.
    db["ticket_links"].create(
        {"token_hash": str, "ticket_id": int, "expires_at": str, "created_at": str},
        pk="token_hash", not_null={"ticket_id", "expires_at"},
    )
    db["ticket_links"].create_index(["ticket_id"])


@migrations()
def m005_staff_profile(db: Database) -> None:
    # A window screen shows who serves there: the staff member's name and 工号 (staff number), both optional.
    db["users"].add_column("display_name", str)
    db["users"].add_column("staff_no", str)


@migrations()
def m006_device_last_seen(db: Database) -> None:
    # When each device last made an authenticated request (written at most once a minute per device). A table of
    # its own: a log of contact, like the refusal logs, not a change to the device's registration.
    db["device_seen"].create({"name": str, "last_seen_at": str}, pk="name")
