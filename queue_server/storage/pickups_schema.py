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
