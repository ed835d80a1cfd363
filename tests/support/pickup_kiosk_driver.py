"""The kiosk driver (kiosk/testing/driver.py) with the pickup and appointment scenarios of the 统一出件 tests.

    python tests/support/pickup_kiosk_driver.py --device kiosk.toml --scenario pickup --out DIR

`pickup`: tap 领取证照, the camera (a video file) reads the pickup QR, the kiosk shows and prints the
pickup ticket; then 预约签到 with the appointment code typed by a USB scanner (keyboard wedge).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import kiosk.testing.driver as kd  # noqa: E402


class PickupDriver(kd.Driver):
    def scenario_pickup(self) -> Iterator:
        yield from self.ready()
        yield from self.tap(self.find("pickup"))
        yield self.screen_is("scan")
        yield from self.shot("pickup-scan")
        yield self.until("the camera's pickup code answered",
                         lambda: self.p.screen == "ticket" or (self.p.scan_result is not None
                                                               and not self.p.scan_result.ok), 30)
        r = self.p.scan_result
        self.results["camera_scan"] = {"code": r.code, "ok": r.ok, "zh": r.zh, "en": r.en, "status": r.status}
        yield from self.ticket_taken()
        self.record_ticket()
        yield from self.shot("pickup-ticket")
        self.p.go_home()
        yield self.screen_is("home")
        yield 0.8  # the home screen slides in and redraws its tiles
        yield from self.tap(self.find("checkin"))
        yield self.screen_is("scan")
        from kivy.core.window import Window

        # The camera still shows the pickup QR: on this screen that is the wrong kind of code.
        yield self.until("the camera's code answered", lambda: self.p.scan_result is not None, 20)
        r = self.p.scan_result
        self.results["checkin_camera"] = {"code": r.code, "ok": r.ok, "status": r.status, "en": r.en}
        yield 0.3
        self.p.scan_result = None
        for ch in os.environ["PICKUP_TEST_APPOINTMENT_CODE"]:
            Window.dispatch("on_key_down", ord(ch.lower()), 0, ch, [])
        Window.dispatch("on_key_down", 13, 0, None, [])
        yield self.until("the appointment code answered", lambda: self.p.scan_result is not None, 20)
        yield 0.4
        r = self.p.scan_result
        self.results["checkin_scan"] = {"code": r.code, "ok": r.ok, "zh": r.zh, "en": r.en, "status": r.status}
        yield from self.shot("checkin-answer")


if __name__ == "__main__":
    kd.Driver = PickupDriver  # main() builds the driver by this module-level name
    kd.main()
