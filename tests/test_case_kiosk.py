"""办件查询 at the kiosk: the real kiosk app under Xvfb against a real server; the camera (a generated video)
reads the 受理回执's QR and the screen shows 待补正 with what is missing; the case number and the last 4 ID
characters typed give the same; a wrong last 4 is refused like a wrong pickup code (screenshots in
tests/artifacts/kiosk/case)."""

from __future__ import annotations

import requests

from hardware.testing.qr_video import QrScene, write_video
from kiosk.testing import driver_process as kiosk_helpers
from kiosk.testing.driver_process import device_file, finish_driver

DRIVER = kiosk_helpers.ROOT / "tests" / "support" / "case_kiosk_driver.py"
C01 = ["food_licence_form", "business_licence", "id_card", "food_safety_rules", "health_certificates"]


def _accept_case(url: str, seeded) -> dict:
    staff = requests.post(url + "/login", timeout=10,
                          json={"username": "staff1", "password": seeded.staff["staff1"]}).json()["token"]
    auth = {"Authorization": f"Bearer {staff}"}
    kiosk = {"Authorization": f"Bearer {seeded.devices['kiosk-01']}"}
    assert requests.post(url + "/windows/31/open", headers=auth, timeout=10).status_code == 200
    r = requests.post(url + "/tickets", headers=kiosk, timeout=10, json={"zone": "economy", "matter": "C01"})
    assert r.status_code == 201, r.text
    assert requests.post(url + "/windows/31/call-next", headers=auth, timeout=10).status_code == 200
    r = requests.post(url + "/windows/31/cases", headers=auth, timeout=10, json={
        "applicant_name": "李小龙", "id_number": "37010219900101123X", "phone": "13800138000", "provided": C01,
        "deficiency": True})
    assert r.status_code == 201, r.text
    return r.json()["cases"][0]


def test_kiosk_case_progress_by_receipt_qr_and_by_typed_number(xvfb, live_server, tmp_path, artifacts,
                                                               monkeypatch):
    url = live_server.url + "/api/v1"
    case = _accept_case(url, live_server.seeded)
    receipt_qr = f"{live_server.url}/c/{case['receipt_code']}"  # what the printed QR holds (the phone page)
    video = write_video(tmp_path / "camera.avi", [None] * 3 + [QrScene(receipt_qr, module_px=5)] * 40)
    out = artifacts / "kiosk" / "case"
    monkeypatch.setattr(kiosk_helpers, "DRIVER", DRIVER)
    monkeypatch.setenv("CASE_TEST_TYPED", case["case_no"].replace("-", "") + "123X")
    device = device_file(tmp_path / "kiosk.toml", live_server.url, live_server.seeded.devices["kiosk-01"],
                         camera=str(video))
    results = finish_driver(kiosk_helpers.start_driver(device, "case", out, tmp_path / "kivy"), out)
    camera = results["camera"]
    assert camera["ok"] is True and camera["code"] == receipt_qr
    assert "待补正" in camera["zh"] and "经营场所平面布局图" in camera["zh"] and case["case_no"] in camera["zh"]
    assert case["due_day"] in camera["zh"] and "bring by" in camera["en"]
    assert "李" not in camera["zh"]  # nothing personal on a public screen
    typed = results["typed"]
    assert typed["ok"] is True and "待补正" in typed["zh"]
    wrong = results["wrong"]
    assert wrong["ok"] is False and wrong["status"] == 400 and "受理编号" in wrong["zh"]
    assert results["overflow"] == []


def test_scanned_receipts_and_typed_numbers_are_told_apart():
    from kiosk.presenter.scan_flow import case_lookup, progress_text

    assert case_lookup("http://192.168.1.10:8000/c/HC10C00") == {"code": "http://192.168.1.10:8000/c/HC10C00"}
    assert case_lookup("HC10C0022HK6WR32C1J5MR30C80000020") == {"code": "HC10C0022HK6WR32C1J5MR30C80000020"}
    assert case_lookup("370102001202612020001123X") == {"case_no": "370102001202612020001", "id_last4": "123X"}
    done = {"case_no": "X-1", "state": "done", "state_zh": "已办结", "state_en": "Approved", "due_day": "2026-12-09",
            "missing": [], "collect_zh": "请到统一出件区领取", "collect_en": "Collect at the pickup area"}
    assert progress_text(done) == ("X-1：已办结；请到统一出件区领取", "X-1: Approved. Collect at the pickup area")


def test_the_case_keypad_takes_a_case_number_and_says_what_to_type():
    from kiosk.texts import TEXT
    from tests.support.kiosk_fakes import started_kiosk

    kiosk = started_kiosk()
    kiosk.open_scan("case")
    assert "受理编号" in kiosk.scan.camera_words[0] and kiosk.scan.keypad_words == TEXT["case_keypad_hint"]
    for key in "370":
        kiosk.keypad(key)
    kiosk.keypad("ok")  # too short to hold a case number and the last 4: said before the server is asked
    assert not kiosk.scan_result.ok and kiosk.scan_result.zh == TEXT["case_too_short"][0]
    assert not any(kind == "case_progress" for kind, _ in kiosk.client.scans)
    for key in "370102001202612020001123X"[3:]:  # the typed 370 stays: the rest follows
        kiosk.keypad(key)
    kiosk.keypad("ok")  # no 9-character rule here: the number goes to the server with the last 4 split off
    assert kiosk.client.scans[-1] == ("case_progress", "370102001202612020001 123X")
    kiosk.open_scan("pickup")
    assert "9" in kiosk.scan.camera_words[0] and kiosk.scan.keypad_words == TEXT["keypad_hint"]
