"""Slots of a zone on a day, and where a moment falls around a slot. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from queue_server.appointments.config import AppointmentRules


@dataclass(frozen=True)
class Slot:
    start: datetime  # aware, hall time
    end: datetime
    capacity: int


def is_closed(rules: AppointmentRules, day: date) -> bool:
    return day in rules.holidays


def slots_for(rules: AppointmentRules, zone: str, day: date, tz: ZoneInfo) -> list[Slot]:
    """Every slot of the zone that day (none on holidays); a 调休 working weekend uses Monday's hours."""
    schedule = rules.zones.get(zone)
    if schedule is None or is_closed(rules, day):
        return []
    weekday = 0 if day in rules.workdays else day.weekday()
    step = timedelta(minutes=rules.slot_minutes)
    out = []
    for hours in schedule.days.get(weekday, ()):
        at = datetime.combine(day, hours.start, tz)
        end = datetime.combine(day, hours.end, tz)
        while at < end:
            out.append(Slot(at, at + step, hours.capacity))
            at += step
    return out


def find_slot(rules: AppointmentRules, zone: str, start: datetime, tz: ZoneInfo) -> Slot | None:
    local = start.astimezone(tz)
    for slot in slots_for(rules, zone, local.date(), tz):
        if slot.start == local:
            return slot
    return None


def arrival(now: datetime, slot_start: datetime, *, early_s: int, late_s: int) -> str:
    """"early" before start − early_s; "on_time" up to and including start + late_s; "late" after."""
    if now < slot_start - timedelta(seconds=early_s):
        return "early"
    if now <= slot_start + timedelta(seconds=late_s):
        return "on_time"
    return "late"
