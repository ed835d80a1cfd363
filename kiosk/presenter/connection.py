"""The server link: the hall's layout, the live board, whether the server answers, and retrying when not."""

from __future__ import annotations

import logging

from hall_client.client import ApiError, ServerUnreachable
from kiosk.presenter.shared import Shared
from kiosk.texts import Text
from kiosk.ticket_info import find

log = logging.getLogger(__name__)


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
        self._reload = False  # the configuration changed while the hall was loading: load it once more

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
            self.shared.changed()

        def failed(error: Exception) -> None:
            self._loading = False
            self._reload = False
            self.lost(error)

        self.shared.runner.run("net", self.shared.client.hall, done, failed)

    def hall_event(self, kind: str) -> None:
        """An event from the stream: the board changed; `config_changed` (the manager's admin page) means the
        hall's matters, guides and zones did too, so they are read again, live."""
        if kind == "config_changed":
            self.load_hall()
        else:
            self.refresh_board()

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
        self.board = board
        if not self.server_up:
            self.server_up = True
            if self.hall is None:
                self.load_hall()
        self.shared.changed()

    def server_status(self, up: bool) -> None:
        """The event stream connected (True) or lost the server (False)."""
        if up == self.server_up:
            return
        if up:
            self.server_up = True
            if self.hall is None:
                self.load_hall()
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
        elif self.ready and now >= self._next_board:
            self.refresh_board()

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
