"""The kiosk as an elderly citizen meets it (issue 16): real app under Xvfb, real server, real touches.

Home in normal and large text (sizes fixed by role, fewer and larger tiles), examples on every zone tile, a
search over every zone with the keyboard folded away, the green channel's matter question, toasts clear of the
buttons, the QR screen's single camera line and plain errors without a jump, and the idle board holding 8
calls that reached the kiosk as events (no whole-board read per event). Screenshots in tests/artifacts/kiosk/.
"""

from __future__ import annotations

import json
import time

import pytest

from hardware.testing.printer_double import PrinterDouble
from kiosk.testing.driver_process import device_file, finish_driver, start_driver
from tests.support.api import Api


@pytest.fixture(scope="module")
def live_server(server):
    return server


def make_eight_calls(live_server) -> list[str]:
    """Four staff at windows 1-4 call and serve eight commerce tickets (two each), as a busy morning does.
    The module's server serves both orientations: a window the first run opened is open already."""
    kiosk = Api(live_server.url, live_server.seeded.devices["kiosk-01"])
    staff = [Api.login(live_server.url, user, password) for user, password in sorted(live_server.seeded.staff.items())]
    windows = list(range(1, len(staff) + 1))
    for api, no in zip(staff, windows, strict=True):
        if api.call("POST", f"/api/v1/windows/{no}/open").status_code >= 400:
            assert api.call("GET", "/api/v1/board").status_code == 200  # open already (the first run's)
    called = []
    for _round in range(2):
        for api, no in zip(staff, windows, strict=True):
            kiosk.take_ticket("commerce")
            ticket = api.window(no, "call-next")
            called.append(ticket["number"])
            api.window(no, "start", ticket_id=ticket["id"])
            api.window(no, "finish", ticket_id=ticket["id"])
    return called


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_the_kiosk_an_elderly_citizen_meets(xvfb, live_server, tmp_path, artifacts, orientation):
    handshake = tmp_path / "handshake"
    with PrinterDouble() as printer:
        device = device_file(tmp_path / "kiosk.toml", live_server.url, live_server.seeded.devices["kiosk-01"],
                             printer.spec, orientation=orientation)
        out = artifacts / "kiosk" / f"reach-{orientation}"
        proc = start_driver(device, "reach", out, tmp_path / "kivy", handshake=handshake, timeout=300)
        deadline = time.monotonic() + 300  # a guard against a hung app, not a time the app must keep
        while not (handshake / "make-calls").exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        called = make_eight_calls(live_server) if proc.poll() is None else []
        # The driver waits for these numbers; written whole before the name appears (the driver reads on sight).
        (handshake / "calls-made.part").write_text(json.dumps(called))
        (handshake / "calls-made.part").rename(handshake / "calls-made")
        r = finish_driver(proc, out, 330)
    assert r["overflow"] == [], "\n".join(r["overflow"])
    # The eight calls came as events and were folded in: no whole-board read for them.
    assert set(called[-8:]) <= set(r["calls_seen"]) or r["calls_seen"][:8] == list(reversed(called))[:8]
    assert r["event_rereads"] == 0
    assert r["board_calls_shown"] == 8
    # Every zone tile shows 2-3 example matters; 社保卡 sits on B 公共服务's tile.
    assert all(zh.startswith("如：") and 2 <= zh.count("、") + 1 <= 3 for zh, _en in r["examples"].values())
    assert "社保卡" in r["examples"]["public"][0] and "Social security card" in r["examples"]["public"][1]
    # Sizes by role: one height and one title size for all zone tiles; large text 1.5x, fewer columns.
    normal, large = r["home_normal"], r["home_large"]
    assert len(normal["zone_heights"]) == len(normal["zone_title_sizes"]) == len(normal["zone_line_sizes"]) == 1
    assert len(normal["service_heights"]) == 1
    assert large["zone_title_sizes"][0] >= 1.5 * normal["zone_title_sizes"][0] - 0.01
    assert large["cols"] < normal["cols"]
    # Search across zones by initials; the clear key says 清除 / Clear; folded, at least 6 matters show.
    assert r["search_sbk"][0] == "B01"
    assert "清除" in r["clear_key"] and "Clear" in r["clear_key"]
    assert r["rows_visible_folded"] >= 6 and r["rows_visible_folded"] > r["rows_visible_keyboard"]
    # Toasts cover no button.
    assert r["toast_covers"] == {"home": [], "guide": []}
    # The green channel asks the matter, "not sure" first; not sure takes a number for the zone.
    assert r["priority_matter_first"] == "not-sure"
    assert r["priority_ticket"]["zone"] == "public"
    # The QR screen: one camera line per state, always the code length; plain errors; nothing moves.
    lines = r["camera_lines"]
    assert "不可用" in lines["none"][0] and "不可用" not in lines["ok"][0] and "不可用" not in lines["starting"][0]
    assert all("9" in zh and "9-character" in en for zh, en in lines.values())
    assert r["short_code"][:2] == ["号码是 9 位，您输入了 6 位，请核对",
                                   "The code has 9 characters; you typed 6. Please check it"]
    assert "(" not in r["refused"][1] and "got" not in r["refused"][1]
    first, *after = r["keypad_moved"]
    assert all(after_ == first for after_ in after), r["keypad_moved"]


def test_a_zone_tile_answers_a_tap_in_large_text_and_after(xvfb, live_server, tmp_path, artifacts):
    device = device_file(tmp_path / "kiosk.toml", live_server.url, live_server.seeded.devices["kiosk-01"])
    r = finish_driver(start_driver(device, "large_tap", artifacts / "kiosk" / "large-tap", tmp_path / "kivy",
                                   timeout=120), artifacts / "kiosk" / "large-tap", 150)
    assert r["large_tap"] == "matters" and r["normal_tap"] == "matters"
