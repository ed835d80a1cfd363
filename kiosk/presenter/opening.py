"""The hall's opening hours as the kiosk knows them: read at start, when the server comes back or its configuration
changes, and again when the status can next change (or a minute on, as a safety net), so home shows a closed zone
before anyone taps it. The words and the timing are pure (opening_status.py); this part only fetches."""

from __future__ import annotations

import logging
import math

from hall_client.client import ApiError, ServerUnreachable
from kiosk.presenter.connection import Connection
from kiosk.presenter.opening_status import ZoneOpening, all_closed_line, seconds_to_change, zone_opening
from kiosk.presenter.shared import Shared
from kiosk.texts import Text

log = logging.getLogger(__name__)
RECHECK_S = 60.0  # the safety net: a status is never older than this (a clock changed, hours edited by hand)
MARGIN_S = 1.0  # look a moment after the change: the server decides by the minute it is in


class OpeningWatch:
    def __init__(self, shared: Shared, connection: Connection) -> None:
        self.shared = shared
        self.connection = connection
        self.status: dict | None = None  # the last answer; None: not known (every zone shows as issuing)
        self.next_check = math.inf  # kiosk clock; set by each answer
        self.reads = 0
        self._loading = False
        self._again = False  # asked again while a read was under way: read once more after it

    def load(self) -> None:
        if self._loading:
            self._again = True
            return
        self._loading = True
        self.shared.runner.run("opening", self.shared.client.opening, self._done, self._failed)

    def _done(self, status: dict) -> None:
        self._loading = False
        self.reads += 1
        self.status = status
        change = seconds_to_change(status)
        wait = RECHECK_S if change is None else min(change + MARGIN_S, RECHECK_S)
        self.next_check = self.shared.clock() + wait
        self._after()
        self.shared.changed()

    def _failed(self, error: Exception) -> None:
        self._loading = False
        self.next_check = self.shared.clock() + RECHECK_S
        if isinstance(error, ServerUnreachable):
            self.connection.lost(error)  # read again when it is back (Connection.on_up)
        else:  # an older server without the route, or a refusal: the 409 on taking a number still tells
            log.info("opening hours: %s", error.message if isinstance(error, ApiError) else error)
        self._after()

    def _after(self) -> None:
        if self._again:
            self._again = False
            self.load()

    def poll(self, now: float) -> None:
        """From the once-a-second tick: read again when the status can have changed."""
        if now >= self.next_check and not self._loading and self.connection.ready:
            self.load()

    def zone(self, code: str) -> ZoneOpening:
        return zone_opening(self.status, code)

    def all_closed(self) -> Text | None:
        """Home's one line when no zone shown issues numbers, else None."""
        return all_closed_line(self.status, [z["code"] for z in self.connection.zones_shown()])
