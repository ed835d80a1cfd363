"""Booking and cancelling appointments (the online platform), and what is free in a zone on a day."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, time, timedelta

from sqlite_utils import Database

from queue_server.appointments.config import AppointmentRules
from queue_server.appointments.slots import Slot, find_slot, is_closed, slots_for
from queue_server.clock import check_day, from_iso, to_iso
from queue_server.clock import parse_day as parse_client_day
from queue_server.codes.keyfile import KeyStore
from queue_server.core import signed_codes
from queue_server.errors import BadRequest, Conflict
from queue_server.hall import Hall
from queue_server.storage.rows import get_row

TAKEN = ("booked", "checked_in")  # states that hold a place in a slot


def parse_day(hall: Hall, text: str | None) -> date:
    if not text:
        return hall.now().astimezone(hall.config.tz).date()
    return parse_client_day(text, "date")


def check_zone(hall: Hall, rules: AppointmentRules, zone: str | None) -> str:
    if not zone:
        raise BadRequest(f"give a zone; bookable zones are {', '.join(rules.zones)}", code="missing_field")
    if zone not in hall.config.zone_codes():
        raise BadRequest(f"unknown zone {zone!r}", code="unknown_zone")
    if zone not in rules.zones:
        raise BadRequest(f"zone {zone!r} takes no appointments; bookable zones are {', '.join(rules.zones)}",
                         code="not_bookable")
    return zone


def taken(db: Database, zone: str, start: datetime) -> int:
    return db.execute("SELECT count(*) FROM appointments WHERE zone = ? AND slot_start = ? AND state IN (?, ?)",
                      [zone, to_iso(start), *TAKEN]).fetchone()[0]


def capacity(db: Database, zone: str, slot: Slot) -> int:
    """The slot's capacity: the desk's change if any (appointment_capacity), else appointments.toml's."""
    row = db.execute("SELECT capacity FROM appointment_capacity WHERE zone = ? AND slot_start = ?",
                     [zone, to_iso(slot.start)]).fetchone()
    return row[0] if row else slot.capacity


def availability(hall: Hall, rules: AppointmentRules, zone: str, day: date) -> dict:
    zone = check_zone(hall, rules, zone)
    db = hall.store.read()
    now = hall.now()
    out = []
    for s in slots_for(rules, zone, day, hall.config.tz):
        booked = taken(db, zone, s.start)
        cap = capacity(db, zone, s)
        out.append({"start": s.start.isoformat(), "end": s.end.isoformat(), "capacity": cap,
                    "booked": booked, "free": max(cap - booked, 0), "bookable": s.start > now})
    return {"zone": zone, "date": day.isoformat(), "closed": is_closed(rules, day), "slots": out}


def parse_start(hall: Hall, value: object) -> datetime:
    if not isinstance(value, str):
        raise BadRequest("'slot_start' is required: the slot's start like 2026-11-24T09:30 (hall time)",
                         code="missing_field")
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"'slot_start' {value!r} is not like 2026-11-24T09:30", code="bad_field") from None
    check_day(at.date(), "'slot_start'")  # within the days a hall can reckon with
    return at if at.tzinfo else at.replace(tzinfo=hall.config.tz)


def existing_slot(hall: Hall, rules: AppointmentRules, zone: str, start: datetime) -> Slot:
    """The slot of the zone starting then, or 409 closed (holiday) / 400 no_such_slot."""
    tz = hall.config.tz
    if is_closed(rules, start.astimezone(tz).date()):
        raise Conflict(f"the hall is closed on {start.astimezone(tz).date()} (public holiday)", code="closed")
    slot = find_slot(rules, zone, start, tz)
    if slot is None:
        raise BadRequest(f"there is no {rules.slot_minutes}-minute slot of zone {zone} starting at "
                         f"{start.astimezone(tz):%Y-%m-%d %H:%M}; GET /api/v1/appointments/slots lists them",
                         code="no_such_slot")
    return slot


def bookable_slot(hall: Hall, rules: AppointmentRules, zone: str, start: datetime) -> Slot:
    """As existing_slot, and not started yet and within the days that may be booked (409 otherwise)."""
    now, tz = hall.now(), hall.config.tz
    slot = existing_slot(hall, rules, zone, start)
    if slot.start <= now:
        raise Conflict("that slot has already started; choose a later one", code="slot_past")
    if slot.start.date() > (now.astimezone(tz) + timedelta(days=rules.days_ahead)).date():
        raise Conflict(f"bookings open {rules.days_ahead} days ahead; choose an earlier day", code="too_far_ahead")
    return slot


