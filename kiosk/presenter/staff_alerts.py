"""Telling the hall's staff: the printer failed or works again, the camera is missing, a citizen asks for help.

Each device problem is reported once, not at every ticket; the recovery once too.
"""

from __future__ import annotations

import logging

from hardware.printer_errors import PaperOut
from kiosk.presenter.connection import Connection
from kiosk.presenter.shared import Shared
from kiosk.texts import TEXT, Text

log = logging.getLogger(__name__)


class StaffAlerts:
    def __init__(self, shared: Shared, connection: Connection) -> None:
        self.shared = shared
        self.connection = connection
        self._printer_alerted = False
        self._camera_alerted = False

    def send(self, kind: str, message: str) -> None:
        full = f"{self.shared.config.name}: {message}"
        self.shared.runner.run("net", lambda: self.shared.client.alert(kind, full), lambda _: None,
                               lambda e: log.warning("alert %s not sent: %s", kind, e))

    def ask_help(self) -> None:
        """帮办代办: raise a help alert so a floor assistant comes to this kiosk."""
        shared = self.shared
        message = f"{shared.config.name}: 群众请求帮办代办 / a citizen asks for help at the kiosk"
        shared.runner.run("net", lambda: shared.client.alert("help", message),
                          lambda _: shared.say(TEXT["help_sent"]),
                          lambda error: (self.connection.lost(error), shared.say(TEXT["help_failed"])))

    def printer_fine(self, words: Text | None) -> None:
        """The printer did its job: report the recovery if it had failed; show `words` (or just redraw)."""
        if self._printer_alerted:
            self._printer_alerted = False
            self.send("printer_ok", "打印机已恢复 / printer working again")
        if words:
            self.shared.say(words)
        else:
            self.shared.changed()

    def printer_failed(self, error: Exception) -> None:
        log.warning("printer: %s", error)
        if self._printer_alerted:
            return
        self._printer_alerted = True
        kind = "printer_paper_out" if isinstance(error, PaperOut) else "printer_offline"
        self.send(kind, str(error))

    def camera_missing(self) -> None:
        if not self._camera_alerted:
            self._camera_alerted = True
            self.send("camera_missing", f"摄像头不可用 / camera {self.shared.config.camera} not available")
