"""The staff exit: five quick taps on the hall name (or Esc, or the window's close button), then the PIN."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.presenter.shared import Shared
from kiosk.staff_pin import PinLock

EXIT_TAPS = 5  # taps on the hall name, within EXIT_TAP_WINDOW_S, open the staff exit
EXIT_TAP_WINDOW_S = 4.0
PIN_MAX = 12


class StaffExit:
    def __init__(self, shared: Shared) -> None:
        self.shared = shared
        self.on_exit: Callable[[], None] = lambda: None  # the app stops when the right PIN is entered
        self.pin_entry = ""
        self.pin_wrong = False
        self.pin_lock = PinLock(shared.config.staff_pin_hash, shared.clock)
        self._title_taps: list[float] = []

    def clear(self) -> None:
        self.pin_entry = ""
        self.pin_wrong = False

    def title_tapped(self) -> None:
        now = self.shared.clock()
        self._title_taps = [t for t in self._title_taps if now - t < EXIT_TAP_WINDOW_S] + [now]
        if len(self._title_taps) >= EXIT_TAPS:
            self._title_taps = []
            self.request_exit()

    def request_exit(self) -> None:
        """Ask for the staff PIN."""
        self.clear()
        self.shared.go("pin")

    def tick(self) -> None:
        if self.shared.screen == "pin":
            self.shared.changed()  # the PIN lock's countdown

    def pin_key(self, key: str) -> None:
        if key == "delete":
            self.pin_entry = self.pin_entry[:-1]
        elif key == "ok":
            if self.pin_lock.try_pin(self.pin_entry):  # wrong tries lock the keypad a while
                self.pin_entry = ""
                self.on_exit()
                return
            self.pin_entry = ""
            self.pin_wrong = True
        elif key.isdigit() and len(self.pin_entry) < PIN_MAX:
            self.pin_entry += key
            self.pin_wrong = False
        self.shared.changed()
