"""The audit log's table: append-only, enforced by triggers."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("audit")


@migrations()
def m001_audit(db: Database) -> None:
    db["audit_log"].create(
        {"id": int, "at": str, "actor": str, "role": str, "method": str, "path": str, "action": str,
         "target": str, "detail": str, "status": int},
        pk="id", not_null={"at", "actor", "action"},
    )
    db["audit_log"].create_index(["at"])
    db.executescript(
        """
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        """
    )
