"""The appointments table (this extension's own migration set)."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("appointments")


@migrations()
def m001_appointments(db: Database) -> None:
    db["appointments"].create(
        {
            "id": int, "zone": str, "matter": str, "day": str, "slot_start": str, "slot_end": str,
            "name": str, "ref": str, "state": str, "code_hash": str, "code_nonce": int,
            "created_at": str, "created_by": str, "cancelled_at": str, "cancelled_by": str,
            "checked_in_at": str, "checkin_kiosk": str, "late": int, "ticket_id": int, "ticket_number": str,
        },
        pk="id", not_null={"zone", "day", "slot_start", "slot_end", "state", "created_at"},
        defaults={"code_nonce": 0, "late": 0},
    )
    db["appointments"].create_index(["zone", "slot_start", "state"])
    db["appointments"].create_index(["day"])
    db["appointments"].create_index(["code_hash"], unique=True)
    db["appointments"].create_index(["ref"], unique=True)  # the platform's booking id: a retried booking is one


@migrations()
def m002_slot_capacity(db: Database) -> None:
    # The appointment desk's changes to one slot's capacity (appointments.toml gives the default per hours block).
    db["appointment_capacity"].create(
        {"zone": str, "slot_start": str, "capacity": int, "updated_at": str, "updated_by": str},
        pk=("zone", "slot_start"), not_null={"capacity", "updated_at"},
    )


@migrations()
def m003_desk_note(db: Database) -> None:
    # What the desk notes for a phone booking (the caller's number to ring back); `ref` stays the platform's id.
    db["appointments"].add_column("note", str)
