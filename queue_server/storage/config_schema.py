"""The hall configuration's versions: the live one is the newest; each says who applied it, when, and the diff."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("hall_config")


@migrations()
def m001_config_versions(db: Database) -> None:
    db["config_versions"].create(
        {"id": int, "at": str, "who": str, "source": str, "document": str, "diff": str, "summary": str},
        pk="id", not_null={"at", "who", "source", "document"},
    )
    db.executescript(
        """
        CREATE TRIGGER config_versions_no_update BEFORE UPDATE ON config_versions
        BEGIN SELECT RAISE(ABORT, 'configuration versions are append-only'); END;
        """
    )
