"""What the server's opening status (GET /api/v1/opening) means on the kiosk, as plain data: which zone tiles show
as closed and with what words, the one line home shows when every zone is closed, and when the status can next
change (so the kiosk looks again then, not all the time). Pure: no Kivy, no network.

The server stays the authority: a number refused with 409 `closed` is worded by the same `closed_state`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from kiosk.texts import TEXT, Text
from queue_server.core.opening_hours import day_words

Closed = tuple[Text, Text, Text | None]  # headline, the plain reason, the next hours: each (zh, en)


@dataclass(frozen=True)
class ZoneOpening:
    """One zone as its home tile shows it."""

    issuing: bool = True
    line: Text = ("", "")  # closed: "已停止取号 · 明天 09:00 起" / "No more numbers · from 09:00 tomorrow"
    closed: Closed | None = None  # closed: what a tap on the tile says (the words of the 409 answer)


OPEN = ZoneOpening()


def closed_state(body: dict) -> Closed:
    """The server's `closed` answer (a 409, or a zone of the opening status) as the kiosk words it."""
    reason = (body.get("reason_zh") or "", body.get("reason_en") or "")
    nxt = (f"下次取号：{body['next_zh']}", f"Next: {body['next_en']}") if body.get("next_zh") else None
    return TEXT["no_more_numbers"], reason, nxt


def closed_text(closed: Closed) -> Text:
    """One notice: 已停止取号 / No more numbers today, why, and when numbers are issued next."""
    headline, reason, nxt = closed
    zh = f"{headline[0]}：{reason[0]}" + (f"。{nxt[0]}" if nxt else "")
    en = f"{headline[1]}: {reason[1]}" + (f". {nxt[1]}" if nxt else "")
    return zh, en


def status_day(status: dict) -> date | None:
    try:
        return date.fromisoformat(status["date"])
    except (KeyError, TypeError, ValueError):
        return None


def from_words(next_open: dict | None, today: date | None) -> Text:
    """"明天 08:30 起" / "from 08:30 tomorrow": when numbers start again, short enough for a tile."""
    if not next_open:
        return TEXT["no_hours_ahead"]
    at = next_open.get("open", "")
    try:
        day = date.fromisoformat(next_open["date"])
    except (KeyError, TypeError, ValueError):
        return f"{at} 起", f"from {at}"
    when_zh, when_en = day_words(day, today)
    if when_en in ("today", "tomorrow"):
        return f"{when_zh} {at} 起", f"from {at} {when_en}"
    return f"{when_zh}{at} 起", f"from {at} on {when_en}"


def zone_opening(status: dict | None, code: str) -> ZoneOpening:
    """A zone's tile state; a zone the status does not name (or no status yet) shows as issuing."""
    zone = ((status or {}).get("zones") or {}).get(code)
    if not zone or zone.get("issuing", True):
        return OPEN
    when_zh, when_en = from_words(zone.get("next_open"), status_day(status or {}))
    headline_zh, headline_en = TEXT["zone_closed"]
    return ZoneOpening(False, (f"{headline_zh} · {when_zh}", f"{headline_en} · {when_en}"), closed_state(zone))


def all_closed_line(status: dict | None, codes: list[str]) -> Text | None:
    """Home's one line when none of `codes` issues numbers: 今日已停止取号 and when numbers start again;
    before the day's first opening it says numbers are not issued yet. None when any zone issues."""
    zones = (status or {}).get("zones") or {}
    shown = [zones[c] for c in codes if c in zones]
    if not shown or len(shown) < len(codes) or any(z.get("issuing", True) for z in shown):
        return None
    upcoming = sorted((z["next_open"] for z in shown if z.get("next_open")),
                      key=lambda n: (n.get("date", ""), n.get("open", "")))
    today = status_day(status or {})
    first = upcoming[0] if upcoming else None
    later_today = first is not None and first.get("date") == (today.isoformat() if today else None)
    head_zh, head_en = TEXT["not_yet_today" if later_today else "all_closed"]
    if first is None:
        return head_zh, head_en
    when_zh, when_en = from_words(first, today)
    return f"{head_zh} · {when_zh}恢复取号", f"{head_en} · numbers again {when_en}"


def seconds_to_change(status: dict | None) -> float | None:
    """Seconds from the status's own `now` (the hall's clock) to the earliest moment it can change: a zone's
    opening or last-number time today, the next opening, or midnight (the words "明天" become "今天").
    None when the status does not say its time."""
    try:
        now = datetime.fromisoformat((status or {})["now"])
    except (KeyError, TypeError, ValueError):
        return None
    moments = [datetime.combine(now.date() + timedelta(days=1), time(0), now.tzinfo)]
    for zone in ((status or {}).get("zones") or {}).values():
        for session in zone.get("today") or []:
            for key in ("open", "last_ticket"):
                moments.append(_at(now, now.date().isoformat(), session.get(key)))
        upcoming = zone.get("next_open") or {}
        moments.append(_at(now, upcoming.get("date"), upcoming.get("open")))
    ahead = [m for m in moments if m is not None and m > now]
    return min((m - now).total_seconds() for m in ahead)


def _at(now: datetime, day: str | None, hhmm: str | None) -> datetime | None:
    """The hall-local moment `day` `hh:mm`, in `now`'s zone; None when either is missing or unreadable."""
    try:
        return datetime.combine(date.fromisoformat(day or ""), time.fromisoformat(hhmm or ""), now.tzinfo)
    except ValueError:
        return None
