"""Reads the hall calendar: one TOML file per year under config/calendar/ (holidays and 调休 working days).

A file is edited by hand when the State Council publishes the next year's arrangement (usually in November),
or when a city adds its own closed days. A mistake stops start-up with the file and key named.
"""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from pathlib import Path

from queue_server.core.workdays import WorkCalendar
from queue_server.hall_config import ConfigError

DEFAULT_CALENDAR_DIR = Path(__file__).resolve().parent.parent / "config" / "calendar"


def _day(value: object, where: str) -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    raise ConfigError(f"{where}: expected a date such as 2026-10-01 (no quotes), got {value!r}")


def parse_year(data: dict, where: str) -> tuple[int, dict[date, str], dict[date, str]]:
    """(year, holidays, makeup days) of one calendar file's data."""
    unknown = sorted(set(data) - {"year", "source", "holidays", "workdays"})
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}")
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise ConfigError(f"{where}.year: expected the year, e.g. 2026")
    holidays: dict[date, str] = {}
    for i, h in enumerate(data.get("holidays", [])):
        at = f"{where}.holidays[{i}]"
        if not isinstance(h, dict) or not isinstance(h.get("name"), str):
            raise ConfigError(f"{at}: expected a table with name, from, to")
        first, last = _day(h.get("from"), f"{at}.from"), _day(h.get("to", h.get("from")), f"{at}.to")
        if last < first:
            raise ConfigError(f"{at}.to: {last} is before from {first}")
        day = first
        while day <= last:
            holidays[day] = h["name"]
            day += timedelta(days=1)
    makeup: dict[date, str] = {}
    for i, w in enumerate(data.get("workdays", [])):
        at = f"{where}.workdays[{i}]"
        if not isinstance(w, dict) or not isinstance(w.get("name"), str):
            raise ConfigError(f"{at}: expected a table with date and name")
        day = _day(w.get("date"), f"{at}.date")
        if day.weekday() < 5:
            raise ConfigError(f"{at}.date: {day} is a weekday; only a weekend day can be a 调休 working day")
        makeup[day] = w["name"]
    for day in list(holidays) + list(makeup):
        if day.year != year:
            raise ConfigError(f"{where}: {day} is not in {year}")
    both = sorted(set(holidays) & set(makeup))
    if both:
        raise ConfigError(f"{where}: {both[0]} is both a holiday and a working day")
    return year, holidays, makeup


def load_calendar(folder: str | Path | None) -> WorkCalendar:
    """Every `YYYY.toml` of the folder; a missing folder is a calendar of plain weekends."""
    holidays: dict[date, str] = {}
    makeup: dict[date, str] = {}
    years = []
    folder = Path(folder) if folder else DEFAULT_CALENDAR_DIR
    for path in sorted(folder.glob("[0-9][0-9][0-9][0-9].toml")) if folder.is_dir() else []:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise ConfigError(f"{path}: not valid TOML: {e}") from None
        year, h, m = parse_year(data, path.name)
        if path.stem != str(year):
            raise ConfigError(f"{path}: says year = {year}; name the file {year}.toml")
        holidays.update(h)
        makeup.update(m)
        years.append(year)
    return WorkCalendar(holidays=holidays, makeup_days=makeup, years=tuple(years))
