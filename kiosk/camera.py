"""The QR camera behind the scan screen, with a keypad-only fallback when there is none."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from hardware.qr_scanner import CAMERA_LOST, CAMERA_OPEN, CAMERA_UNAVAILABLE, QrScanner


class KioskCamera:
    """Starts the scanner when the scan screen opens and stops it when it closes."""

    def __init__(self, source: str, on_code: Callable[[str], None], on_ok: Callable[[bool], None]) -> None:
        self.source = source
        self.on_code = on_code
        self.on_ok = on_ok
        self._scanner: QrScanner | None = None

    @property
    def configured(self) -> bool:
        return self.source.strip().lower() not in ("", "none")

    def start(self) -> None:
        if not self.configured:
            self.on_ok(False)
            return
        if self._scanner is None:
            self._scanner = QrScanner(self.source, on_code=self.on_code, on_status=self._status)
        self._scanner.start()

    def stop(self) -> None:
        if self._scanner is not None:
            self._scanner.stop(timeout=2.0)
            self._scanner = None

    def latest_frame(self) -> np.ndarray | None:
        return self._scanner.latest_frame() if self._scanner else None

    def _status(self, status: str) -> None:
        if status == CAMERA_OPEN:
            self.on_ok(True)
        elif status in (CAMERA_UNAVAILABLE, CAMERA_LOST):
            self.on_ok(False)
