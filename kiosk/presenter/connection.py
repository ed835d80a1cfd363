"""The server link: the hall's layout, the live board, whether the server answers, and retrying when not.

The board is read whole once, then kept current by the event stream (`apply_event`): an issued or called
event carries its zone's new waiting count, calls and window changes are folded in, and only a gap (a count
that does not follow from the last one, an event the tiles cannot fold) or a reconnect reads it again.
"""

from __future__ import annotations

import copy
import logging
import math
from collections.abc import Callable

from hall_client.client import ApiError, ServerUnreachable
from kiosk.presenter.shared import Shared
from kiosk.texts import Text
from kiosk.ticket_info import find

log = logging.getLogger(__name__)
CALLS_KEPT = 10  # as many recent calls as the server's board sends
CALL_KINDS = ("called", "recalled")
FREES_WINDOW = ("finished", "no_show", "transferred")  # the window's ticket is done: it stands idle
# Kinds that change who waits without carrying the new counts: the tiles cannot fold them, so read again.
REREAD_KINDS = ("cancelled", "requeued", "transferred")
COUNT_STEP = {"issued": 1, "called": -1}  # how each kind moves its zone's waiting count


class Connection:
    def __init__(self, shared: Shared) -> None:
        self.shared = shared
        self.hall: dict | None = None
        self.board: dict | None = None
        self.server_up = False
        self._next_retry = 0.0
        self._loading = False
        self._next_board = 0.0
        self._board_loading = False
        self.streaming = False  # the event stream keeps the board current: no polling
        self.last_event_id = 0
        self.rereads = 0  # whole-board reads asked for by events (a gap, an unfoldable kind)
        self._reload = False  # the configuration changed while the hall was loading: load it once more
        # The hall was (re)loaded or the server came back: parts that keep their own copy of server state (the
        # opening hours) read it again. The facade sets it.
        self.on_up: Callable[[], None] = lambda: None

    @property
    def ready(self) -> bool:
        """Numbers can be taken: the hall is known and the server answers."""
        return self.server_up and self.hall is not None

    @property
    def hall_name(self) -> Text:
        config = self.shared.config
        if config.hall_name_zh:
            return config.hall_name_zh, config.hall_name_en
        if self.hall:
            return self.hall.get("name_zh", ""), self.hall.get("name_en", "")
        return "政务服务大厅", "Government Service Hall"

    @property
    def printed_hall_name(self) -> Text | None:
        """The device file's hall name for the ticket; None lets the ticket use the server's."""
        return self.hall_name if self.shared.config.hall_name_zh else None

    def load_hall(self) -> None:
        if self._loading:
            self._reload = True
            return
        self._loading = True

        def done(hall: dict) -> None:
            self._loading = False
            self.hall = hall
            if self._reload:
                self._reload = False
                self.load_hall()
            self.server_up = True
            self.refresh_board()
            self.on_up()
            self.shared.changed()

        def failed(error: Exception) -> None:
            self._loading = False
            self._reload = False
            self.lost(error)

        self.shared.runner.run("net", self.shared.client.hall, done, failed)

    def refresh_board(self) -> None:
        if self._board_loading:
            return
        self._board_loading = True
        self._next_board = self.shared.clock() + self.shared.config.board_poll_s

        def done(board: dict) -> None:
            self._board_loading = False
            self.set_board(board)

        def failed(error: Exception) -> None:
            self._board_loading = False
            self.lost(error)

        self.shared.runner.run("board", self.shared.client.board, done, failed)

    def set_board(self, board: dict) -> None:
        """A board snapshot (from a poll or the event stream's resync)."""
        self.board = copy.deepcopy(board)  # its own copy: events are folded into it
        self.last_event_id = int(board.get("last_event_id") or 0)  # a restarted server counts from its own
        if not self.server_up:
            self.server_up = True
            if self.hall is None:
                self.load_hall()  # calls on_up when loaded
            else:
                self.on_up()
        self.shared.changed()

    def server_status(self, up: bool) -> None:
        """The event stream connected (True) or lost the server (False)."""
        self.streaming = up
        if up == self.server_up:
            return
        if up:
            self.server_up = True
            if self.hall is None:
                self.load_hall()  # calls on_up when loaded
            else:
                self.on_up()
            self.refresh_board()
        else:
            self.server_up = False
            self._next_retry = self.shared.clock() + self.shared.config.retry_s
        self.shared.changed()

    def lost(self, error: Exception) -> None:
        """A request failed: if the server did not answer, pause ticketing until a retry gets through."""
        log.info("server: %s", getattr(error, "message", error))
        if isinstance(error, ApiError) and not isinstance(error, ServerUnreachable):
            return  # it answered: it is up, the request was refused (shown where it happened)
        self.server_up = False
        self._next_retry = self.shared.clock() + self.shared.config.retry_s
        self.shared.changed()

    def poll(self, now: float) -> None:
        """From the once-a-second tick: retry a lost server, refresh the board when due."""
        if not self.ready and now >= self._next_retry and not self._loading:
            self._next_retry = now + self.shared.config.retry_s
            self.load_hall()
        elif self.ready and not self.streaming and now >= self._next_board:
            self.refresh_board()

    # ---- live events ----
    def apply_event(self, event_id: int, kind: str, data: dict) -> None:
        """One event of the stream folded into the board, or a re-read when it cannot be.

        Event ids on a public stream skip (staff-only events are not sent), so a gap shows in the counts: an
        issued or called event must move its zone's count by exactly one from what the kiosk holds.
        """
        if kind == "config_changed":  # the manager's admin page changed matters, guides or zones: read them again
            self.load_hall()
            return
        if self.board is None or event_id <= self.last_event_id:
            return  # before the first snapshot (it will include it), or already in it
        self.last_event_id = event_id
        gap = kind in REREAD_KINDS
        for code, waiting in (data.get("waiting") or {}).items():
            zone = self._board_zone(code)
            if zone is None:
                continue
            expected = int(zone.get("waiting") or 0) + COUNT_STEP.get(kind, 0)
            gap |= kind in COUNT_STEP and int(waiting) != expected
            _set_waiting(zone, int(waiting))
        ticket = data.get("ticket") or {}
        window = data.get("window")
        if kind in CALL_KINDS and ticket.get("number"):
            call = {"id": event_id, "kind": kind, "at": data.get("at", ""), "number": ticket["number"],
                    "zone": ticket.get("zone", ""), "window": window}
            self.board["calls"] = [call, *self.board.get("calls", [])][:CALLS_KEPT]
        if isinstance(window, int):
            self._fold_window(kind, window, ticket, data)
        if gap:
            self.rereads += 1
            self.refresh_board()
        self.shared.changed()

    def _board_zone(self, code: str) -> dict | None:
        return next((z for z in (self.board or {}).get("zones", []) if z.get("zone") == code), None)

    def _fold_window(self, kind: str, number: int, ticket: dict, data: dict) -> None:
        windows = self.board.setdefault("windows", []) if self.board is not None else []
        w = next((w for w in windows if w.get("number") == number), None)
        if w is None:
            if kind != "window":
                return
            w = {"number": number, "state": "closed", "zones": [], "ticket": None}
            windows.append(w)
        if kind in CALL_KINDS:
            w["ticket"] = ticket
        elif kind in FREES_WINDOW:
            w["ticket"] = None
        elif kind == "window":
            w["state"] = data.get("state") or w["state"]
            w["zones"] = data.get("zones") or w["zones"]
            if w["state"] == "closed":
                w["ticket"] = None
        self._count_windows()

    def _count_windows(self) -> None:
        """Open and idle windows per zone, as the server counts them (ops/live.py serving_windows)."""
        board = self.board or {}
        for zone in board.get("zones", []):
            serving = [w for w in board.get("windows", []) if w.get("state") == "open"
                       and zone.get("zone") in (w.get("zones") or [])]
            zone["open_windows"] = len(serving)
            zone["idle_windows"] = sum(1 for w in serving if not w.get("ticket"))

    def zones_shown(self) -> list[dict]:
        if not self.hall:
            return []
        zones = self.hall.get("zones", [])
        if self.shared.config.zones:
            return [z for code in self.shared.config.zones if (z := find(zones, "code", code))]
        return [z for z in zones if z.get("kind") in ("front", "consult")]

    def zone_status(self, code: str) -> tuple[int | None, int | None]:
        """(people waiting, estimated wait in seconds) from the latest board, None if unknown."""
        for z in (self.board or {}).get("zones", []):
            if z.get("zone") == code:
                return z.get("waiting"), z.get("estimated_wait_s")
        return None, None


def _set_waiting(zone: dict, waiting: int) -> None:
    """The zone's new count, its estimate scaled at the last snapshot's pace per person (the web board and the
    wall display do the same: queue_server/core/board_fold.py) until a snapshot brings the server's own."""
    before, estimate = int(zone.get("waiting") or 0), int(zone.get("estimated_wait_s") or 0)
    pace = estimate / before if before else 0
    zone["estimated_wait_s"] = math.floor(pace * waiting + 0.5) if pace else (estimate if waiting else 0)
    zone["waiting"] = waiting
