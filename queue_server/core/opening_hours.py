"""Opening hours: may a walk-in take a number in a zone now, and if not, why and when next. Pure.

The hours are the hall's [opening] sessions (per zone and weekday; 延时服务 evenings are `extended` sessions,
weekend 预约 service `appointments` sessions, which issue no walk-in numbers). Public holidays close the hall;
a 调休 working weekend day keeps the hours of `makeup_day_as`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from queue_server.core.workdays import WorkCalendar
from queue_server.hall_config import WEEKDAYS, Opening, Session

LOOK_AHEAD_DAYS = 40  # the Spring Festival closes a hall for 9 days; nothing closes it this long
WEEKDAY_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
WEEKDAY_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def day_words(day: date, today: date | None) -> tuple[str, str]:
    """今天 / today, 明天 / tomorrow, else 12月7日（周一） / Mon 7 Dec."""
    if day == today:
        return "今天", "today"
    if today is not None and day == today + timedelta(days=1):
        return "明天", "tomorrow"
    wd = day.weekday()
    return f"{day.month}月{day.day}日（{WEEKDAY_ZH[wd]}）", f"{WEEKDAY_EN[wd]} {day.day} {day.strftime('%b')}"


@dataclass(frozen=True)
class Hours:
    """A day's walk-in hours in a zone: from the first opening to the last close, numbers until `last_ticket`."""

    day: date
    open: str
    close: str
    last_ticket: str

    def as_dict(self) -> dict:
        return {"date": self.day.isoformat(), "open": self.open, "close": self.close,
                "last_ticket": self.last_ticket}

    def words(self, today: date) -> tuple[str, str]:
        when_zh, when_en = day_words(self.day, today)
        return (f"{when_zh} {self.open}–{self.close}（{self.last_ticket} 停止取号）",
                f"{when_en} {self.open}–{self.close} (last number {self.last_ticket})")


@dataclass(frozen=True)
class Closed:
    """Why no number now (plain words, Chinese first) and the next walk-in hours."""

    reason_zh: str
    reason_en: str
    next_hours: Hours | None
    today: date

    def details(self) -> dict:
        out = {"reason_zh": self.reason_zh, "reason_en": self.reason_en,
               "next_open": self.next_hours.as_dict() if self.next_hours else None}
        if self.next_hours:
            out["next_zh"], out["next_en"] = self.next_hours.words(self.today)
        return out

    @property
    def message(self) -> str:
        text = f"已停止取号：{self.reason_zh} / No more numbers: {self.reason_en}"
        if self.next_hours:
            zh, en = self.next_hours.words(self.today)
            text += f"。下次取号：{zh} / Next: {en}"
        return text


def sessions_on(opening: Opening, calendar: WorkCalendar, zone: str, day: date,
                walk_in: bool = True) -> list[Session]:
    """The sessions serving `zone` on `day` (none on a public holiday); only walk-in ones when `walk_in`."""
    if calendar.holiday_name(day):
        return []
    key = opening.makeup_day_as if day in calendar.makeup_days else WEEKDAYS[day.weekday()]
    return [s for s in opening.sessions if key in s.days and (not s.zones or zone in s.zones)
            and not (walk_in and s.kind == "appointments")]


def _hours(sessions: list[Session], day: date) -> Hours:
    return Hours(day, min(s.open for s in sessions), max(s.close for s in sessions),
                 max(s.last_ticket or s.close for s in sessions))


def next_hours(opening: Opening, calendar: WorkCalendar, zone: str, after: datetime) -> Hours | None:
    """The next walk-in hours that start after `after` (hall-local time): later today, or a later day."""
    today, hhmm = after.date(), after.strftime("%H:%M")
    later = [s for s in sessions_on(opening, calendar, zone, today) if s.open > hhmm]
    if later:
        return _hours(later, today)
    for n in range(1, LOOK_AHEAD_DAYS + 1):
        day = today + timedelta(days=n)
        sessions = sessions_on(opening, calendar, zone, day)
        if sessions:
            return _hours(sessions, day)
    return None


def may_issue(opening: Opening, calendar: WorkCalendar, zone: str, local: datetime) -> Closed | None:
    """None when a walk-in may take a number in `zone` at hall-local time `local`; else why not and when next."""
    if not opening.enforce:
        return None
    day, hhmm = local.date(), local.strftime("%H:%M")
    today = sessions_on(opening, calendar, zone, day)
    if any(s.open <= hhmm < (s.last_ticket or s.close) for s in today):
        return None
    upcoming = next_hours(opening, calendar, zone, local)
    holiday = calendar.holiday_name(day)
    if holiday:
        zh_name, _, en_name = holiday.partition(" ")
        zh = f"今天是{zh_name}假期，大厅不办公"
        en = f"today is a public holiday ({en_name or zh_name}); the hall is closed"
    elif not today:
        zh, en = "今天大厅不办理现场取号", "the hall issues no numbers today"
    elif hhmm < min(s.open for s in today):
        zh, en = f"尚未开始取号（{min(s.open for s in today)} 开始）", \
            f"numbers are not issued yet (from {min(s.open for s in today)})"
    elif upcoming and upcoming.day == day:
        zh, en = f"暂停取号，{upcoming.open} 恢复", f"numbers are paused until {upcoming.open}"
    else:
        last = max(s.last_ticket or s.close for s in today)
        zh, en = f"今日 {last} 后不再取号", f"the last number today was issued at {last}"
    return Closed(zh, en, upcoming, day)
