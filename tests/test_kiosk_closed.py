"""Opening hours on the real kiosk (Xvfb, real touches) against a real server on a fixed clock: after the day's
last number the closed zones show 已停止取号 and tomorrow's hours on their tiles before anyone taps, a tap says
the reason; when the manager takes the evening session away (config_changed) every zone is closed and home says
so in one line, while search and the QR services still open (screenshots in tests/artifacts/kiosk/closed)."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from kiosk.testing import driver_process as kiosk_helpers
from kiosk.testing.driver_process import device_file, finish_driver
from queue_server.hall_config import Opening, Session, load_config
from queue_server.ops.config_versions import apply_config
from tests.support.clocked_server import serve_hallway

DRIVER = kiosk_helpers.ROOT / "tests" / "support" / "closed_kiosk_driver.py"
MONDAY_1640 = datetime(2026, 11, 23, 8, 40, tzinfo=UTC)  # Jinan time: ten minutes after the last number
WEEK = ("mon", "tue", "wed", "thu", "fri")
DAY = Session(days=WEEK, open="09:00", close="17:00", last_ticket="16:30")
# 延时服务: the enquiries desk takes numbers into the evening.
EVENING = Session(days=WEEK, open="16:00", close="19:00", last_ticket="18:30", zones=("consult",), kind="extended")
SHOWN = ["commerce", "public", "economy", "social", "construction", "special", "consult"]


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_closed_zones_show_on_home_before_anyone_taps(xvfb, tmp_path, artifacts, monkeypatch, orientation):
    cfg = replace(load_config(), opening=Opening(enforce=True, sessions=(DAY, EVENING)))
    server = serve_hallway(tmp_path, start=MONDAY_1640, config=cfg)
    hall = next(server)
    handshake = tmp_path / "handshake"
    out = artifacts / "kiosk" / "closed"
    monkeypatch.setattr(kiosk_helpers, "DRIVER", DRIVER)
    try:
        device = device_file(tmp_path / "kiosk.toml", hall.url, hall.tokens["kiosk-01"], orientation=orientation)
        proc = kiosk_helpers.start_driver(device, "closed", out, tmp_path / "kivy", handshake=handshake)
        deadline = time.monotonic() + 240  # a guard against a hung app, not a time the app must keep
        while not (handshake / "close-all").exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        apply_config(hall.hall, replace(cfg, opening=Opening(enforce=True, sessions=(DAY,))), who="manager",
                     source="test")
        results = finish_driver(proc, out)
    finally:
        server.close()

    tiles = results["tiles"]
    assert {code for code, t in tiles.items() if t["closed"]} == set(SHOWN) - {"consult"}
    assert tiles["commerce"]["line"] == ["已停止取号 · 明天 09:00 起", "No more numbers · from 09:00 tomorrow"]
    assert tiles["consult"]["line"][0].startswith("等候")  # still issuing: its queue as usual
    assert results["heading"] == ["欢迎办事，请选择业务", "Welcome. Please choose a service"]
    tap = results["tap"]
    assert tap["screen"] == "home"
    assert tap["notice"][0].startswith("已停止取号：今日 16:30 后不再取号。下次取号：明天 09:00–17:00")
    assert tap["notice"][1].startswith("No more numbers today: the last number today was issued at 16:30. Next: "
                                       "tomorrow 09:00–17:00")
    assert "今日 16:30 后不再取号" in tap["toast"]
    assert results["open_zone"] == "matters"
    green = results["priority_zone_tap"]
    assert not green["asking_matter"] and green["notice"] == tap["notice"]

    closed = results["all_closed"]
    line = ["今日已停止取号 · 明天 09:00 起恢复取号", "No more numbers today · numbers again from 09:00 tomorrow"]
    assert closed["line"] == line and closed["heading"] == line
    assert sorted(closed["zones_closed"]) == sorted(SHOWN) and closed["priority_closed"]
    assert results["priority_tap"] == {"screen": "home", "notice": line}
    assert results["still_open"] == {"search": "matters", "pickup": "scan", "case": "scan", "checkin": "scan"}
    refused = results["refused"]  # the server stays the authority: the same words from its 409
    assert refused["screen"] == "guide" and refused["notice"][0].startswith("已停止取号：今日 16:30 后不再取号")
    assert results["overflow"] == []
