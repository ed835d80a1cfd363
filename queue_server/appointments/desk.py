"""The appointment desk (back office, callers on the phone): a slot picker over several days, the day's list
with check-in state and no-shows, moving a booking, and changing one slot's capacity (never below its bookings)."""

from __future__ import annotations

from datetime import date, timedelta

from queue_server.appointments.booking import (
    availability,
    bookable_slot,
    capacity,
    check_zone,
    codes,
    existing_slot,
    load,
    parse_start,
    public,
    slot_start,
    taken,
)
from queue_server.appointments.config import AppointmentRules
from queue_server.clock import to_iso
from queue_server.codes.keyfile import KeyStore
from queue_server.errors import BadRequest, Conflict
from queue_server.hall import Hall

MAX_DAYS = 14  # days in one picker answer
MAX_CAPACITY = 500


def picker(hall: Hall, rules: AppointmentRules, zone: str | None, first: date, days: int) -> dict:
    """Days × slots of a zone with the capacity left in each (closed days say so)."""
    zone = check_zone(hall, rules, zone)
    if not 1 <= days <= MAX_DAYS:
        raise BadRequest(f"'days' must be 1 to {MAX_DAYS}", code="bad_field", field="days")
    out = [availability(hall, rules, zone, first + timedelta(days=i)) for i in range(days)]
    return {"zone": zone, "from": first.isoformat(), "today": hall.today(),
            "days": [{"date": d["date"], "closed": d["closed"], "slots": d["slots"]} for d in out]}


def status(hall: Hall, row: dict) -> str:
    """booked, checked_in, cancelled, or no_show once the check-in time (start + appointment_late_s) passed."""
    if row["state"] == "booked" and slot_start(row) + timedelta(seconds=hall.config.rules.appointment_late_s) \
            < hall.now():
        return "no_show"
    return row["state"]


def day_list(hall: Hall, rules: AppointmentRules, day: date, zone: str | None) -> dict:
    sql, args = "SELECT * FROM appointments WHERE day = ?", [day.isoformat()]
    if zone:
        check_zone(hall, rules, zone)
        sql += " AND zone = ?"
        args.append(zone)
    rows = [public(r) | {"name": r["name"], "note": r["note"], "status": status(hall, r)}
            for r in hall.store.read().query(sql + " ORDER BY slot_start, id", args)]
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in ("booked", "checked_in", "no_show", "cancelled")}
    return {"date": day.isoformat(), "zone": zone, "appointments": rows, "counts": counts}


def move(hall: Hall, rules: AppointmentRules, keys: KeyStore, appointment_id: int, value: object,
         actor: tuple[str, str]) -> dict:
    """Another slot of the same zone for a booked appointment; the typed code stays, the QR follows the day."""
    row = load(hall.store.read(), appointment_id)
    start = parse_start(hall, value)
    slot = bookable_slot(hall, rules, row["zone"], start)
    with hall.store.write() as db:
        row = load(db, appointment_id)
        if row["state"] != "booked":
            raise Conflict(f"appointment {appointment_id} is {row['state']}; only a booked one moves",
                           code="not_booked")
        if row["slot_start"] == to_iso(slot.start):
            raise Conflict("the appointment is in that slot already", code="same_slot")
        if taken(db, row["zone"], slot.start) >= capacity(db, row["zone"], slot):
            raise Conflict("that slot is full; choose another", code="slot_full")
        db.execute("UPDATE appointments SET slot_start = ?, slot_end = ?, day = ? WHERE id = ? AND state = 'booked'",
                   [to_iso(slot.start), to_iso(slot.end), slot.start.date().isoformat(), appointment_id])
        hall.emit(db, kind="appointment", at=hall.now(), actor=actor,
                  data={"appointment_id": appointment_id, "what": "moved", "from": row["slot_start"],
                        "to": to_iso(slot.start)})
        saved = load(db, appointment_id)
    return public(saved) | codes(hall, keys, saved)


def set_capacity(hall: Hall, rules: AppointmentRules, zone: object, value: object, cap: object,
                 actor: tuple[str, str]) -> dict:
    zone = check_zone(hall, rules, zone if isinstance(zone, str) else None)
    if isinstance(cap, bool) or not isinstance(cap, int) or not 0 <= cap <= MAX_CAPACITY:
        raise BadRequest(f"'capacity' must be a whole number from 0 to {MAX_CAPACITY}", code="bad_field",
                         field="capacity")
    slot = existing_slot(hall, rules, zone, parse_start(hall, value))
    with hall.store.write() as db:
        booked = taken(db, zone, slot.start)
        if cap < booked:
            raise Conflict(f"{booked} appointments are booked in that slot; the capacity cannot go below {booked} "
                           "(move or cancel some first)", code="below_booked", booked=booked)
        db.execute("INSERT OR REPLACE INTO appointment_capacity (zone, slot_start, capacity, updated_at, updated_by)"
                   " VALUES (?,?,?,?,?)", [zone, to_iso(slot.start), cap, to_iso(hall.now()),
                                           f"{actor[0]}:{actor[1]}"])
        hall.emit(db, kind="appointment", at=hall.now(), actor=actor,
                  data={"what": "capacity", "zone": zone, "slot_start": to_iso(slot.start), "capacity": cap})
    return {"zone": zone, "start": slot.start.isoformat(), "end": slot.end.isoformat(), "capacity": cap,
            "booked": booked, "free": cap - booked, "default_capacity": slot.capacity}
