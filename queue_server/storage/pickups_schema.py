"""Tables of the pickup extension (its own sqlite-utils migration set)."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("pickups")


@migrations()
def m001_pickups(db: Database) -> None:
    db["licences"].create(
        {
            "id": int, "case_no": str, "licence_type": str, "holder_name": str,
            # The last 4 digits of the holder's ID and phone exist only as keyed hashes.
            "id_last4_hash": str, "phone_last4_hash": str,
            "method": str, "state": str, "expires_at": str, "locker_door": str, "post_address": str,
            "code_hash": str, "code_nonce": int,
            "created_at": str, "created_by": str, "ready_at": str,
            "redeemed_at": str, "redeemed_kiosk": str, "ticket_id": int, "ticket_number": str,
            "collected_at": str, "collected_by": str, "collected_window": int, "collected_kiosk": str,
        },
        pk="id",
        not_null={"case_no", "licence_type", "holder_name", "method", "state", "created_at"},
        defaults={"code_nonce": 0},
    )
    db["licences"].create_index(["case_no", "licence_type"], unique=True)
    db["licences"].create_index(["code_hash"], unique=True)
    db["licences"].create_index(["state"])
    # Every redeem, refusal and handover of a pickup or appointment code: who, when, where, what answer.
    db["code_audit"].create(
        {
            "id": int, "at": str, "subject": str, "action": str, "outcome": str, "object_id": int,
            "device": str, "staff": str, "window": int, "ticket_id": int, "typed": int, "detail": str,
        },
        pk="id", not_null={"at", "subject", "action", "outcome"},
    )
    db["code_audit"].create_index(["object_id"])
    db["code_audit"].create_index(["device", "at"])
    db.executescript(
        """
        CREATE TRIGGER code_audit_no_update BEFORE UPDATE ON code_audit
        BEGIN SELECT RAISE(ABORT, 'the code audit log is append-only'); END;
        CREATE TRIGGER code_audit_no_delete BEFORE DELETE ON code_audit
        BEGIN SELECT RAISE(ABORT, 'the code audit log is append-only'); END;
        """
    )


@migrations()
def m002_code_attempts(db: Database) -> None:
    # Wrong typed codes of the last minutes, per device and client address: the brute-force brake, checked and
    # counted in one write transaction. Rows older than an hour are pruned; the audit keeps the story.
    db["wrong_codes"].create({"id": int, "at": str, "device": str, "address": str}, pk="id", not_null={"at"})
    db["wrong_codes"].create_index(["at"])
    db["wrong_codes"].create_index(["device", "at"])
    db["wrong_codes"].create_index(["address", "at"])
    # Repeated refusals of one device (or staff member) within a minute are one audit row with a count, so a
    # flood of wrong codes cannot flood the audit. Only `repeats` (upwards) and `last_at` may change.
    db["code_audit"].add_column("address", str)
    db["code_audit"].add_column("repeats", int, not_null_default=1)
    db["code_audit"].add_column("last_at", str)
    db.executescript(
        """
        DROP TRIGGER code_audit_no_update;
        CREATE TRIGGER code_audit_no_update BEFORE UPDATE ON code_audit
        WHEN NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.subject IS NOT OLD.subject
          OR NEW.action IS NOT OLD.action OR NEW.outcome IS NOT OLD.outcome OR NEW.object_id IS NOT OLD.object_id
          OR NEW.device IS NOT OLD.device OR NEW.staff IS NOT OLD.staff OR NEW.window IS NOT OLD.window
          OR NEW.ticket_id IS NOT OLD.ticket_id OR NEW.typed IS NOT OLD.typed OR NEW.detail IS NOT OLD.detail
          OR NEW.address IS NOT OLD.address OR NEW.repeats < OLD.repeats
        BEGIN SELECT RAISE(ABORT, 'the code audit log is append-only (only a refusal''s repeat count grows)'); END;
        """
    )
    db["code_audit"].create_index(["staff", "at"])


@migrations()
def m003_postal_events(db: Database) -> None:
    # A posted licence's waybill, posting, delivery or return (pickups/postal.py folds them into its state).
    db["licence_postal_events"].create(
        {"id": int, "licence_id": int, "at": str, "event": str, "waybill": str, "actor": str, "note": str},
        pk="id", not_null={"licence_id", "at", "event", "actor"},
    )
    db["licence_postal_events"].create_index(["licence_id", "id"])
    db.executescript(
        """
        CREATE TRIGGER postal_events_no_update BEFORE UPDATE ON licence_postal_events
        BEGIN SELECT RAISE(ABORT, 'postal events are append-only'); END;
        CREATE TRIGGER postal_events_no_delete BEFORE DELETE ON licence_postal_events
        BEGIN SELECT RAISE(ABORT, 'postal events are append-only'); END;
        """
    )
