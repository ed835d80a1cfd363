"""Working days (pure): a 差评 follow-up is overdue after a number of working days (Monday to Friday)."""

from __future__ import annotations

from datetime import date, timedelta

FOLLOWUP_WORKING_DAYS = 2  # 差评 follow-ups are due within two working days of the rating


def add_working_days(start: date, n: int) -> date:
    day = start
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def is_overdue(opened: date, today: date, n: int = FOLLOWUP_WORKING_DAYS) -> bool:
    return today > add_working_days(opened, n)
