"""Time source. Every timestamp is a full aware UTC datetime; tests inject their own clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


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
