"""Every kiosk screen in both languages, portrait and landscape: screenshots, no text overflow,
the idle timeouts, and the staff-PIN exit (real app under Xvfb, real server, real touches)."""

from __future__ import annotations

import pytest

from tests.kiosk_driver_helpers import device_file, run_driver
from tests.printer_double import PrinterDouble

SCREENS = ["home", "matters", "guide", "bundles", "guide-bundle", "priority-reasons", "priority-zones",
           "scan-checkin", "ticket", "sms", "board", "pin"]


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_every_screen_in_both_languages(xvfb, live_server, tmp_path, artifacts, orientation):
    with PrinterDouble() as printer:
        device = device_file(tmp_path / "kiosk.toml", live_server.url, live_server.seeded.devices["kiosk-01"],
                             printer.spec, orientation=orientation)
        out = artifacts / "kiosk" / f"screens-{orientation}"
        results = run_driver(device, "screens", out, tmp_path / "kivy", timeout=150)
    names = {p.rsplit("/", 1)[-1] for p in results["shots"]}
    for screen in SCREENS:
        for lang in ("zh", "en"):
            assert f"{orientation}-{screen}-{lang}.png" in names
    assert results["overflow"] == [], "\n".join(results["overflow"])
    assert "工作人员" in results["help_notice"][0] and "工作人员" in results["help_toast"]
    assert results["woke"] == "home"
    assert results["idle_home_after"] < results["idle_board_after"]
    assert results["pin_wrong"] and results["exited_by_pin"]
    assert results["sms_entry"] == "139 1234 5678"
