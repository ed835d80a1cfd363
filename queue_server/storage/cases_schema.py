"""Tables of accepted cases (its own sqlite-utils migration set). Their history is in the events log."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("cases")


@migrations()
def m001_cases(db: Database) -> None:
    db["cases"].create(
        {
            "id": int, "case_no": str, "day": str, "seq": int, "ticket_id": int, "ticket_number": str,
            "window": int, "staff": str, "matter": str, "bundle": str, "department": str, "state": str,
            # Personal data: staff and the back office only. The ID number is kept masked; its last 4 characters
            # only as a keyed hash (the progress lookup checks them). The phone is for notices.
            "applicant_name": str, "id_masked": str, "id_last4_hash": str, "phone": str,
            "provided": str, "missing_aux": str, "missing_main": str, "refusal_reason": str, "refusal_note": str,
            "accepted_at": str, "accepted_day": str, "due_day": str, "supply_due_day": str, "supplied_at": str,
            "decided_at": str, "state_changed_at": str, "licence_id": int, "external_ref": str,
        },
        pk="id",
        not_null={"case_no", "day", "seq", "matter", "state", "accepted_at", "accepted_day"},
    )
    db["cases"].create_index(["case_no"], unique=True)
    db["cases"].create_index(["day", "seq"], unique=True)
    db["cases"].create_index(["state"])
    db["cases"].create_index(["ticket_id"])
