"""The running hall: configuration, storage, clock and live events, built from keyword arguments.

Operations live in their own modules (ticket_ops, window_ops, live, stats,
accounts) and take a Hall as their first argument.
"""

from __future__ import annotations

import importlib
import json
from datetime import datetime
from pathlib import Path
from types import ModuleType

from sqlite_utils import Database

from queue_server.broker import Broker, LiveEvent
from queue_server.clock import Clock, from_iso, system_clock, to_iso
from queue_server.database import Store
from queue_server.dispatch import DispatchRules, Waiting
from queue_server.hall_config import HallConfig
from queue_server.numbering import service_day

# Optional parts of the server, each a module that may define `migrations` (a
# sqlite_utils Migrations set of its own) and `register(app)` (its blueprints and
# pages). A module that does not exist yet is simply skipped.
EXTENSION_MODULES = (
    "queue_server.pickups.api",
    "queue_server.appointments.api",
    "queue_server.ratings.api",
    "queue_server.pages.board",
    "queue_server.pages.console",
    "queue_server.pages.dashboard",
    "queue_server.pages.rating",
)


def load_extensions() -> list[ModuleType]:
    modules = []
    for name in EXTENSION_MODULES:
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as e:
            if e.name is None or not name.startswith(e.name):
                raise
    return modules


TICKET_FIELDS = (
    "id", "number", "zone", "matter", "bundle", "priority", "source", "state", "issued_at",
    "called_at", "started_at", "finished_at", "window", "recalls", "transfers", "original_zone",
    "note",
)


class Hall:
    def __init__(self, *, config: HallConfig, db_path: str | Path, clock: Clock = system_clock):
        self.config = config
        self.extensions = load_extensions()
        self.store = Store(db_path, [m.migrations for m in self.extensions if hasattr(m, "migrations")])
        self.clock = clock
        self.broker = Broker()
        self.dispatch_rules = DispatchRules.from_rules(config.rules)
        self.targets = {z.code: z.target_wait_s for z in config.zones}
        last = self.store.read().execute("SELECT max(id) FROM events").fetchone()[0]
        self.broker.last_id = last or 0
        self._sync_windows()

    # ---- time ----
    def now(self) -> datetime:
        return self.clock()

    def today(self, now: datetime | None = None) -> str:
        return service_day(now or self.now(), self.config.tz).isoformat()

    # ---- events ----
    def emit(
        self, db: Database, *, kind: str, at: datetime, ticket: dict | None = None,
        window: int | None = None, actor: tuple[str, str] = ("system", "server"),
        reason: str | None = None, data: dict | None = None,
    ) -> LiveEvent:
        """Append one event to the log (inside the caller's transaction) and publish it after commit."""
        payload = dict(data or {})
        if ticket is not None:
            payload.setdefault("ticket", public_ticket(ticket))
        if window is not None:
            payload.setdefault("window", window)
        payload["at"] = to_iso(at)
        cur = db.execute(
            "INSERT INTO events (at, kind, ticket_id, number, zone, window, actor_kind, actor, reason, data)"
            " VALUES (?,?,?,?,?,?,?,?,?,?)",
            [to_iso(at), kind, ticket and ticket["id"], ticket and ticket["number"],
             ticket and ticket["zone"], window, actor[0], actor[1], reason,
             json.dumps(payload, ensure_ascii=False)],
        )
        event = LiveEvent(id=cur.lastrowid, kind=kind, data=payload)
        self.store.after_commit(lambda: self.broker.publish([event]))
        return event

    # ---- windows table mirrors the config's windows ----
    def _sync_windows(self) -> None:
        with self.store.write() as db:
            known = {r["number"] for r in db.query("SELECT number FROM windows")}
            for w in self.config.windows:
                if w.number not in known:
                    db.execute(
                        "INSERT INTO windows (number, zones, state, state_since) VALUES (?,?,?,?)",
                        [w.number, json.dumps(list(w.zones)), "closed", to_iso(self.now())],
                    )

    def close(self) -> None:
        self.broker.close()
        self.store.close()


def public_ticket(row: dict) -> dict:
    """A ticket as the API shows it (no internal columns)."""
    out = {k: row.get(k) for k in TICKET_FIELDS}
    out["extra"] = json.loads(row["extra"]) if row.get("extra") else {}
    return out


def epoch(text: str | None) -> float | None:
    return from_iso(text).timestamp() if text else None


def as_waiting(row: dict) -> Waiting:
    return Waiting(
        id=row["id"], zone=row["zone"], queued_at=epoch(row["queued_at"]),
        priority=row["priority"], due_at=epoch(row["due_at"]),
    )
