"""The hall's identity: a `meta` table of named values (hall code, log epoch), as sqlite-utils migrations."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from queue_server.shipping.epoch import first_epoch

migrations = Migrations("queue_server.meta")


@migrations()
def m001_meta(db: Database) -> None:
    # The log epoch names this copy of the event log: events ship keyed (hall, epoch, id), so a database
    # restored from an older backup (whose ids were shipped already) starts a new epoch instead of reusing them.
    db["meta"].create({"key": str, "value": str}, pk="key", not_null={"value"})
    db["meta"].insert_all({"key": k, "value": v} for k, v in first_epoch(db).items())
