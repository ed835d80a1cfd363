"""The hall's live state in memory, owned by the writer: what dispatch, estimates and the board need.

Kept: the waiting tickets of each service day and zone in dispatch order (core.zone_queue), their
rows as stored, the windows and their current tickets, each zone's recent service durations, each
zone's arrivals over the last half hour, and today's recent calls for the board. It is rebuilt from
the database when the hall starts (`load`) and changed inside the same `Store.write()` that changes
the database: every change registers its undo with the store, which runs it if that write or its
group's COMMIT fails, so the memory never keeps what the database lost. Readers (positions, the
board) take the state's lock for a moment and may see a write whose COMMIT is still running.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict, deque
from collections.abc import Callable
from datetime import UTC, datetime
from sqlite3 import Connection

from sortedcontainers import SortedList

from queue_server.clock import epoch, to_iso
from queue_server.core.dispatch import DispatchRules, Waiting
from queue_server.core.estimate import ARRIVAL_WINDOW_S, RECENT_SERVICES
from queue_server.core.ticket_states import WAITING_STATES
from queue_server.core.zone_queue import ZoneQueue

RECENT_CALLS = 400  # calls the board looks through (it filters them by zone and window)
Undo = Callable[[Callable[[], None]], None]


def _no_undo(_: Callable[[], None]) -> None:
    """Used while loading: there is nothing to roll back to."""


def as_waiting(row: dict) -> Waiting:
    """A waiting ticket's row as the dispatcher sees it (parses its times: used off the hot paths)."""
    return Waiting(id=row["id"], zone=row["zone"], queued_at=epoch(row["queued_at"]),
                   priority=row["priority"], due_at=epoch(row["due_at"]))


