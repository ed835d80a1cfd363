"""Tables of 好差评: ratings (one per ticket), bad-rating follow-ups and their notes, the rating-link key."""

from __future__ import annotations

import secrets

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("ratings")


@migrations()
def m001_ratings(db: Database) -> None:
    db["ratings"].create(
        {"id": int, "ticket_id": int, "day": str, "number": str, "zone": str, "matter": str, "window": int,
         "staff": str, "score": int, "reason": str, "comment": str, "source": str, "at": str},
        pk="id", not_null={"ticket_id", "score", "at"},
    )
    # Once per ticket, enforced by the database itself.
    db["ratings"].create_index(["ticket_id"], unique=True)
    db["ratings"].create_index(["day"])
    db["rating_followups"].create(
        {"id": int, "rating_id": int, "opened_at": str, "due_at": str, "state": str, "assignee": str,
         "closed_at": str, "closed_by": str, "outcome": str},
        pk="id", not_null={"rating_id", "opened_at", "state"},
    )
    db["rating_followups"].create_index(["rating_id"], unique=True)
    db["rating_followup_notes"].create(
        {"id": int, "followup_id": int, "at": str, "author": str, "text": str}, pk="id",
    )
    # The hall's own signing key for the rating links printed in ticket QR codes.
    db["rating_secret"].create({"id": int, "secret": str}, pk="id")
    db["rating_secret"].insert({"id": 1, "secret": secrets.token_hex(32)})


@migrations()
def m002_contact(db: Database) -> None:
    # A citizen who rates badly may leave a phone number so the follow-up can call back.
    db["ratings"].add_column("contact", str)
