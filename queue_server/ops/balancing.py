"""Balancing proposals for the dashboard, from the live hall and the pure planner queue_server.core.rebalance.

Turns the database into the planner's inputs (each zone's queue, arrivals over
the last half hour, recent mean service time; the open windows' zones) and its
moves into bilingual proposals the manager can accept in one click.
"""

from __future__ import annotations

import json
from datetime import timedelta

from queue_server.clock import to_iso
from queue_server.core import rebalance as planner
from queue_server.hall import Hall
from queue_server.ops.live import ARRIVAL_WINDOW_S, waiting_rows, zone_snapshots


def movable_zones(hall: Hall, window: int) -> tuple[str, ...]:
    """Staff skills, as the simulator assumes them: a front-office desk may move among the front-office zones;
    pickup, consultation and one-chain desks stay where they are."""
    kinds = {z.code: z.kind for z in hall.config.zones}
    try:
        home = hall.config.window(window).zones[0]
    except KeyError:
        return ()
    if kinds.get(home) != "front":
        return ()
    return tuple(code for code, kind in kinds.items() if kind == "front")


def proposals(hall: Hall) -> list[dict]:
    db = hall.store.read()
    now = hall.now()
    day = hall.today(now)
    snaps = zone_snapshots(hall, db, now)
    waiting: dict[str, int] = {}
    for r in waiting_rows(db, day):
        waiting[r["zone"]] = waiting.get(r["zone"], 0) + 1
    since = to_iso(now - timedelta(seconds=ARRIVAL_WINDOW_S))
    arrivals = {r["zone"]: r["n"] / ARRIVAL_WINDOW_S for r in db.query(
        "SELECT zone, count(*) AS n FROM tickets WHERE day = ? AND issued_at >= ? GROUP BY zone", [day, since])}
    loads = {z.code: planner.ZoneLoad(zone=z.code, waiting=waiting.get(z.code, 0),
                                      arrivals_per_s=arrivals.get(z.code, 0.0),
                                      mean_service_s=snaps[z.code].mean_service_s) for z in hall.config.zones}
    windows = {r["number"]: json.loads(r["zones"])
               for r in db.query("SELECT number, zones FROM windows WHERE state = 'open' ORDER BY number")}
    names = {z.code: (z.name_zh, z.name_en) for z in hall.config.zones}
    out = []
    for m in planner.propose_moves(windows, loads, movable={n: movable_zones(hall, n) for n in windows}):
        minutes = max(1, round(-m.wait_change_s / 60))
        out.append({
            "window": m.window, "from_zone": m.from_zone, "to_zone": m.to_zone,
            "from_zones": windows[m.window], "to_zones": list(m.zones),
            "predicted_mean_wait_change_s": round(m.wait_change_s),
            "zh": f"{m.window}号窗口：{names[m.from_zone][0]} → {names[m.to_zone][0]}，预计平均等待 −{minutes} 分钟",
            "en": f"Window {m.window}: {names[m.from_zone][1]} → {names[m.to_zone][1]}, "
                  f"predicted mean wait −{minutes} min",
        })
    return out
