"""Reading the hall's event log for shipping: a read-only SQLite connection, never the server's writer."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from queue_server.clock import system_clock, to_iso
from queue_server.shipping.epoch import read_meta

COLUMNS = ("id", "at", "kind", "ticket_id", "number", "zone", "window", "actor_kind", "actor", "reason", "data")


class HallLog:
    def __init__(self, db_path: str | Path):
        self.db_path = str(db_path)
        # mode=ro: this process cannot take the write lock by mistake; WAL readers never block the writer.
        self.conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, isolation_level=None,
                                    check_same_thread=False, timeout=1.0)

    def meta(self) -> dict[str, str]:
        return read_meta(self.conn)

    def last_id(self) -> int:
        return self.conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]

    def batch(self, after: int, limit: int) -> list[list]:
        rows = self.conn.execute(
            f"SELECT {', '.join(f'[{c}]' for c in COLUMNS)} FROM events WHERE id > ? ORDER BY id LIMIT ?",
            [after, limit]).fetchall()
        return [list(r) for r in rows]

    def raise_alert(self, kind: str, message: str) -> None:
        """A row in the hall's alerts (the supervision dashboard lists them until a manager resolves them).

        The only write the shipper ever makes, once, when it stops; it uses its own short connection.
        """
        conn = sqlite3.connect(self.db_path, isolation_level=None, timeout=5.0)
        try:
            conn.execute("PRAGMA busy_timeout=5000")
            conn.execute("INSERT INTO alerts (at, kind, source, message, data) VALUES (?, ?, 'shipper', ?, '{}')",
                         [to_iso(system_clock()), kind, message])
        finally:
            conn.close()

    def close(self) -> None:
        self.conn.close()
