"""Replay a real day: the server's database → an arrivals list (when each citizen came, for what, how long).

Reads the tickets table only (read-only SQLite). Each ticket's zone is the zone it
queued for first; its service time is how long its window was busy with it
(called → finished). Cancelled tickets (the citizen left before being called)
are left out, since the simulator does not model leaving; no-shows stay in, as
they cost the window a recall.
"""

from __future__ import annotations

import sqlite3
from datetime import date as Date
from datetime import datetime
from pathlib import Path

from queue_server.hall_config import HallConfig
from simulator.arrivals import Arrival, InputError


def _local_seconds(text: str, cfg: HallConfig) -> float:
    t = datetime.fromisoformat(text).astimezone(cfg.tz)
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6


def arrivals_from_db(path: str | Path, day: str, cfg: HallConfig) -> tuple[list[Arrival], int]:
    """(arrivals, cancelled tickets left out) of one service day (YYYY-MM-DD, the hall's local date)."""
    try:
        Date.fromisoformat(day)
    except ValueError:
        raise InputError(f"--date {day!r} must be a date YYYY-MM-DD") from None
    if not Path(path).is_file():
        raise InputError(f"{path}: database file not found")
    con = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        rows = con.execute("SELECT * FROM tickets WHERE day = ? ORDER BY issued_at, id", [day]).fetchall()
    except sqlite3.DatabaseError as e:
        raise InputError(f"{path}: not a hall database ({e})") from None
    finally:
        con.close()
    if not rows:
        raise InputError(f"{path}: no tickets on {day}; check the date (the hall's local date)")
    zones = {z.code: z for z in cfg.zones}
    classes = set(cfg.rules.priority_classes)
    matters = {m.code for m in cfg.matters}
    out, cancelled = [], 0
    for r in rows:
        zone = r["original_zone"] or r["zone"]
        if zone not in zones:
            raise InputError(f"{path}: ticket {r['number']} is in zone {zone!r}, which the hall config lacks; "
                             "use the config the server ran with (--config)")
        if r["state"] == "cancelled":
            cancelled += 1
            continue
        service = float(zones[zone].service_s)
        if r["called_at"] and r["finished_at"]:
            service = max(1.0, (datetime.fromisoformat(r["finished_at"])
                                - datetime.fromisoformat(r["called_at"])).total_seconds())
        out.append(Arrival(
            at=_local_seconds(r["issued_at"], cfg), zone=zone, service_s=service,
            matter=r["matter"] if r["matter"] in matters else None,
            priority=r["priority"] if r["priority"] in classes else None,
            no_show=r["state"] == "no_show",
        ))
    return out, cancelled
