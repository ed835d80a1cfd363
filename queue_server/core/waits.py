"""The one rule for how a wait is put in words, on every screen and paper (pure).

Kiosk tiles and tickets, the Kivy wall display, the web board, the printed ticket and the
server's answers all call `wait_phrase`; the web board runs the same rule in JS
(pages/static/common/waits.js), and both are tested against tests/cases/waits.json.

The rule, in order:
- no window that serves the zone is open: "暂无窗口办理 / no window open" (an estimate would be a guess);
- nobody ahead and a window serving the zone stands idle: "无需等候 / no wait";
- under a minute: "即将叫号 / called soon";
- nobody ahead but every window busy: "下一位 · 约 7 分钟 / next · about 7 min" (until a window frees up);
- otherwise "约 12 分钟 / about 12 min", and above an hour "约 1 小时 27 分钟 / about 1 h 27 min".
Minutes round half up (int((s + 30) / 60)) so Python and JS agree to the second.
"""

from __future__ import annotations

from collections.abc import Mapping

Phrase = tuple[str, str]

NO_WINDOW: Phrase = ("暂无窗口办理", "no window open")
NO_WAIT: Phrase = ("无需等候", "no wait")
SOON: Phrase = ("即将叫号", "called soon")
UNKNOWN: Phrase = ("—", "—")


def duration_phrase(seconds: float) -> Phrase:
    """"约 12 分钟 / about 12 min"; "约 1 小时 27 分钟 / about 1 h 27 min" from an hour on."""
    minutes = max(1, int((seconds + 30) // 60))
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"约 {minutes} 分钟", f"about {minutes} min"
    return (f"约 {hours} 小时" + (f" {rest} 分钟" if rest else ""),
            f"about {hours} h" + (f" {rest} min" if rest else ""))


def wait_phrase(ahead: int, seconds: float | None, *, idle: bool = False, open_: bool = True) -> Phrase:
    """How long a ticket with `ahead` tickets before it waits, as (zh, en).

    `idle`: a window serving the zone is open with nobody at it. `open_`: some window serving it is open.
    For a zone (a kiosk tile, a board line) `ahead` is the number waiting: a new ticket joins behind them.
    """
    if seconds is None:
        return UNKNOWN
    if not open_:
        return NO_WINDOW
    if ahead <= 0 and idle:
        return NO_WAIT
    if seconds < 60:
        return SOON
    zh, en = duration_phrase(seconds)
    if ahead <= 0:
        return f"下一位 · {zh}", f"next · {en}"
    return zh, en


def phrase_of(item: Mapping, ahead_key: str = "waiting") -> Phrase:
    """The phrase for a zone of GET /api/v1/board (ahead_key "waiting") or a ticket answer ("ahead").

    Reads the counts the server adds (`open_windows`, `idle_windows`); a server without them is taken as
    "windows open, none idle", so the estimate alone speaks.
    """
    seconds = item.get("estimated_wait_s")
    return wait_phrase(int(item.get(ahead_key) or 0), None if seconds is None else float(seconds),
                       idle=int(item.get("idle_windows") or 0) > 0,
                       open_=int(item.get("open_windows", 1) or 0) > 0)


def ticket_line(ahead: int, phrase: Phrase) -> Phrase:
    """"前面还有 3 人，预计等候约 12 分钟 / 3 people are ahead of you; expected wait about 12 min" for a ticket
    (screen, paper, phone). Nobody ahead reads "前面没有人 / Nobody is ahead of you", never "0 ahead"."""
    if ahead <= 0:
        people_zh, people_en = "前面没有人", "Nobody is ahead of you"
    else:
        people_zh = f"前面还有 {ahead} 人"
        people_en = "1 person is ahead of you" if ahead == 1 else f"{ahead} people are ahead of you"
    if phrase == UNKNOWN:
        return people_zh, people_en
    if phrase[0].startswith("约"):  # a bare duration reads as an estimate
        return f"{people_zh}，预计等候{phrase[0]}", f"{people_en}; expected wait {phrase[1]}"
    if phrase == SOON:
        return f"{people_zh}，{phrase[0]}", f"{people_en}; you will be called soon"
    return f"{people_zh}，{phrase[0]}", f"{people_en}; {phrase[1]}"
