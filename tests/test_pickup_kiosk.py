"""统一出件 end to end: a pickup QR shown to the kiosk camera (a generated video) prints a pickup ticket.

The real kiosk app under Xvfb, against a real server, with the printer double; then an appointment
code typed by a USB scanner gets the server's too_early answer on the screen (screenshots in
tests/artifacts/kiosk/pickup). Label overflow is the kiosk's own test's business, not checked here.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import requests

from hardware.testing.printer_double import PrinterDouble
from hardware.testing.qr_video import QrScene, write_video
from kiosk.testing import driver_process as kiosk_helpers
from kiosk.testing.driver_process import device_file, finish_driver

DRIVER = kiosk_helpers.ROOT / "tests" / "support" / "pickup_kiosk_driver.py"


def _next_weekday_morning() -> str:
    day = datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return f"{day.isoformat()}T09:00"


def test_scan_pickup_qr_prints_the_pickup_ticket(xvfb, live_server, tmp_path, artifacts, monkeypatch):
    url = live_server.url + "/api/v1"
    manager = requests.post(url + "/login", timeout=10, json={"username": live_server.seeded.manager[0],
                                                              "password": live_server.seeded.manager[1]}).json()
    auth = {"Authorization": f"Bearer {manager['token']}"}
    lic = requests.post(url + "/licences", headers=auth, timeout=10, json={
        "case_no": "LX-E2E-1", "licence_type": "营业执照", "holder_name": "张三丰", "id_last4": "123X",
        "phone_last4": "5678", "method": "desk"}).json()
    appt = requests.post(url + "/appointments", headers=auth, timeout=10,
                         json={"zone": "commerce", "slot_start": _next_weekday_morning()})
    assert appt.status_code == 201, appt.text
    video = write_video(tmp_path / "camera.avi", [None] * 3 + [QrScene(lic["pickup_qr"], module_px=7)] * 40)
    out = artifacts / "kiosk" / "pickup"
    monkeypatch.setattr(kiosk_helpers, "DRIVER", DRIVER)
    monkeypatch.setenv("PICKUP_TEST_APPOINTMENT_CODE", appt.json()["qr"])
    with PrinterDouble() as printer:
        device = device_file(tmp_path / "kiosk.toml", live_server.url, live_server.seeded.devices["kiosk-01"],
                             printer.spec, camera=str(video))
        results = finish_driver(kiosk_helpers.start_driver(device, "pickup", out, tmp_path / "kivy"), out)
        assert printer.wait_for_cut(5)
        printed = printer.text
    assert results["camera_scan"]["ok"] is True and results["camera_scan"]["code"] == lic["pickup_qr"]
    ticket = results["ticket"]
    assert ticket["zone"] == "pickup" and ticket["number"].startswith("P")
    assert ticket["extra"]["licence_id"] == lic["id"]
    assert results["print_state"] == "printed" and ticket["number"] in printed
    state = requests.get(f"{url}/licences/{lic['id']}", headers=auth, timeout=10).json()
    assert state["state"] == "redeemed" and state["ticket_number"] == ticket["number"]
    assert state["redeemed_kiosk"] == "kiosk-01"
    wrong_kind = results["checkin_camera"]
    assert wrong_kind["code"] == lic["pickup_qr"] and wrong_kind["status"] == 400
    checkin = results["checkin_scan"]
    assert checkin["code"] == appt.json()["qr"]
    assert checkin["ok"] is False and checkin["status"] == 409 and "09:00" in checkin["zh"]
