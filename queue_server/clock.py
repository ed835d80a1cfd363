"""Time source. Every timestamp is a full aware UTC datetime; tests inject their own clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from queue_server.errors import BadRequest

Clock = Callable[[], datetime]
# Days a client may ask about: wide enough for any hall's history, narrow enough that a day plus one,
# or its midnight in any time zone, is still a datetime (9999-12-31 + 1 day is not).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)


def system_clock() -> datetime:
    return datetime.now(UTC)


def to_iso(dt: datetime) -> str:
    """Stored form: ISO 8601 in UTC with microseconds (sorts as text, parses exactly)."""
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def epoch(text: str | None) -> float | None:
    """Seconds since 1970 of a stored timestamp, or None for none."""
    return from_iso(text).timestamp() if text else None


def parse_day(text: str, name: str = "date") -> date:
    """A day a client sent (YYYY-MM-DD, FIRST_DAY..LAST_DAY), or a BadRequest that says what to send."""
    try:
        day = date.fromisoformat(text)
    except (ValueError, TypeError):
        raise BadRequest(f"{name} must look like 2026-11-22 (YYYY-MM-DD)", code="bad_date") from None
    return check_day(day, name)


def check_day(day: date, name: str = "date") -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise BadRequest(f"{name} must be a day from {FIRST_DAY} to {LAST_DAY}", code="bad_date")
    return day


class FixedClock:
    """A clock that only moves when told to (tests and the simulator)."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        from datetime import timedelta

        self.now = self.now + timedelta(seconds=seconds)
        return self.now
