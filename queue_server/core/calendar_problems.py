"""The dashboard's "problems now" for a calendar that does not cover the days ahead. Pure.

Without a year's file (config/calendar/<year>.toml) that year's public holidays count as working days and its
调休 weekend days as days off: the opening hours, the kiosks' "closed today" and every deadline counted in
working days go wrong without a word. So the dashboard says it, loudly for the current year (600: after a
dropped device, before a stale call), gently in December for the next one (60: the State Council publishes the
next year's arrangement in November, the hall has the month to add it).
"""

from __future__ import annotations

from datetime import date

from queue_server.core.workdays import WorkCalendar

NEXT_YEAR_NOTICE_MONTH = 12


def calendar_problems(calendar: WorkCalendar, today: date) -> list[dict]:
    out = []
    if today.year not in calendar.years:
        out.append(_missing(today.year, score=600, level="red",
                            zh_why="今年的法定节假日和调休未载入，开放时间和工作日期限按普通周末计算",
                            en_why="this year's public holidays and 调休 days are not loaded: opening hours and "
                                   "working-day deadlines treat them as plain weekdays and weekends"))
    if today.month >= NEXT_YEAR_NOTICE_MONTH and today.year + 1 not in calendar.years:
        out.append(_missing(today.year + 1, score=60, level="amber",
                            zh_why="明年的节假日安排尚未载入（国务院通常于 11 月公布）",
                            en_why="next year's holiday arrangement is not loaded yet (the State Council publishes "
                                   "it in November)"))
    return out


def _missing(year: int, score: int, level: str, zh_why: str, en_why: str) -> dict:
    path = f"config/calendar/{year}.toml"
    return {"kind": "calendar_missing", "score": score, "level": level, "year": year,
            "zh": f"{year} 年日历缺失：{zh_why}。请按国务院办公厅通知添加 {path}（可复制上一年的文件修改）",
            "en": f"No {year} calendar: {en_why}. Add {path} from the State Council's notice "
                  "(copy the previous year's file and edit it)",
            "action": None}
