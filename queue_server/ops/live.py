"""Live figures from the hall's state in memory (queue_server/live_state.py): positions, wait estimates,
the board. None of them reads the database or costs more with a longer queue."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING

from sqlite_utils import Database

from queue_server.clock import to_iso
from queue_server.core.dispatch import Waiting
from queue_server.core.estimate import (
    ARRIVAL_WINDOW_S,
    OpenWindow,
    ZoneSnapshot,
    ahead_of,
    build_snapshots,
    expected_wait_s,
)
from queue_server.core.waits import phrase_of
from queue_server.live_state import as_waiting

if TYPE_CHECKING:  # the Hall imports the ticket view, which reads positions from here
    from queue_server.hall import Hall

__all__ = ["ARRIVAL_WINDOW_S", "as_waiting", "board", "position", "queue_news", "waiting_rows", "zone_queues",
           "zone_snapshots"]

GET_READY = 3  # numbers a board lists under "请准备 Get ready" per zone

_WAITING_SQL = "state IN ('waiting', 'transferred')"


def waiting_rows(db: Database, day: str, zones: list[str] | None = None) -> list[dict]:
    """Waiting tickets from the database (reports; the hot paths use the state in memory)."""
    sql = f"SELECT id, zone, queued_at, priority, due_at, issued_at FROM tickets WHERE day = ? AND {_WAITING_SQL}"
    args: list = [day]
    if zones is not None:
        sql += f" AND zone IN ({','.join('?' * len(zones))})"
        args += zones
    return list(db.query(sql, args))


def zone_snapshots(hall: Hall, db: Database | None, now: datetime, *, arriving: str | None = None
                   ) -> dict[str, ZoneSnapshot]:
    """Each zone's service rate and capacity right now (the pure part is estimate.build_snapshots).

    `arriving`: a zone a ticket is about to join, counted as waiting and as one more arrival. `db` is unused
    (the state is in memory); callers that hold one may pass it.
    """
    cfg = hall.config
    live = hall.live
    day = hall.today(now)
    counts = live.arrival_counts(day, now.timestamp() - ARRIVAL_WINDOW_S)
    queued = live.waiting_zones(day)
    if arriving is not None:
        counts[arriving] = counts.get(arriving, 0) + 1
        queued.append(arriving)
    windows = live.windows()
    open_windows = [OpenWindow(zones=tuple(w["zones"]), busy=w["current_ticket"] is not None)
                    for w in windows if w["state"] == "open"]
    staffed = any(w["state"] != "closed" for w in windows)
    return build_snapshots(
        {z.code: z.service_s for z in cfg.zones}, live.recent_durations(),
        {z: n / ARRIVAL_WINDOW_S for z, n in counts.items()}, open_windows,
        planned_homes=() if staffed else [s.zones[0] for s in cfg.windows], waiting_zones=queued,
    )


def serving_windows(hall: Hall) -> dict[str, dict[str, int]]:
    """Per zone: how many open windows serve it and how many of those have nobody at them (for the wait phrase)."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: {"open_windows": 0, "idle_windows": 0})
    for w in hall.live.windows():
        if w["state"] == "open":
            for zone in w["zones"]:
                out[zone]["open_windows"] += 1
                out[zone]["idle_windows"] += w["current_ticket"] is None
    return out


def with_wait_words(item: dict, counts: dict[str, int], ahead_key: str) -> dict:
    """`item` plus the window counts and the wait in words (queue_server/core/waits.py), as every screen says it."""
    item = item | counts
    item["wait_zh"], item["wait_en"] = phrase_of(item, ahead_key)
    return item


def ahead_in_queue(hall: Hall, day: str, t: Waiting, now: float) -> int:
    """Tickets dispatch serves before `t` in its zone: the same count as estimate.ahead_of over the whole
    queue, from the appointments (few) and the rank among walk-ins (a bisection)."""
    q = hall.live.peek(day, t.zone)
    with hall.live.lock:
        return ahead_of(t, q.appointments(), hall.dispatch_rules, now) + q.walk_ins_before(t, now)


def position(hall: Hall, db: Database | None, row: dict, now: datetime, snaps=None) -> tuple[int, float]:
    """(tickets ahead, estimated seconds to wait) of a waiting ticket."""
    t = hall.live.peek(row["day"], row["zone"]).get(row["id"]) or as_waiting(row)
    ahead = ahead_in_queue(hall, row["day"], t, now.timestamp())
    snaps = snaps or zone_snapshots(hall, db, now)
    return ahead, round(expected_wait_s(ahead, snaps[row["zone"]]))


def queue_news(hall: Hall, day: str, zones: list[str], now: datetime) -> dict:
    """What an event about these zones' queues tells the boards: each zone's waiting count and next numbers
    (absolute values, so a board applies them without refetching and a missed event heals with the next)."""
    live, ts = hall.live, now.timestamp()
    return {"waiting": {z: live.waiting_count(day, z) for z in zones},
            "next": {z: live.next_numbers(day, z, ts, GET_READY) for z in zones}}


def zone_queues(hall: Hall, db: Database | None, now: datetime, zones: list[str] | None = None) -> list[dict]:
    """Per zone: waiting count, oldest wait, and the estimate a new ticket would get."""
    day = hall.today(now)
    snaps = zone_snapshots(hall, db, now)
    serving = serving_windows(hall)
    out = []
    for z in hall.config.zones:
        if zones is not None and z.code not in zones:
            continue
        q = hall.live.peek(day, z.code)
        with hall.live.lock:
            waiting, oldest = len(q), q.oldest_queued_at()
        out.append(with_wait_words({
            "zone": z.code, "prefix": z.prefix, "name_zh": z.name_zh, "name_en": z.name_en,
            "waiting": waiting, "target_wait_s": z.target_wait_s,
            "oldest_wait_s": round(now.timestamp() - oldest) if oldest else 0,
            "estimated_wait_s": round(expected_wait_s(waiting, snaps[z.code])),
            "next": hall.live.next_numbers(day, z.code, now.timestamp(), GET_READY),
        }, serving[z.code], "waiting"))
    return out


def board(hall: Hall, zones: list[str] | None = None, windows: list[int] | None = None,
          recent: int = 10) -> dict:
    now = hall.now()
    day = hall.today(now)
    calls = hall.live.recent_calls(day, zones, windows, recent)
    win_out = []
    for w in hall.live.windows():
        if windows is not None and w["number"] not in windows:
            continue
        if windows is None and zones is not None and not set(w["zones"]) & set(zones):
            continue
        win_out.append({"number": w["number"], "state": w["state"], "zones": w["zones"],
                        "pause_reason": w["pause_reason"], "ticket": w["ticket"],
                        # Who serves here: a Chinese window shows its staff member's name and 工号 by custom.
                        "staff_name": w.get("staff_name"), "staff_no": w.get("staff_no")})
    return {
        "hall": {"code": hall.config.code, "name_zh": hall.config.name_zh, "name_en": hall.config.name_en,
                 "notice_zh": hall.config.notice_zh, "notice_en": hall.config.notice_en,
                 "timezone": hall.config.timezone},  # boards show the hall's clock, not the device's
        "now": to_iso(now),
        "last_event_id": hall.broker.last_id,
        "calls": [{"id": c["id"], "kind": c["kind"], "at": c["at"], "number": c["number"],
                   "zone": c["zone"], "window": c["window"]} for c in calls],
        "zones": zone_queues(hall, None, now, zones),
        "windows": win_out,
    }
