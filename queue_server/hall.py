"""The running hall: configuration, storage, clock and live events, built from keyword arguments.

Operations live in queue_server/ops/ (tickets, windows, live, stats, accounts, ...) and take a Hall as
their first argument; the pure rules they apply are in queue_server/core/.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from queue_server.broker import Broker, LiveEvent
from queue_server.calendar_files import DEFAULT_CALENDAR_DIR, load_calendar
from queue_server.clock import Clock, system_clock, to_iso
from queue_server.core.device_presence import DevicePresence
from queue_server.core.dispatch import DispatchRules
from queue_server.core.numbering import service_day
from queue_server.core.public_fields import PUBLIC_KINDS
from queue_server.core.workdays import WorkCalendar
from queue_server.hall_config import HallConfig
from queue_server.live_state import LiveState
from queue_server.ops import config_versions
from queue_server.ops.tickets import public_ticket
from queue_server.shipping.epoch import set_hall_profile
from queue_server.storage.database import Store
from queue_server.storage.health import HealthState, describe


class Hall:
    def __init__(self, *, config: HallConfig, db_path: str | Path, clock: Clock = system_clock,
                 calendar: WorkCalendar | None = None, on_config_drift: str = "apply"):
        self.store = Store(db_path)
        self.clock = clock
        self.calendar = calendar if calendar is not None else load_calendar(DEFAULT_CALENDAR_DIR)
        # The database holds the live configuration. `config` differing from it is stored as a new version
        # ("apply"), or, when it comes from a file the server was started with ("report"), the database's serves
        # and `config_drift` says what differs and which command to run: never a silent winner.
        self.config, self.config_version, self.config_drift = config_versions.reconcile(
            self.store, config, to_iso(self.now()), on_config_drift)
        self.device_seen: dict[str, float] = {}  # device name -> when its last-seen time was written (ops.devices)
        self.presence = DevicePresence()  # kiosks and displays holding their event stream open (api/events.py)
        self.serving = False  # set by the server: a new configuration is then taken into use with a live event
        self.broker = Broker()
        self.dispatch_rules = DispatchRules.from_rules(config.rules)
        self.targets = {z.code: z.target_wait_s for z in config.zones}
        last = self.store.read().execute("SELECT max(id) FROM events").fetchone()[0]
        self.broker.last_id = last or 0
        marks = ",".join("?" * len(PUBLIC_KINDS))
        self._public_last = self.store.read().execute(
            f"SELECT max(id) FROM events WHERE kind IN ({marks})", sorted(PUBLIC_KINDS)).fetchone()[0] or 0
        self._sync_windows()
        self._sync_profile()
        self.store.on_recovered(self._storage_recovered)
        now = self.now()
        self.live = LiveState.load(self.store.conn, self.dispatch_rules, config.zone_codes(), self.today(now),
                                   now.timestamp(), undo=self.store.on_rollback)
        self.ticket_columns = [r[1] for r in self.store.conn.execute("PRAGMA table_info(tickets)")]

    # ---- time ----
    def now(self) -> datetime:
        return self.clock()

    def today(self, now: datetime | None = None) -> str:
        return service_day(now or self.now(), self.config.tz).isoformat()

    def day_started_at(self, now: datetime | None = None) -> str:
        """The stored form of the moment the current service day began (midnight, hall time)."""
        local = (now or self.now()).astimezone(self.config.tz)
        return to_iso(local.replace(hour=0, minute=0, second=0, microsecond=0))

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
        public = kind in PUBLIC_KINDS
        if public:
            # The id of the public event before this one: a board that has not seen it missed an event (a gap in
            # its stream) and reads a snapshot; the ids between are events the public stream leaves out.
            payload["prev"] = self._public_last
        data_json = json.dumps(payload, ensure_ascii=False)
        cur = self.store.conn.execute(
            "INSERT INTO events (at, kind, ticket_id, number, zone, window, actor_kind, actor, reason, data)"
            " VALUES (?,?,?,?,?,?,?,?,?,?)",
            [payload["at"], kind, ticket and ticket["id"], ticket and ticket["number"],
             ticket and ticket["zone"], window, actor[0], actor[1], reason, data_json],
        )
        event = LiveEvent.of(cur.lastrowid, kind, payload, data_json)
        if public:
            before, self._public_last = self._public_last, cur.lastrowid
            self.store.on_rollback(lambda: setattr(self, "_public_last", before))
        self.store.after_commit(lambda: self.broker.publish([event]))
        return event

    # ---- windows table mirrors the config's windows ----
    def _sync_windows(self) -> None:
        with self.store.write() as db:
            known = {r["number"] for r in db.query("SELECT number FROM windows")}
            for w in self.config.windows:  # the first start (later, apply_config keeps the table in line)
                if w.number not in known:
                    db.execute(
                        "INSERT INTO windows (number, zones, state, state_since) VALUES (?,?,?,?)",
                        [w.number, json.dumps(list(w.zones)), "closed", to_iso(self.now())],
                    )

    # ---- the hall's code and zones in `meta`, for the shipper and the city (queue_server/shipping/) ----
    def _sync_profile(self) -> None:
        with self.store.write():
            set_hall_profile(self.store.conn, self.config.code, [
                {"code": z.code, "zh": z.name_zh, "en": z.name_en, "target_wait_s": z.target_wait_s}
                for z in self.config.zones])

    def _storage_recovered(self, fault: HealthState) -> None:
        """A storage fault that passed stays on the dashboard as an alert until a manager resolves it."""
        now = self.now()
        zh, en, _ = describe(fault.kind or "")
        lasted = round(fault.lasted_s or 0)
        message = (f"{zh.split('，')[0]}，首次失败后约 {lasted} 秒恢复（失败 {fault.failures} 次） / "
                   f"{en.split(';')[0]}; recovered about {lasted} s after the first failure "
                   f"({fault.failures} failed attempts)")
        with self.store.write() as db:
            row = {"at": to_iso(now), "kind": "storage_recovered", "source": "server", "message": message,
                   "data": json.dumps({"fault": fault.kind, "lasted_s": lasted, "failures": fault.failures})}
            row["id"] = db["alerts"].insert(row).last_pk
            self.emit(db, kind="alert", at=now, reason="storage_recovered",
                      data={"alert": {k: row[k] for k in ("id", "kind", "source", "message", "at")}})

    def close(self) -> None:
        self.broker.close()
        self.store.close()