class LiveState:
    def __init__(self, rules: DispatchRules, zones: list[str], undo: Undo = _no_undo):
        self.rules = rules
        self.zones = list(zones)
        self.lock = threading.RLock()
        self._undo = undo
        self._queues: dict[str, dict[str, ZoneQueue]] = {}  # day -> zone -> queue
        self._rows: dict[int, dict] = {}  # waiting tickets' rows, as stored
        self._windows: dict[int, dict] = {}  # number -> row (zones as a list) + "ticket": its current number
        self._durations: dict[str, list[float]] = {z: [] for z in self.zones}
        self._arrivals: dict[tuple[str, str], SortedList] = defaultdict(SortedList)  # (day, zone) -> (ts, id)
        self._calls: dict[str, deque] = {}  # day -> recent calls, oldest first
        self._called: dict[int, dict] = {}  # ticket id -> number, zone of the tickets in recent calls

    # ---- waiting tickets ----
    def peek(self, day: str, zone: str) -> ZoneQueue:
        """The zone's queue of that day, to read under `lock` (an empty one if nobody waits)."""
        q = self._queues.get(day, {}).get(zone)
        return q if q is not None else ZoneQueue(self.rules)

    def queue(self, day: str, zone: str) -> ZoneQueue:
        zones = self._queues.setdefault(day, {})
        q = zones.get(zone)
        if q is None:
            q = zones[zone] = ZoneQueue(self.rules)
        return q

    def add_waiting(self, row: dict, t: Waiting) -> None:
        with self.lock:
            self.queue(row["day"], t.zone).add(t)
            self._rows[t.id] = dict(row)
        self._undo(lambda: self.remove_waiting(t.id))

    def remove_waiting(self, ticket_id: int) -> dict | None:
        """Take a ticket out of its queue (called, cancelled); its row as it was, or None if it was not waiting."""
        with self.lock:
            row = self._rows.pop(ticket_id, None)
            if row is None:
                return None
            q = self._queues[row["day"]][row["zone"]]
            t = q.remove(ticket_id)
            if not q:
                del self._queues[row["day"]][row["zone"]]
                if not self._queues[row["day"]]:
                    del self._queues[row["day"]]
        self._undo(lambda: self.add_waiting(row, t))
        return row

    def waiting_row(self, ticket_id: int) -> dict | None:
        with self.lock:
            row = self._rows.get(ticket_id)
            return dict(row) if row else None

    def waiting_count(self, day: str, zone: str) -> int:
        with self.lock:
            q = self._queues.get(day, {}).get(zone)
            return len(q) if q else 0

    def next_numbers(self, day: str, zone: str, now: float, k: int = 3) -> list[str]:
        """The numbers of the zone's next `k` tickets in dispatch order (public: numbers only)."""
        with self.lock:
            q = self._queues.get(day, {}).get(zone)
            return [self._rows[t.id]["number"] for t in q.first(k, now)] if q else []

    def waiting_zones(self, day: str) -> list[str]:
        with self.lock:
            return [z for z, q in self._queues.get(day, {}).items() if q]

    def days_waiting_before(self, day: str) -> bool:
        with self.lock:
            return any(d < day for d in self._queues)

    # ---- windows ----
    def window(self, number: int) -> dict | None:
        with self.lock:
            w = self._windows.get(number)
            return dict(w, zones=list(w["zones"])) if w else None

    def windows(self) -> list[dict]:
        with self.lock:
            return [dict(w, zones=list(w["zones"])) for _, w in sorted(self._windows.items())]

    def update_window(self, number: int, fields: dict) -> None:
        with self.lock:
            w = self._windows.setdefault(number, {"number": number})
            before = {k: w.get(k) for k in fields}
            w.update(fields)
        self._undo(lambda: self.update_window(number, before))

    def refresh_config(self, rules: DispatchRules, zones: list[str], window_rows: list[dict]) -> None:
        """A new hall configuration: its dispatch rules and zones, and the windows as their rows now hold them."""
        with self.lock:
            before = (self.rules, list(self.zones), {n: dict(w) for n, w in self._windows.items()})
            self.rules, self.zones = rules, list(zones)
            for z in zones:
                self._durations.setdefault(z, [])
            rows = {w["number"]: dict(w, zones=json.loads(w["zones"])) for w in window_rows}
            self._windows = rows

        def undo() -> None:
            with self.lock:
                self.rules, self.zones, self._windows = before

        self._undo(undo)

    # ---- services and arrivals ----
    def recent_durations(self) -> dict[str, list[float]]:
        with self.lock:
            return {z: list(d) for z, d in self._durations.items()}

    def service_finished(self, zone: str, duration_s: float) -> None:
        with self.lock:
            durations = self._durations.setdefault(zone, [])
            before = list(durations)
            durations.append(duration_s)
            del durations[:-RECENT_SERVICES]
        self._undo(lambda: self._durations.__setitem__(zone, before))

    def arrived(self, day: str, zone: str, at: float, ticket_id: int) -> None:
        with self.lock:
            self._arrivals[(day, zone)].add((at, ticket_id))
        self._undo(lambda: self.left(day, zone, at, ticket_id))

    def left(self, day: str, zone: str, at: float, ticket_id: int) -> None:
        """A ticket's arrival no longer counts for `zone` (it was transferred out)."""
        with self.lock:
            self._arrivals[(day, zone)].discard((at, ticket_id))
        self._undo(lambda: self.arrived(day, zone, at, ticket_id))

    def arrival_counts(self, day: str, since: float) -> dict[str, int]:
        """Tickets issued on `day` at or after `since`, per (current) zone; older entries are dropped."""
        out: dict[str, int] = {}
        with self.lock:
            for key in list(self._arrivals):
                arrivals = self._arrivals[key]
                stale = arrivals.bisect_left((since,))
                if key[0] != day:
                    stale = len(arrivals)
                del arrivals[:stale]  # time only moves on: they never count again
                if not arrivals:
                    del self._arrivals[key]
                elif key[0] == day:
                    out[key[1]] = len(arrivals)
        return out

    # ---- the board's recent calls ----
    def called(self, day: str, call: dict, ticket: dict) -> None:
        """A `called`/`recalled` event of `ticket` (id, kind, at, window)."""
        with self.lock:
            for d in [d for d in self._calls if d != day]:
                del self._calls[d]
            calls = self._calls.setdefault(day, deque(maxlen=RECENT_CALLS))
            before = (list(calls), self._called.get(ticket["id"]))
            calls.append(dict(call, ticket_id=ticket["id"]))
            self._called[ticket["id"]] = {"number": ticket["number"], "zone": ticket["zone"]}
            kept = {c["ticket_id"] for c in calls}
            for tid in [t for t in self._called if t not in kept]:
                del self._called[tid]

        def undo() -> None:
            with self.lock:
                self._calls[day] = deque(before[0], maxlen=RECENT_CALLS)
                if before[1] is None:
                    self._called.pop(ticket["id"], None)
                else:
                    self._called[ticket["id"]] = before[1]
        self._undo(undo)

    def moved_zone(self, ticket_id: int, zone: str) -> None:
        """A called ticket was transferred: the board shows its calls under its new zone."""
        with self.lock:
            info = self._called.get(ticket_id)
            if info is None:
                return
            before = info["zone"]
            info["zone"] = zone
        self._undo(lambda: self._called[ticket_id].__setitem__("zone", before))

    def recent_calls(self, day: str, zones: list[str] | None = None, windows: list[int] | None = None,
                     limit: int | None = None) -> list[dict]:
        """Today's recent calls, newest first, with each ticket's number and current zone; only those of
        `zones` and `windows` when given, at most `limit`."""
        out: list[dict] = []
        with self.lock:
            for c in reversed(self._calls.get(day, ())):
                call = dict(c, **self._called[c["ticket_id"]])
                if (zones is None or call["zone"] in zones) and (windows is None or call["window"] in windows):
                    out.append(call)
                    if limit is not None and len(out) >= limit:
                        break
        return out

    # ---- rebuild and compare ----
    @classmethod
    def load(cls, conn: Connection, rules: DispatchRules, zones: list[str], day: str, now: float,
             undo: Undo = _no_undo) -> LiveState:
        """The state as the database holds it (`day`, `now`: the service day and time of the rebuild)."""
        state = cls(rules, zones)
        conn_rows = _dict_rows(conn)
        marks = ",".join("?" * len(WAITING_STATES))
        for row in conn_rows("SELECT * FROM tickets WHERE state IN (" + marks + ") ORDER BY id",
                             sorted(WAITING_STATES)):
            state.add_waiting(row, as_waiting(row))
        for w in conn_rows("SELECT w.*, t.number AS ticket, u.display_name AS staff_name, u.staff_no"
                           " FROM windows w LEFT JOIN tickets t ON t.id = w.current_ticket"
                           " LEFT JOIN users u ON u.username = w.staff ORDER BY w.number"):
            w["zones"] = json.loads(w["zones"])
            state._windows[w["number"]] = w
        for z in zones:  # one indexed range read per zone (tickets(zone, state, finished_at))
            rows = conn.execute(
                "SELECT called_at, finished_at FROM tickets WHERE zone = ? AND state = 'done' AND finished_at"
                f" IS NOT NULL AND called_at IS NOT NULL ORDER BY finished_at DESC LIMIT {RECENT_SERVICES}",
                [z],
            ).fetchall()
            state._durations[z] = [epoch(f) - epoch(c) for c, f in reversed(rows)]
        since = datetime.fromtimestamp(now - ARRIVAL_WINDOW_S, UTC)
        for r in conn_rows("SELECT id, day, zone, issued_at FROM tickets WHERE day = ? AND issued_at >= ?",
                           [day, to_iso(since)]):
            state.arrived(r["day"], r["zone"], epoch(r["issued_at"]), r["id"])
        calls = conn_rows(
            "SELECT e.id, e.kind, e.at, e.window, t.id AS ticket_id, t.number, t.zone FROM events e"
            " JOIN tickets t ON t.id = e.ticket_id WHERE e.kind IN ('called', 'recalled') AND t.day = ?"
            f" ORDER BY e.id DESC LIMIT {RECENT_CALLS}", [day])
        for c in reversed(calls):
            state.called(day, {k: c[k] for k in ("id", "kind", "at", "window")},
                         {"id": c["ticket_id"], "number": c["number"], "zone": c["zone"]})
        state._undo = undo
        return state

    def dump(self, day: str, now: float) -> dict:
        """Everything the state holds, as plain data at `now` (tests compare it with a rebuild)."""
        with self.lock:
            return {
                "queues": {d: {z: sorted((t.id, t.zone, round(t.queued_at, 6), t.priority, t.due_at)
                                         for t in q.tickets()) for z, q in zs.items() if q}
                           for d, zs in self._queues.items() if zs},
                "rows": dict(self._rows),
                "windows": dict(self._windows),
                "durations": {z: [round(x, 6) for x in d] for z, d in self._durations.items()},
                "arrivals": self.arrival_counts(day, now - ARRIVAL_WINDOW_S),
                "calls": self.recent_calls(day),
            }


def _dict_rows(conn: Connection) -> Callable[..., list[dict]]:
    def query(sql: str, args: list | tuple = ()) -> list[dict]:
        cur = conn.execute(sql, args)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    return query
