"""Statistics over a day or a range of service days, for the supervision dashboard and its exports.

Arrivals per hour, waits per zone (mean, p90), service time per matter,
productivity per window and per staff member, no-shows and satisfaction.
Every duration comes from full timestamps (stats.py does the same for one day).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from queue_server.clock import from_iso, parse_day
from queue_server.core.rating_scale import is_bad, satisfaction
from queue_server.errors import BadRequest
from queue_server.hall import Hall
from queue_server.ops.stats import percentile

MAX_RANGE_DAYS = 366


def day_range(hall: Hall, first: str | None, last: str | None) -> tuple[str, str]:
    """(from, to) as ISO days; today when missing; a clear 400 when reversed or too long."""
    today = date.fromisoformat(hall.today())
    a = parse_day(first, "from") if first else (today if not last else parse_day(last, "to"))
    b = parse_day(last, "to") if last else (a if first else today)
    if b < a:
        raise BadRequest("to must be on or after from", code="bad_range")
    if (b - a).days >= MAX_RANGE_DAYS:
        raise BadRequest(f"a range may cover at most {MAX_RANGE_DAYS} days", code="bad_range")
    return a.isoformat(), b.isoformat()


def _seconds(a: str | None, b: str | None) -> float | None:
    return (from_iso(b) - from_iso(a)).total_seconds() if a and b else None


def _r(v: float | None) -> float | None:
    return None if v is None else round(v, 1)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _group(rows: list[dict]) -> dict:
    waits = [r["wait_s"] for r in rows if r["wait_s"] is not None]
    services = [r["service_s"] for r in rows if r["service_s"] is not None]
    called = [r for r in rows if r["state"] in ("done", "no_show", "called", "serving")]
    no_shows = sum(1 for r in rows if r["state"] == "no_show")
    return {
        "tickets": len(rows),
        "served": sum(1 for r in rows if r["state"] == "done"),
        "no_shows": no_shows,
        "no_show_rate": round(no_shows / len(called), 3) if called else 0.0,
        "wait_mean_s": _r(_mean(waits)), "wait_p90_s": _r(percentile(waits, 90)),
        "service_mean_s": _r(_mean(services)), "service_p90_s": _r(percentile(services, 90)),
        "service_total_s": _r(sum(services)),
    }


def range_stats(hall: Hall, first: str, last: str) -> dict:
    db = hall.store.read()
    tz = hall.config.tz
    rows = []
    for t in db.query("SELECT * FROM tickets WHERE day BETWEEN ? AND ?", [first, last]):
        rows.append({
            "day": t["day"], "zone": t["zone"], "matter": t["matter"], "window": t["window"], "staff": t["staff"],
            "state": t["state"], "hour": from_iso(t["issued_at"]).astimezone(tz).hour,
            "wait_s": _seconds(t["issued_at"], t["called_at"]),
            "service_s": _seconds(t["started_at"], t["finished_at"]),
        })
    ratings = list(db.query("SELECT * FROM ratings WHERE day BETWEEN ? AND ?", [first, last])) \
        if db["ratings"].exists() else []
    by: dict[str, dict] = {k: defaultdict(list) for k in ("day", "zone", "matter", "window", "staff")}
    hours = defaultdict(int)
    for r in rows:
        hours[r["hour"]] += 1
        for k in by:
            if r[k] is not None:
                by[k][r[k]].append(r)
    scores: dict[str, dict] = {k: defaultdict(list) for k in ("window", "staff", "zone")}
    for rt in ratings:
        for k in scores:
            if rt[k] is not None:
                scores[k][rt[k]].append(rt["score"])
    cfg = hall.config
    zone_names = {z.code: (z.name_zh, z.name_en) for z in cfg.zones}
    matter_names = {m.code: (m.name_zh, m.name_en) for m in cfg.matters}

    def rated(kind: str, key) -> dict:
        s = satisfaction(scores[kind].get(key, []))
        return {"ratings": s["ratings"], "satisfaction_rate": s["satisfaction_rate"], "mean_score": s["mean_score"]}

    days = []
    d, end = date.fromisoformat(first), date.fromisoformat(last)
    while d <= end:
        days.append({"day": d.isoformat(), **_group(by["day"].get(d.isoformat(), []))})
        d += timedelta(days=1)
    return {
        "from": first, "to": last,
        "total": _group(rows),
        "satisfaction": satisfaction(rt["score"] for rt in ratings),
        "bad_ratings": [{k: rt[k] for k in ("at", "number", "window", "staff", "score", "reason", "comment")}
                        for rt in ratings if is_bad(rt["score"])],
        "arrivals_per_hour": [{"hour": f"{h:02d}:00", "tickets": hours[h]} for h in range(24) if hours[h]],
        "days": days,
        "zones": [{"zone": code, "name_zh": zone_names.get(code, (code, code))[0],
                   "name_en": zone_names.get(code, (code, code))[1], **_group(v), **rated("zone", code)}
                  for code, v in sorted(by["zone"].items())],
        "matters": [{"matter": code, "name_zh": matter_names.get(code, (code, code))[0],
                     "name_en": matter_names.get(code, (code, code))[1], **_group(v)}
                    for code, v in sorted(by["matter"].items())],
        "windows": [{"window": w, **_group(v), **rated("window", w)} for w, v in sorted(by["window"].items())],
        "staff": [{"staff": s, **_group(v), **rated("staff", s)} for s, v in sorted(by["staff"].items())],
    }
