"""What the city sees: each hall's day (waits against target, windows against demand, ratings, freshness).

Every figure comes from the events the halls shipped, through the views of schema.py (`city_events` counts
a restored hall's shared prefix once). Queries are bounded by the day's time range so only that month's
partition is read.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import psycopg

from queue_server.central.accounts import CityUser
from queue_server.central.workdays import is_overdue

CITY_TZ = ZoneInfo("Asia/Shanghai")
DEVICE_ALERTS = ("printer_offline", "printer_paper_out", "camera_missing", "device_error")
WAITING_KINDS = ("issued", "requeued", "transferred")


def day_range(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), CITY_TZ)
    return start, start + timedelta(days=1)


def visible_halls(conn: psycopg.Connection, user: CityUser) -> list[dict]:
    """The halls the user may see, with their freshness (the /api/v1/city/halls rows)."""
    rows = conn.execute(
        "SELECT h.code, h.name, h.region, h.epoch, coalesce(f.events, 0), coalesce(f.last_id, 0),"
        " f.last_event_at, f.received_at, f.lag_s, h.zones, h.catalogue_version, h.catalogue_checked_at"
        " FROM halls h LEFT JOIN freshness f ON f.hall = h.code"
        " WHERE %s OR h.region = %s ORDER BY h.region, h.code",
        [user.role == "city", user.region]).fetchall()
    out = []
    for code, name, region, epoch, events, last_id, last_at, received_at, lag_s, zones, cat_v, cat_at in rows:
        out.append({"code": code, "name": name, "region": region, "epoch": epoch, "events": events,
                    "last_event_id": last_id, "last_event_at": last_at.isoformat() if last_at else None,
                    "received_at": received_at.isoformat() if received_at else None,
                    "lag_s": round(float(lag_s), 1) if lag_s is not None else None, "zones": zones,
                    "catalogue_version": cat_v, "catalogue_checked_at": cat_at.isoformat() if cat_at else None})
    return out


def _by(rows, key_len: int = 1) -> dict:
    return {tuple(r[:key_len]) if key_len > 1 else r[0]: r[key_len:] for r in rows}


def hall_days(conn: psycopg.Connection, halls: list[dict], day: date, today: date | None = None) -> list[dict]:
    """Each hall's figures for one day (the city page's rows and the export's)."""
    codes = [h["code"] for h in halls]
    start, end = day_range(day)
    args = [codes, start, end]
    span = "hall = ANY(%s) AND at >= %s AND at < %s"
    zone_waits = conn.execute(
        "SELECT hall, zone, count(*), percentile_cont(0.9) WITHIN GROUP (ORDER BY wait_s), avg(wait_s)"
        " FROM ticket_waits WHERE hall = ANY(%s) AND called_at >= %s AND called_at < %s GROUP BY hall, zone",
        args).fetchall()
    waiting = conn.execute(
        "SELECT hall, zone, count(*) FROM (SELECT DISTINCT ON (hall, epoch, ticket_id) hall, zone, kind"
        f" FROM city_events WHERE {span} AND ticket_id IS NOT NULL ORDER BY hall, epoch, ticket_id, id DESC) t"
        " WHERE kind = ANY(%s) GROUP BY hall, zone", [*args, list(WAITING_KINDS)]).fetchall()
    estimates = conn.execute(
        "SELECT DISTINCT ON (hall, zone) hall, zone, (data->>'estimated_wait_s')::float"
        f" FROM city_events WHERE {span} AND kind = 'issued' ORDER BY hall, zone, at DESC", args).fetchall()
    counts = conn.execute(
        "SELECT hall, count(*) FILTER (WHERE kind = 'issued'), count(*) FILTER (WHERE kind = 'finished'),"
        " count(*) FILTER (WHERE kind = 'no_show'),"
        " count(*) FILTER (WHERE kind = 'no_show' AND data->'ticket'->>'source' = 'appointment'),"
        " count(DISTINCT actor) FILTER (WHERE kind = 'alert' AND reason = ANY(%s))"
        f" FROM city_events WHERE {span} GROUP BY hall", [list(DEVICE_ALERTS), *args]).fetchall()
    windows = conn.execute(
        "SELECT hall, count(*) FILTER (WHERE reason IN ('opened', 'resumed')), count(*) FROM window_states"
        " WHERE hall = ANY(%s) AND at < %s GROUP BY hall", [codes, end]).fetchall()
    ratings = conn.execute(
        "SELECT hall, count(*), count(*) FILTER (WHERE NOT bad) FROM ratings WHERE hall = ANY(%s) AND at >= %s"
        " AND at < %s GROUP BY hall", args).fetchall()
    followups = conn.execute(
        "SELECT hall, opened_at FROM followups WHERE hall = ANY(%s) AND opened_at < %s"
        " AND (closed_at IS NULL OR closed_at >= %s)", [codes, end, end]).fetchall()
    zw = {(r[0], r[1]): r[2:] for r in zone_waits}
    wt = {(r[0], r[1]): r[2] for r in waiting}
    es = {(r[0], r[1]): r[2] for r in estimates}
    cn, wn, rt = _by(counts), _by(windows), _by(ratings)
    today = today or datetime.now(CITY_TZ).date()
    out = []
    for h in halls:
        code = h["code"]
        zones = []
        known = [z.get("code") for z in h["zones"] or []]
        extra = sorted({k[1] for k in (*zw, *wt) if k[0] == code and k[1] not in known and k[1]})
        for z in [*(h["zones"] or []), *({"code": c} for c in extra)]:
            n, p90, avg = zw.get((code, z["code"]), (0, None, None))
            target = z.get("target_wait_s")
            zones.append({"code": z["code"], "zh": z.get("zh", z["code"]), "en": z.get("en", z["code"]),
                          "waiting": wt.get((code, z["code"]), 0), "estimate_s": _r(es.get((code, z["code"]))),
                          "called": n, "p90_wait_s": _r(p90), "avg_wait_s": _r(avg), "target_s": target,
                          "over_target": bool(p90 is not None and target and p90 > target)})
        issued, finished, no_shows, appt_no_shows, devices = cn.get(code, (0, 0, 0, 0, 0))
        open_w, known_w = wn.get(code, (0, 0))
        rated, good = rt.get(code, (0, 0))
        fu = [r[1] for r in followups if r[0] == code]
        out.append({**{k: h[k] for k in ("code", "name", "region", "last_event_at", "lag_s", "events",
                                         "catalogue_version")},
                    "day": day.isoformat(), "zones": zones, "waiting": sum(z["waiting"] for z in zones),
                    "issued": issued, "finished": finished, "no_shows": no_shows,
                    "appointment_no_shows": appt_no_shows, "windows_open": open_w, "windows_seen": known_w,
                    "p90_over_target": sum(z["over_target"] for z in zones),
                    "ratings": rated, "satisfaction": round(100 * good / rated, 1) if rated else None,
                    "followups_open": len(fu),
                    "followups_overdue": sum(is_overdue(o.astimezone(CITY_TZ).date(), today) for o in fu),
                    "devices_alerting": devices})
    return out


def hall_hours(conn: psycopg.Connection, code: str, day: date) -> list[dict]:
    """One hall's day by hour: tickets issued, called, and the p90 wait of those called (the drill-down chart)."""
    start, end = day_range(day)
    rows = conn.execute(
        "SELECT extract(hour FROM at AT TIME ZONE 'Asia/Shanghai')::int AS h,"
        " count(*) FILTER (WHERE kind = 'issued'), count(*) FILTER (WHERE kind = 'called')"
        " FROM city_events WHERE hall = %s AND at >= %s AND at < %s GROUP BY h", [code, start, end]).fetchall()
    waits = dict(conn.execute(
        "SELECT extract(hour FROM called_at AT TIME ZONE 'Asia/Shanghai')::int AS h,"
        " percentile_cont(0.9) WITHIN GROUP (ORDER BY wait_s) FROM ticket_waits"
        " WHERE hall = %s AND called_at >= %s AND called_at < %s GROUP BY h", [code, start, end]).fetchall())
    by_hour = {r[0]: r[1:] for r in rows}
    return [{"hour": h, "issued": by_hour.get(h, (0, 0))[0], "called": by_hour.get(h, (0, 0))[1],
             "p90_wait_s": _r(waits.get(h))} for h in range(24)]


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 1)
