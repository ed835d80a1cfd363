"""Promised dates and how late a case is, in working days on the hall calendar. Pure.

A case accepted on day A with a promise of N working days is due on the N-th working day after A (A itself
never counts, as in the guides: "5个工作日"). It turns yellow once the working days gone reach the warning share
of N, red the first day after the due date. Supply under 容缺 works the same with its own deadline.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from queue_server.core.workdays import WorkCalendar


def promised_date(calendar: WorkCalendar, accepted: date, working_days: int) -> date:
    """0 working days (即办) is the day itself."""
    return calendar.add_working_days(accepted, working_days) if working_days > 0 else accepted


def working_days_between(calendar: WorkCalendar, start: date, end: date) -> int:
    """Working days in (start, end]: how many of the promised days have gone by `end`."""
    n, day = 0, start
    while day < end:
        day += timedelta(days=1)
        n += calendar.is_working_day(day)
    return n


def level(calendar: WorkCalendar, accepted: date, due: date, today: date, warn_percent: int) -> str:
    """"red" after the due date, "yellow" from the warning share of the working days on, else "ok"."""
    if today > due:
        return "red"
    total = working_days_between(calendar, accepted, due)
    if total == 0:
        return "ok"
    gone = working_days_between(calendar, accepted, today)
    return "yellow" if gone >= math.ceil(total * warn_percent / 100) else "ok"


def late_by(calendar: WorkCalendar, due: date, today: date) -> int:
    """Working days past the due date (0 when not late)."""
    return working_days_between(calendar, due, today) if today > due else 0