def book(hall: Hall, rules: AppointmentRules, keys: KeyStore, body: dict, actor: tuple[str, str]) -> dict:
    zone = check_zone(hall, rules, body.get("zone") if isinstance(body.get("zone"), str) else None)
    start = parse_start(hall, body.get("slot_start"))
    matter = body.get("matter")
    if matter is not None:
        try:
            if hall.config.matter(matter).zone != zone:
                raise BadRequest(f"matter {matter} is not served in zone {zone}", code="matter_zone_mismatch")
        except (KeyError, TypeError):
            raise BadRequest(f"unknown matter {matter!r}", code="unknown_matter") from None
    name, ref, note = body.get("name"), body.get("ref"), body.get("note")
    for label, value in (("name", name), ("ref", ref), ("note", note)):
        if value is not None and (not isinstance(value, str) or not value.strip() or len(value) > 64):
            raise BadRequest(f"{label!r} must be text of 1-64 characters", code="bad_field")
    now = hall.now()
    slot = bookable_slot(hall, rules, zone, start)
    with hall.store.write() as db:
        if ref and (old := db.execute("SELECT id FROM appointments WHERE ref = ?", [ref]).fetchone()):
            raise Conflict(f"booking {ref!r} exists already (appointment {old[0]})", code="duplicate", id=old[0])
        if taken(db, zone, slot.start) >= capacity(db, zone, slot):  # counted inside the write lock: never overbooked
            raise Conflict("that slot is full; choose another", code="slot_full")
        row = {"zone": zone, "matter": matter, "day": slot.start.date().isoformat(),
               "slot_start": to_iso(slot.start), "slot_end": to_iso(slot.end), "name": name, "ref": ref,
               "note": note,
               "state": "booked", "created_at": to_iso(now), "created_by": f"{actor[0]}:{actor[1]}"}
        appointment_id = db["appointments"].insert(row).last_pk
        secret = keys.ring().code_secret
        for nonce in range(50):
            code = signed_codes.typed_code(secret, kind="appointment", object_id=appointment_id, nonce=nonce)
            try:
                db.execute("UPDATE appointments SET code_hash = ?, code_nonce = ? WHERE id = ?",
                           [signed_codes.code_hash(secret, code), nonce, appointment_id])
                break
            except sqlite3.IntegrityError:
                continue
        saved = load(db, appointment_id)
    return public(saved) | codes(hall, keys, saved)


def codes(hall: Hall, keys: KeyStore, row: dict) -> dict:
    ring = keys.ring()
    code = signed_codes.typed_code(ring.code_secret, kind="appointment", object_id=row["id"], nonce=row["code_nonce"])
    day = date.fromisoformat(row["day"])
    until = datetime.combine(day, time(23, 59, 59), hall.config.tz)  # the QR is good for the booked day only
    qr = signed_codes.sign(ring, kind="appointment", hall=hall.config.code, object_id=row["id"], expires_at=until)
    return {"code": signed_codes.display_code(code), "qr": qr}


def load(db: Database, appointment_id: int) -> dict:
    return get_row(db, "appointments", appointment_id, code="appointment_not_found",
                   message=f"no appointment with id {appointment_id}")


def public(row: dict) -> dict:
    out = {k: row[k] for k in ("id", "zone", "matter", "day", "state", "ref", "created_at", "cancelled_at",
                               "checked_in_at", "checkin_kiosk", "ticket_id", "ticket_number")}
    out["slot_start"] = row["slot_start"]
    out["slot_end"] = row["slot_end"]
    out["late"] = bool(row["late"])
    return out


def cancel(hall: Hall, appointment_id: int, actor: tuple[str, str]) -> dict:
    with hall.store.write() as db:
        row = load(db, appointment_id)
        if row["state"] == "checked_in":
            raise Conflict("this appointment is checked in already; cancel the ticket instead",
                           code="checked_in")
        if row["state"] == "booked":
            db.execute("UPDATE appointments SET state = 'cancelled', cancelled_at = ?, cancelled_by = ? WHERE id = ?",
                       [to_iso(hall.now()), f"{actor[0]}:{actor[1]}", appointment_id])
        return public(load(db, appointment_id))


def slot_start(row: dict) -> datetime:
    return from_iso(row["slot_start"])
