"""The kiosk driver (kiosk/testing/driver.py) with the 办件查询 scenario of the accepted-case tests.

    python tests/support/case_kiosk_driver.py --device kiosk.toml --scenario case --out DIR

`case`: tap 办件查询, the camera (a video file) reads the receipt's QR and the screen shows the case's
progress; then the case number and the last 4 ID characters typed by a USB scanner / keyboard (no separators,
as on the kiosk's keypad), and a wrong last 4.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import kiosk.testing.driver as kd  # noqa: E402


class CaseDriver(kd.Driver):
    def _type(self, text: str) -> None:
        from kivy.core.window import Window

        for ch in text:
            Window.dispatch("on_key_down", ord(ch.lower()), 0, ch, [])
        Window.dispatch("on_key_down", 13, 0, None, [])

    def _record(self, name: str) -> None:
        r = self.p.scan_result
        self.results[name] = {"code": r.code, "ok": r.ok, "zh": r.zh, "en": r.en, "status": r.status}

    def scenario_case(self) -> Iterator:
        yield from self.ready()
        yield from self.tap(self.find("case"))
        yield self.screen_is("scan")
        yield self.until("the receipt's QR answered", lambda: self.p.scan_result is not None, 30)
        self._record("camera")
        yield from self.shot("case-progress-camera")
        self.p.scan_result = None
        self.p.camera_off()  # the QR stays in front of the camera: typed codes next
        yield 0.3
        self._type(os.environ["CASE_TEST_TYPED"])
        yield self.until("the typed case number answered",
                         lambda: self.p.scan_result is not None and self.p.scan_result.code != "", 20)
        self._record("typed")
        yield from self.shot("case-progress-typed")
        self.p.scan_result = None
        self._type(os.environ["CASE_TEST_TYPED"][:-4] + "0000")
        yield self.until("the wrong last 4 answered", lambda: self.p.scan_result is not None, 20)
        self._record("wrong")
        yield from self.shot("case-progress-wrong")


if __name__ == "__main__":
    kd.Driver = CaseDriver  # main() builds the driver by this module-level name
    kd.main()
