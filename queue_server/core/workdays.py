"""The hall's working-day calendar: weekends off, public holidays off, 调休 weekend days worked. Pure.

Used for deadlines counted in working days (the 差评 follow-up, promised dates) and for opening hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class WorkCalendar:
    """`holidays`: day -> its name (closed even on a weekday); `makeup_days`: a weekend day worked (调休上班)."""

    holidays: dict[date, str] = field(default_factory=dict)
    makeup_days: dict[date, str] = field(default_factory=dict)
    years: tuple[int, ...] = ()  # the years the calendar files cover (others: plain weekends only)

    def is_working_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        if day in self.makeup_days:
            return True
        return day.weekday() < 5

    def holiday_name(self, day: date) -> str | None:
        return self.holidays.get(day)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (n >= 1; `start` itself is never counted)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        day = start
        while n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def next_working_day(self, day: date) -> date:
        """`day` if it is a working day, else the next one."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day
