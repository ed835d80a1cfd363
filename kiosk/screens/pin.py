"""Staff exit: the kiosk leaves full-screen only with the staff PIN (its hash is in the device file);
after repeated wrong PINs the screen says how long the keypad is locked."""

from __future__ import annotations

from kiosk.presenter import KioskPresenter
from kiosk.screens.base import KioskScreen
from kiosk.texts import TEXT, both

KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "delete", "0", "ok"]


class PinScreen(KioskScreen):
    def on_kv_post(self, base_widget) -> None:
        self.ids.keypad.keys = KEYS

    def signature(self, p: KioskPresenter) -> object:
        return len(p.pin_entry), p.pin_wrong, p.pin_lock.locked_for()

    def redraw(self, p: KioskPresenter) -> None:
        self.ids.entry.text = "●" * len(p.pin_entry) or " "
        locked = p.pin_lock.locked_for()
        message = both("pin_locked", s=locked) if locked else TEXT["pin_wrong"] if p.pin_wrong else ("", "")
        self.ids.wrong.zh, self.ids.wrong.en = message
