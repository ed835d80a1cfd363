"""SMS reminder: the consent line, the number as typed (grouped 3-4-4), a keypad, "agree and send"."""

from __future__ import annotations

from kiosk.presenter import KioskPresenter
from kiosk.screens.base import KioskScreen

KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "delete", "0", "ok"]


class SmsScreen(KioskScreen):
    def on_kv_post(self, base_widget) -> None:
        self.ids.keypad.keys = KEYS

    def signature(self, p: KioskPresenter) -> object:
        return p.sms_entry, p.sms_error, p.sms_busy

    def redraw(self, p: KioskPresenter) -> None:
        digits = p.sms_entry
        self.ids.entry.text = " ".join(x for x in (digits[:3], digits[3:7], digits[7:]) if x) or " "
        self.ids.error.zh, self.ids.error.en = p.sms_error or ("", "")
