"""What every part of the kiosk flow uses: the edges, the clock, the screen shown and the notice over it."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.device_config import KioskConfig
from kiosk.presenter.ports import ClientPort, PrinterPort, Runner
from kiosk.texts import Text

NOTICE_S = 6.0
LONG_NOTICE_S = 12.0  # a notice of several lines (why a zone is closed, when next): time to read it slowly


class Shared:
    def __init__(self, config: KioskConfig, client: ClientPort, printer: PrinterPort | None,
                 runner: Runner, clock: Callable[[], float]) -> None:
        self.config = config
        self.client = client
        self.printer = printer
        self.runner = runner
        self.clock = clock
        self.changed: Callable[[], None] = lambda: None  # the app redraws when this is called
        self.screen = "home"
        self.notice: Text | None = None
        self._notice_until = 0.0

    def go(self, screen: str) -> None:
        self.screen = screen
        self.changed()

    def say(self, words: Text, seconds: float = NOTICE_S) -> None:
        self.notice = words
        self._notice_until = self.clock() + seconds
        self.changed()

    def fade_notice(self, now: float) -> None:
        if self.notice and now >= self._notice_until:
            self.notice = None
            self.changed()
