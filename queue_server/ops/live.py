"""Live figures from the database: queue positions, wait estimates, the board."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlite_utils import Database

from queue_server.clock import epoch, to_iso
from queue_server.core.dispatch import Waiting
from queue_server.core.estimate import (
    ARRIVAL_WINDOW_S,
    RECENT_SERVICES,
    OpenWindow,
    ZoneSnapshot,
    ahead_of,
    build_snapshots,
    expected_wait_s,
)
from queue_server.core.waits import phrase_of

if TYPE_CHECKING:  # the Hall imports the ticket view, which reads positions from here
    from queue_server.hall import Hall

_WAITING_SQL = "state IN ('waiting', 'transferred')"


def as_waiting(row: dict) -> Waiting:
    """A waiting ticket's row as the dispatcher sees it."""
    return Waiting(
        id=row["id"], zone=row["zone"], queued_at=epoch(row["queued_at"]),
        priority=row["priority"], due_at=epoch(row["due_at"]),
    )


def waiting_rows(db: Database, day: str, zones: list[str] | None = None) -> list[dict]:
    sql = f"SELECT id, zone, queued_at, priority, due_at, issued_at FROM tickets WHERE day = ? AND {_WAITING_SQL}"
    args: list = [day]
    if zones is not None:
        sql += f" AND zone IN ({','.join('?' * len(zones))})"
        args += zones
    return list(db.query(sql, args))


def zone_snapshots(hall: Hall, db: Database, now: datetime) -> dict[str, ZoneSnapshot]:
    """Each zone's service rate and capacity right now (the pure part is estimate.build_snapshots)."""
    cfg = hall.config
    day = hall.today(now)
    durations: dict[str, list[float]] = defaultdict(list)
    for z in cfg.zones:  # one indexed range read per zone (tickets(zone, state, finished_at))
        rows = db.execute(
            "SELECT called_at, finished_at FROM tickets WHERE zone = ? AND state = 'done'"
            f" AND finished_at IS NOT NULL AND called_at IS NOT NULL ORDER BY finished_at DESC LIMIT {RECENT_SERVICES}",
            [z.code],
        ).fetchall()
        durations[z.code] = [epoch(f) - epoch(c) for c, f in reversed(rows)]
    since = to_iso(now - timedelta(seconds=ARRIVAL_WINDOW_S))
    arrivals = {
        r["zone"]: r["n"] / ARRIVAL_WINDOW_S
        for r in db.query(
            "SELECT zone, count(*) AS n FROM tickets WHERE day = ? AND issued_at >= ? GROUP BY zone",
            [day, since],
        )
    }
    windows = db.execute("SELECT state, zones, current_ticket FROM windows").fetchall()
    open_windows = [OpenWindow(zones=tuple(json.loads(zones)), busy=current is not None)
                    for state, zones, current in windows if state == "open"]
    staffed = any(state != "closed" for state, _, _ in windows)
    queued = [r["zone"] for r in db.query(f"SELECT DISTINCT zone FROM tickets WHERE day = ? AND {_WAITING_SQL}", [day])]
    return build_snapshots(
        {z.code: z.service_s for z in cfg.zones}, durations, arrivals, open_windows,
        planned_homes=() if staffed else [s.zones[0] for s in cfg.windows], waiting_zones=queued,
    )


def serving_windows(db: Database) -> dict[str, dict[str, int]]:
    """Per zone: how many open windows serve it and how many of those have nobody at them (for the wait phrase)."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: {"open_windows": 0, "idle_windows": 0})
    for zones, current in db.execute("SELECT zones, current_ticket FROM windows WHERE state = 'open'").fetchall():
        for zone in json.loads(zones):
            out[zone]["open_windows"] += 1
            out[zone]["idle_windows"] += current is None
    return out


def with_wait_words(item: dict, counts: dict[str, int], ahead_key: str) -> dict:
    """`item` plus the window counts and the wait in words (queue_server/core/waits.py), as every screen says it."""
    item = item | counts
    item["wait_zh"], item["wait_en"] = phrase_of(item, ahead_key)
    return item


def position(hall: Hall, db: Database, row: dict, now: datetime, snaps=None) -> tuple[int, float]:
    """(tickets ahead, estimated seconds to wait) of a waiting ticket."""
    zone_waiting = [as_waiting(r) for r in waiting_rows(db, row["day"], [row["zone"]])]
    ahead = ahead_of(as_waiting(row), zone_waiting, hall.dispatch_rules, now.timestamp())
    snaps = snaps or zone_snapshots(hall, db, now)
    return ahead, round(expected_wait_s(ahead, snaps[row["zone"]]))


def zone_queues(hall: Hall, db: Database, now: datetime, zones: list[str] | None = None) -> list[dict]:
    """Per zone: waiting count, oldest wait, and the estimate a new ticket would get."""
    day = hall.today(now)
    rows = waiting_rows(db, day, zones)
    snaps = zone_snapshots(hall, db, now)
    serving = serving_windows(db)
    by_zone: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_zone[r["zone"]].append(r)
    out = []
    for z in hall.config.zones:
        if zones is not None and z.code not in zones:
            continue
        waiting = by_zone[z.code]
        oldest = min((epoch(r["queued_at"]) for r in waiting), default=None)
        out.append(with_wait_words({
            "zone": z.code, "prefix": z.prefix, "name_zh": z.name_zh, "name_en": z.name_en,
            "waiting": len(waiting), "target_wait_s": z.target_wait_s,
            "oldest_wait_s": round(now.timestamp() - oldest) if oldest else 0,
            "estimated_wait_s": round(expected_wait_s(len(waiting), snaps[z.code])),
        }, serving[z.code], "waiting"))
    return out


def board(hall: Hall, zones: list[str] | None = None, windows: list[int] | None = None,
          recent: int = 10) -> dict:
    db = hall.store.read()
    now = hall.now()
    day = hall.today(now)
    rows = list(db.query(
        "SELECT e.id, e.kind, e.at, t.number, t.zone, e.window FROM events e JOIN tickets t ON t.id = e.ticket_id"
        " WHERE e.kind IN ('called', 'recalled') AND t.day = ? ORDER BY e.id DESC LIMIT 400",
        [day],
    ))
    calls = [r for r in rows if (zones is None or r["zone"] in zones)
             and (windows is None or r["window"] in windows)][:recent]
    win_rows = list(db.query(
        "SELECT w.number, w.state, w.zones, w.pause_reason, t.number AS ticket FROM windows w"
        " LEFT JOIN tickets t ON t.id = w.current_ticket ORDER BY w.number"
    ))
    win_out = []
    for w in win_rows:
        wz = json.loads(w["zones"])
        if windows is not None and w["number"] not in windows:
            continue
        if windows is None and zones is not None and not set(wz) & set(zones):
            continue
        win_out.append({"number": w["number"], "state": w["state"], "zones": wz,
                        "pause_reason": w["pause_reason"], "ticket": w["ticket"]})
    return {
        "hall": {"code": hall.config.code, "name_zh": hall.config.name_zh, "name_en": hall.config.name_en,
                 "notice_zh": hall.config.notice_zh, "notice_en": hall.config.notice_en},
        "now": to_iso(now),
        "last_event_id": hall.broker.last_id,
        "calls": [{"id": r["id"], "kind": r["kind"], "at": r["at"], "number": r["number"],
                   "zone": r["zone"], "window": r["window"]} for r in calls],
        "zones": zone_queues(hall, db, now, zones),
        "windows": win_out,
    }
