"""Statistics of a service day: waits, service times and no-shows per zone, window and hour.

Waits and service times are computed from full timestamps (never from the
minutes part of a difference), so waits over an hour come out right.
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from collections.abc import Iterable

from queue_server.clock import from_iso
from queue_server.core.cell_text import safe_cell
from queue_server.hall import Hall

COLUMNS = ("dimension", "key", "tickets", "served", "no_shows", "no_show_rate",
           "wait_mean_s", "wait_p50_s", "wait_p90_s", "service_mean_s", "service_p90_s")


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no data."""
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, math.ceil(q / 100 * len(ordered)) - 1)
    return ordered[k]


def _summary(rows: list[dict]) -> dict:
    waits = [r["wait_s"] for r in rows if r["wait_s"] is not None]
    services = [r["service_s"] for r in rows if r["service_s"] is not None]
    called = [r for r in rows if r["state"] in ("done", "no_show", "called", "serving")]
    no_shows = sum(1 for r in rows if r["state"] == "no_show")
    rnd = lambda v: None if v is None else round(v, 1)  # noqa: E731
    return {
        "tickets": len(rows),
        "served": sum(1 for r in rows if r["state"] == "done"),
        "no_shows": no_shows,
        "no_show_rate": round(no_shows / len(called), 3) if called else 0.0,
        "wait_mean_s": rnd(sum(waits) / len(waits)) if waits else None,
        "wait_p50_s": rnd(percentile(waits, 50)),
        "wait_p90_s": rnd(percentile(waits, 90)),
        "service_mean_s": rnd(sum(services) / len(services)) if services else None,
        "service_p90_s": rnd(percentile(services, 90)),
    }


def _seconds(a: str | None, b: str | None) -> float | None:
    if not a or not b:
        return None
    return (from_iso(b) - from_iso(a)).total_seconds()


def day_stats(hall: Hall, day: str) -> dict:
    db = hall.store.read()
    tz = hall.config.tz
    rows = []
    for r in db.query("SELECT * FROM tickets WHERE day = ?", [day]):
        rows.append({
            "zone": r["zone"], "window": r["window"], "state": r["state"], "matter": r["matter"],
            "hour": from_iso(r["issued_at"]).astimezone(tz).strftime("%H:00"),
            "wait_s": _seconds(r["issued_at"], r["called_at"]),
            "service_s": _seconds(r["started_at"], r["finished_at"]),
        })
    groups: dict[str, dict[str, list[dict]]] = {"zone": defaultdict(list), "window": defaultdict(list),
                                                "hour": defaultdict(list)}
    for r in rows:
        groups["zone"][r["zone"]].append(r)
        if r["window"] is not None:
            groups["window"][str(r["window"])].append(r)
        groups["hour"][r["hour"]].append(r)
    return {
        "date": day,
        "total": _summary(rows),
        "zones": {k: _summary(v) for k, v in sorted(groups["zone"].items())},
        "windows": {k: _summary(v) for k, v in sorted(groups["window"].items(), key=lambda kv: int(kv[0]))},
        "hours": {k: _summary(v) for k, v in sorted(groups["hour"].items())},
    }


def stats_rows(stats: dict) -> Iterable[dict]:
    yield {"dimension": "total", "key": stats["date"], **stats["total"]}
    for dim, key in (("zone", "zones"), ("window", "windows"), ("hour", "hours")):
        for k, v in stats[key].items():
            yield {"dimension": dim, "key": k, **v}


def stats_csv(stats: dict) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS)
    w.writeheader()
    for row in stats_rows(stats):
        w.writerow({k: safe_cell(v) for k, v in row.items()})  # no cell read as a formula
    return buf.getvalue()
