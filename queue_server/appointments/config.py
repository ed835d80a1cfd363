"""The appointment schedule (config/appointments.toml). Pure: TOML in, frozen dataclasses out, or ConfigError."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path

from queue_server.hall_config import ConfigError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FILE_NAME = "appointments.toml"
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Hours:
    start: time
    end: time
    capacity: int


@dataclass(frozen=True)
class ZoneSchedule:
    zone: str
    days: dict[int, tuple[Hours, ...]] = field(hash=False)  # weekday (0 = Monday) → opening hours


@dataclass(frozen=True)
class AppointmentRules:
    slot_minutes: int = 30
    days_ahead: int = 14
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    zones: dict[str, ZoneSchedule] = field(default_factory=dict, hash=False)


def _time(value: object, where: str) -> time:
    if not isinstance(value, str) or not _HHMM.match(value):
        raise ConfigError(f"{where}: expected a time like \"09:30\", got {value!r}")
    h, m = value.split(":")
    return time(int(h), int(m))


def _dates(value: object, where: str) -> frozenset[date]:
    if not isinstance(value, list):
        raise ConfigError(f"{where}: expected a list of dates like \"2026-10-01\"")
    out = set()
    for i, v in enumerate(value):
        try:
            out.add(v if isinstance(v, date) else date.fromisoformat(v))
        except (TypeError, ValueError):
            raise ConfigError(f"{where}[{i}]: {v!r} is not a date like \"2026-10-01\"") from None
    return frozenset(out)


def _hours(value: object, where: str, slot_minutes: int) -> tuple[Hours, ...]:
    if not isinstance(value, list):
        raise ConfigError(f"{where}: expected a list of {{ from = \"09:00\", to = \"12:00\", capacity = 4 }}")
    out: list[Hours] = []
    for i, item in enumerate(value):
        w = f"{where}[{i}]"
        if not isinstance(item, dict) or set(item) != {"from", "to", "capacity"}:
            raise ConfigError(f"{w}: expected exactly from, to and capacity")
        h = Hours(_time(item["from"], f"{w}.from"), _time(item["to"], f"{w}.to"), item["capacity"])
        if isinstance(h.capacity, bool) or not isinstance(h.capacity, int) or h.capacity < 1:
            raise ConfigError(f"{w}.capacity: expected a whole number of at least 1, got {h.capacity!r}")
        minutes = (h.end.hour * 60 + h.end.minute) - (h.start.hour * 60 + h.start.minute)
        if minutes <= 0 or minutes % slot_minutes:
            raise ConfigError(f"{w}: {item['from']}-{item['to']} must be a whole number of "
                              f"{slot_minutes}-minute slots")
        if out and h.start < out[-1].end:
            raise ConfigError(f"{w}: overlaps or comes before the hours listed before it")
        out.append(h)
    return tuple(out)


def parse_rules(data: dict, zone_codes: list[str]) -> AppointmentRules:
    top = data.get("appointments")
    if top is None:
        raise ConfigError("[appointments]: missing")
    if not isinstance(top, dict):
        raise ConfigError("appointments: expected a table")
    unknown = sorted(set(top) - {"slot_minutes", "days_ahead", "holidays", "workdays", "zones"})
    if unknown:
        raise ConfigError(f"appointments: unknown key(s) {', '.join(unknown)}")
    slot = top.get("slot_minutes", 30)
    if slot not in (15, 20, 30, 60):
        raise ConfigError(f"appointments.slot_minutes: must be 15, 20, 30 or 60, got {slot!r}")
    ahead = top.get("days_ahead", 14)
    if isinstance(ahead, bool) or not isinstance(ahead, int) or not 0 <= ahead <= 366:
        raise ConfigError(f"appointments.days_ahead: expected 0-366, got {ahead!r}")
    zones: dict[str, ZoneSchedule] = {}
    raw_zones = top.get("zones", {})
    if not isinstance(raw_zones, dict):
        raise ConfigError("appointments.zones: expected tables [appointments.zones.<zone code>]")
    for code, raw in raw_zones.items():
        where = f"appointments.zones.{code}"
        if code not in zone_codes:
            raise ConfigError(f"{where}: unknown zone {code!r}; the hall's zones are {', '.join(zone_codes)}")
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: expected a table")
        unknown = sorted(set(raw) - {"workdays", *WEEKDAYS})
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} (use workdays, mon ... sun)")
        base = _hours(raw.get("workdays", []), f"{where}.workdays", slot)
        days = {i: base for i in range(5)}
        for i, name in enumerate(WEEKDAYS):
            if name in raw:
                days[i] = _hours(raw[name], f"{where}.{name}", slot)
        zones[code] = ZoneSchedule(zone=code, days={k: v for k, v in days.items() if v})
    return AppointmentRules(slot_minutes=slot, days_ahead=ahead,
                            holidays=_dates(top.get("holidays", []), "appointments.holidays"),
                            workdays=_dates(top.get("workdays", []), "appointments.workdays"), zones=zones)


def load_rules(folder: str | Path, zone_codes: list[str]) -> AppointmentRules | None:
    """The rules in <folder>/appointments.toml, or None when the hall takes no appointments (no file)."""
    path = Path(folder) / FILE_NAME
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        return None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    try:
        return parse_rules(data, zone_codes)
    except ConfigError as e:
        raise ConfigError(f"{path}: {e}") from None
