"""Every kiosk screen in both languages, portrait and landscape: screenshots, no text overflow,
the idle timeouts, and the staff-PIN exit (real app under Xvfb, real server, real touches)."""

from __future__ import annotations

import pytest

from hardware.testing.printer_double import PrinterDouble
from kiosk.testing.driver_process import device_file, run_driver


@pytest.fixture(scope="module")
def live_server(server):
    """One server for both orientations: each run takes its own ticket and reads back only that."""
    return server


SCREENS = ["home", "matters", "guide", "bundles", "guide-bundle", "priority-reasons", "priority-zones",
           "scan-checkin", "ticket", "sms", "board", "pin", "pin-locked"]


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_every_screen_in_both_languages(xvfb, live_server, tmp_path, artifacts, orientation):
    with PrinterDouble() as printer:
        device = device_file(tmp_path / "kiosk.toml", live_server.url, live_server.seeded.devices["kiosk-01"],
                             printer.spec, orientation=orientation)
        out = artifacts / "kiosk" / f"screens-{orientation}"
        results = run_driver(device, "screens", out, tmp_path / "kivy", timeout=260)
    names = {p.rsplit("/", 1)[-1] for p in results["shots"]}
    for screen in SCREENS:
        for lang in ("zh", "en"):
            assert f"{orientation}-{screen}-{lang}.png" in names
    assert results["overflow"] == [], "\n".join(results["overflow"])
    assert "工作人员" in results["help_notice"][0] and "工作人员" in results["help_toast"]
    assert results["woke"] == "home"
    assert results["idle_home_after"] < results["idle_board_after"]
    assert results["pin_wrong"] and results["exited_by_pin"]
    screen, wrong, locked_s = results["pin_locked"]
    assert screen == "pin" and wrong == 5 and 0 < locked_s <= 30
    assert "秒后再试" in results["pin_locked_text"][0] and "wait" in results["pin_locked_text"][1]
    assert results["sms_entry"] == "139 1234 5678"
