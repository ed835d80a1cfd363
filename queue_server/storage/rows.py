"""One row by its primary key, or the API's NotFound with the caller's words."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Database

from queue_server.errors import NotFound


def get_row(db: Database, table: str, pk: int, *, code: str, message: str) -> dict:
    """`db[table].get(pk)` (sqlite-utils raises its NotFoundError) as a 404 that says what was missing."""
    try:
        return db[table].get(pk)
    except sqlite_utils.db.NotFoundError:
        raise NotFound(message, code=code) from None
