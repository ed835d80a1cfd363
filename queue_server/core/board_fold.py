"""What a board shows, folded from board snapshots and live events (pure: no Kivy, no network).

One fold for every board: the Kivy wall display (display/presenter.py) and the kiosk's idle board use
this class; the web board's JS twin (pages/static/board/board_fold.js) is run on the same case table
(tests/cases/board_fold.json) as this module.

    p = BoardFold(history=8)
    p.resync(client.board(), now=time.monotonic())     # on (re)connect: the stream may have missed events
    outcome = p.apply(event, now=time.monotonic())       # each SSE event, applied: no refetch
    for call in outcome.announce: announcer.announce(call.number, call.window)
    view = p.view(now=time.monotonic())                  # what to draw

Events are applied, not answered with a refetch (issue 14 item 5): queue events carry each changed zone's
waiting count and next numbers as absolute values, window events the window's state, zones and staff, and
the open / idle window counts behind the wait phrase are recounted from the windows the board holds. A board
reads a whole snapshot only when its stream (re)opens or after a gap. Ids jump over events the public stream
leaves out (alerts, pickups), so a gap is told by `prev`, the id of the previous public event that every
public event carries: a board that has not seen it (prev > the last id it holds) missed one, and resyncs.

Every event id is folded in once, so a repeated delivery (a reconnect, a resync that
overlaps the stream) never repeats an announcement; a recall is its own event and is
announced again.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field, replace
from datetime import datetime

from queue_server.core.waits import Phrase, wait_phrase

# Kinds that change who waits where or who is free (their events carry the new counts and next numbers).
QUEUE_KINDS = frozenset({"issued", "called", "cancelled", "requeued", "transferred", "finished", "no_show"})
CALL_KINDS = frozenset({"called", "recalled"})
# A call the board missed while offline is still spoken on resync if it is this recent.
LATE_ANNOUNCE_S = 90.0
SEEN_KEEP = 5000


@dataclass(frozen=True)
class Call:
    event_id: int
    number: str
    window: int | None
    zone: str
    kind: str  # called | recalled
    at: str = ""

    @property
    def recall(self) -> bool:
        return self.kind == "recalled"

    @property
    def tag(self) -> tuple[str, str]:
        """The recall tag, bilingual: ("重呼", "Recall") for a recall, empty otherwise."""
        return ("重呼", "Recall") if self.recall else ("", "")

    @property
    def text_zh(self) -> str:
        return f"请 {self.number} 号到 {self.window} 号窗口办理"

    @property
    def text_en(self) -> str:
        return f"Number {self.number}, please go to window {self.window}"


@dataclass(frozen=True)
class ZoneLine:
    zone: str
    prefix: str
    name_zh: str
    name_en: str
    waiting: int
    estimated_wait_s: int
    open_windows: int = 1  # open windows serving the zone, and how many of them idle (from the snapshot)
    idle_windows: int = 0
    next: tuple[str, ...] = ()  # the next numbers dispatch calls in this zone ("请准备 Get ready")

    @property
    def wait(self) -> Phrase:
        return wait_phrase(self.waiting, self.estimated_wait_s, idle=self.idle_windows > 0,
                           open_=self.open_windows > 0)

    @property
    def wait_zh(self) -> str:
        return self.wait[0]

    @property
    def wait_en(self) -> str:
        return self.wait[1]


@dataclass(frozen=True)
class WindowLine:
    number: int
    state: str  # open | paused | closed
    ticket: str | None
    pause_reason: str | None = None
    zones: tuple[str, ...] = ()
    staff_name: str | None = None  # who serves here (shown on the window's screen), with their 工号
    staff_no: str | None = None


@dataclass(frozen=True)
class BoardView:
    hall_zh: str
    hall_en: str
    timezone: str  # the hall's (IANA name): boards show the hall's time, not the device's
    notice_zh: str
    notice_en: str
    current: Call | None
    flashing: bool
    recent: tuple[Call, ...]
    zones: tuple[ZoneLine, ...]
    windows: tuple[WindowLine, ...]
    online: bool
    synced: bool  # a first snapshot has arrived


@dataclass
class Outcome:
    """What one event or snapshot asks of the app: speak these calls, redraw, and (`refresh`) read a fresh
    snapshot, which only a gap in the stream asks for: every event the public stream sends is applied."""

    announce: list[Call] = field(default_factory=list)
    refresh: bool = False
    changed: bool = False


def _iso_seconds(text: str) -> float | None:
    try:
        return datetime.fromisoformat(text).timestamp()
    except (TypeError, ValueError):
        return None


class BoardFold:
    """State of one board. `zones` / `windows` narrow what it shows (None: everything)."""

    def __init__(self, *, zones: list[str] | None = None, windows: list[int] | None = None,
                 history: int = 8, flash_s: float = 6.0):
        if history < 1:
            raise ValueError("history must be at least 1 call")
        self.zone_filter: set[str] | None = set(zones) if zones else None  # codes or prefixes
        self.window_filter: set[int] | None = set(windows) if windows else None
        self.history = history
        self.flash_s = flash_s
        self.hall: dict = {}
        self.calls: list[Call] = []  # newest first
        self.zones: dict[str, ZoneLine] = {}
        self.windows: dict[int, WindowLine] = {}
        self.online = False
        self.synced = False
        self.last_id = 0
        self._seen: set[int] = set()
        self._seen_order: deque[int] = deque()
        self._flash_until = 0.0

    # ---- folding ----
    def resync(self, snapshot: dict, now: float) -> Outcome:
        """A board snapshot (GET /api/v1/board): replaces what is shown, keeps newer live calls."""
        out = Outcome(changed=True)
        self.hall = dict(snapshot.get("hall") or {})
        zones = [_zone_line(z) for z in snapshot.get("zones") or []]
        if self.zone_filter is not None:
            # Learn codes of prefixes ("A" means commerce) from the snapshot the server filtered.
            self.zone_filter |= {z.zone for z in zones if z.prefix in self.zone_filter}
            zones = [z for z in zones if z.zone in self.zone_filter]
        self.zones = {z.zone: z for z in zones}
        self.windows = {w.number: w for w in (_window_line(w) for w in snapshot.get("windows") or [])
                        if self._window_wanted(w.number)}
        self._recount_windows()
        snap_last = int(snapshot.get("last_event_id") or 0)
        snap_now = _iso_seconds(snapshot.get("now", ""))
        incoming = [c for c in (_snapshot_call(c) for c in snapshot.get("calls") or []) if self._call_wanted(c)]
        newer_live = [c for c in self.calls if c.event_id > snap_last]
        fresh = [c for c in incoming if c.event_id not in self._seen]
        if self.synced:
            # Calls made while this board was away: speak the recent ones, oldest first.
            for c in sorted(fresh, key=lambda c: c.event_id):
                at = _iso_seconds(c.at)
                if snap_now is None or at is None or snap_now - at <= LATE_ANNOUNCE_S:
                    out.announce.append(c)
        for c in incoming:
            self._remember(c.event_id)
        merged = {c.event_id: c for c in incoming + newer_live}
        previous_top = self.calls[0].event_id if self.calls else None
        self.calls = sorted(merged.values(), key=lambda c: c.event_id, reverse=True)[: self.history + 1]
        if out.announce and self.calls and self.calls[0].event_id != previous_top:
            self._flash_until = now + self.flash_s
        self.last_id = max(self.last_id, snap_last)
        self.synced = True
        return out

    def apply(self, event_id: int, kind: str, data: dict, now: float) -> Outcome:
        """One live event (id, kind, data as the SSE stream sends them)."""
        out = Outcome()
        if event_id in self._seen:
            return out
        self._remember(event_id)
        prev = data.get("prev")
        out.refresh = self.synced and isinstance(prev, int) and prev > self.last_id  # a gap: read a snapshot
        self.last_id = max(self.last_id, event_id)
        ticket = data.get("ticket") or {}
        window = data.get("window")
        for zone, waiting in (data.get("waiting") or {}).items():
            line = self.zones.get(zone)
            if line is not None and line.waiting != waiting:
                self.zones[zone] = _with_waiting(line, int(waiting))
                out.changed = True
        for zone, numbers in (data.get("next") or {}).items():
            line = self.zones.get(zone)
            if line is not None and tuple(numbers) != line.next:
                self.zones[zone] = replace(line, next=tuple(str(n) for n in numbers))
                out.changed = True
        if kind in CALL_KINDS and ticket.get("number"):
            call = Call(event_id, str(ticket["number"]), window, str(ticket.get("zone") or ""), kind,
                        str(data.get("at") or ""))
            if self._call_wanted(call):
                self.calls = [call, *self.calls][: self.history + 1]
                self._flash_until = now + self.flash_s
                out.announce.append(call)
                out.changed = True
        if isinstance(window, int) and self._window_wanted(window) and self._fold_window(kind, window, ticket, data):
            out.changed = True
            self._recount_windows()
        return out

    def set_online(self, online: bool) -> bool:
        """True when this changed what is shown."""
        changed = online != self.online
        self.online = online
        return changed

    # ---- what to draw ----
    def view(self, now: float) -> BoardView:
        current = self.calls[0] if self.calls else None
        return BoardView(
            hall_zh=self.hall.get("name_zh", ""), hall_en=self.hall.get("name_en", ""),
            timezone=self.hall.get("timezone") or "Asia/Shanghai",
            notice_zh=self.hall.get("notice_zh") or "", notice_en=self.hall.get("notice_en") or "",
            current=current, flashing=current is not None and now < self._flash_until,
            recent=tuple(self.calls[1: self.history + 1]), zones=tuple(self.zones.values()),
            windows=tuple(self.windows[n] for n in sorted(self.windows)),
            online=self.online, synced=self.synced,
        )

    def flash_left(self, now: float) -> float:
        return max(0.0, self._flash_until - now)

    # ---- helpers ----
    def _recount_windows(self) -> None:
        """Open and idle windows per zone (the wait phrase's "no window open" / "no wait"), from the windows
        this board holds: all of them, or all that serve its zones. A window screen holds one: it keeps the
        snapshot's counts (it shows no zones)."""
        if self.window_filter is not None or not any(w.zones for w in self.windows.values()):
            return
        for code, line in self.zones.items():
            serving = [w for w in self.windows.values() if w.state == "open" and code in w.zones]
            idle = sum(1 for w in serving if w.ticket is None)
            if (len(serving), idle) != (line.open_windows, line.idle_windows):
                self.zones[code] = replace(line, open_windows=len(serving), idle_windows=idle)

    def _remember(self, event_id: int) -> None:
        if event_id in self._seen:
            return
        self._seen.add(event_id)
        self._seen_order.append(event_id)
        if len(self._seen_order) > SEEN_KEEP:
            self._seen.discard(self._seen_order.popleft())

    def _call_wanted(self, call: Call) -> bool:
        if self.window_filter is not None and call.window not in self.window_filter:
            return False
        return self.zone_filter is None or call.zone in self.zone_filter

    def _window_wanted(self, number: int) -> bool:
        return self.window_filter is None or number in self.window_filter

    def _fold_window(self, kind: str, number: int, ticket: dict, data: dict) -> bool:
        old = self.windows.get(number)
        if old is None and self.window_filter is None and self.zone_filter is not None:
            return False  # a zone board only lists the windows of its zones (from the snapshot)
        old = old or WindowLine(number, "open", None)
        new = old
        if kind in CALL_KINDS:
            new = replace(old, state="open", ticket=ticket.get("number"), pause_reason=None)
        elif kind in ("finished", "no_show", "transferred"):
            new = replace(old, ticket=None)
        elif kind == "window":
            if isinstance(data.get("zones"), list):
                new = replace(new, zones=tuple(str(z) for z in data["zones"]))
            state = data.get("state")
            if state == "closed":
                new = replace(new, state=state, ticket=None, pause_reason=None, staff_name=None, staff_no=None)
            elif state == "open" and "staff_name" in data:  # signed on: who serves here now
                new = replace(new, state=state, pause_reason=None, staff_name=data.get("staff_name"),
                              staff_no=data.get("staff_no"))
            elif state:
                new = replace(new, state=state, pause_reason=data.get("pause_reason") if state == "paused" else None)
        if new != old:
            self.windows[number] = new
            return True
        return False


def _zone_line(z: dict) -> ZoneLine:
    return ZoneLine(str(z.get("zone", "")), str(z.get("prefix", "")), str(z.get("name_zh", "")),
                    str(z.get("name_en", "")), int(z.get("waiting") or 0), int(z.get("estimated_wait_s") or 0),
                    int(z.get("open_windows", 1) or 0), int(z.get("idle_windows") or 0),
                    tuple(str(n) for n in z.get("next") or ()))


def _with_waiting(line: ZoneLine, waiting: int) -> ZoneLine:
    # Keep the per-person pace of the last estimate until a fresh snapshot brings the real one.
    # Half rounds up (floor(x + 0.5)), as JS Math.round does in the web board's twin.
    pace = line.estimated_wait_s / line.waiting if line.waiting else 0
    estimate = math.floor(pace * waiting + 0.5) if pace else line.estimated_wait_s if waiting else 0
    return replace(line, waiting=waiting, estimated_wait_s=estimate)


def _window_line(w: dict) -> WindowLine:
    return WindowLine(int(w["number"]), str(w.get("state") or "closed"), w.get("ticket"), w.get("pause_reason"),
                      tuple(str(z) for z in w.get("zones") or ()), w.get("staff_name"), w.get("staff_no"))


def _snapshot_call(c: dict) -> Call:
    return Call(int(c["id"]), str(c["number"]), c.get("window"), str(c.get("zone") or ""),
                str(c.get("kind") or "called"), str(c.get("at") or ""))
