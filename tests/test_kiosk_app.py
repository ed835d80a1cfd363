"""The real kiosk under Xvfb against a real server, driven by touches (one subprocess per app run).

kiosk/testing/driver.py runs inside each subprocess; screenshots land in tests/artifacts/kiosk/.
"""

from __future__ import annotations

import time

import pytest

from hall_client.client import HallClient
from hardware.testing.printer_double import PrinterDouble
from hardware.testing.qr_video import QrScene, write_video
from kiosk.testing.driver_process import device_file, finish_driver, run_driver, start_driver


@pytest.fixture(scope="module")
def live_server(server):
    """One server for this module's kiosk runs: each reads back only the tickets and alerts it made."""
    return server


def kiosk_token(live_server) -> str:
    return live_server.seeded.devices["kiosk-01"]


def open_alerts(live_server) -> list[dict]:
    manager = HallClient(live_server.url)
    manager.login(*live_server.seeded.manager)
    return manager.get("/alerts")


def test_take_a_number_for_a_matter_prints_the_ticket(xvfb, live_server, tmp_path, artifacts):
    with PrinterDouble() as printer:
        device = device_file(tmp_path / "kiosk.toml", live_server.url, kiosk_token(live_server), printer.spec)
        results = run_driver(device, "matter", artifacts / "kiosk" / "matter", tmp_path / "kivy")
        assert printer.wait_for_cut(5)
        printed = printer.text
    ticket = results["ticket"]
    assert results["print_state"] == "printed"
    assert results["taps_to_ticket"] == 3  # zone tile, common matter, "take a number"
    server_copy = HallClient(live_server.url, kiosk_token(live_server)).ticket(ticket["id"])
    assert server_copy["number"] == ticket["number"] and server_copy["matter"] == ticket["matter"]
    assert server_copy["zone"] == "commerce" and server_copy["state"] == "waiting"
    assert ticket["number"] in printed
    assert "企业设立登记" in printed
    # The QR is the citizen's phone page at the hall's public address, by an unguessable token (no ticket id).
    assert f"[QR:{ticket['status_url']}]" in printed and "/t/" in ticket["status_url"]
    assert f"/tickets/{ticket['id']}" not in printed
    assert printed.count("[CUT]") == 1
    assert results["search"]["query"] == "hj"
    assert results["search"]["after"] and len(results["search"]["after"]) < results["search"]["before"]
    assert results["overflow"] == []


def test_a_bundle_takes_one_chain_ticket_with_the_merged_list(xvfb, live_server, tmp_path, artifacts):
    with PrinterDouble() as printer:
        device = device_file(tmp_path / "kiosk.toml", live_server.url, kiosk_token(live_server), printer.spec)
        results = run_driver(device, "bundle", artifacts / "kiosk" / "bundle", tmp_path / "kivy")
        assert printer.wait_for_cut(5)
        printed = printer.text
    ticket = HallClient(live_server.url, kiosk_token(live_server)).ticket(results["ticket"]["id"])
    assert ticket["bundle"] == "company-opening" and ticket["zone"] == "chain"
    assert ticket["number"].startswith("G") and ticket["number"] in printed
    hall = HallClient(live_server.url).hall()
    bundle = next(b for b in hall["bundles"] if b["code"] == "company-opening")
    shown = results["guide_materials"]
    assert shown == [m["id"] for m in bundle["materials"]] and len(shown) == len(set(shown))


def test_a_green_channel_ticket_carries_the_priority(xvfb, live_server, tmp_path, artifacts):
    with PrinterDouble() as printer:
        device = device_file(tmp_path / "kiosk.toml", live_server.url, kiosk_token(live_server), printer.spec)
        results = run_driver(device, "priority", artifacts / "kiosk" / "priority", tmp_path / "kivy")
        assert printer.wait_for_cut(5)
        printed = printer.text
    ticket = HallClient(live_server.url, kiosk_token(live_server)).ticket(results["ticket"]["id"])
    assert ticket["priority"] == "elderly" and ticket["zone"] == "public" and ticket["matter"] == "B01"
    assert results["taps_to_ticket"] == 4  # green channel, reason, zone, matter (the window gets its guide)
    assert "绿色通道" in printed and "工作人员可能核验" in printed
    assert "工作人员可能核验" in results["priority_text"]


def test_server_down_pauses_ticketing_then_recovers(xvfb, live_server, tmp_path, artifacts):
    handshake = tmp_path / "handshake"
    with PrinterDouble() as printer:
        device = device_file(tmp_path / "kiosk.toml", live_server.url, kiosk_token(live_server), printer.spec)
        out = artifacts / "kiosk" / "server-down"
        proc = start_driver(device, "server_down", out, tmp_path / "kivy", handshake=handshake)
        deadline = time.monotonic() + 240  # a guard against a hung app, not a time the app must keep
        while not (handshake / "stop-server").exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        live_server.proc.stop()
        while not (out / "home-paused.png").exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        live_server.proc.start()
        (handshake / "start-server").write_text("1")
        results = finish_driver(proc, out)
        assert printer.wait_for_cut(5)
    paused = results["paused"]
    assert paused["tile_disabled"] and not paused["ready"]
    assert "暂停取号，请稍候" in paused["notice"] and "Ticketing paused, please wait" in paused["notice"]
    assert paused["screen_after_tap"] == "home"
    assert results["print_state"] == "printed"
    assert HallClient(live_server.url, kiosk_token(live_server)).ticket(results["ticket"]["id"])["state"] == "waiting"


def test_printer_out_of_paper_shows_the_ticket_and_tells_staff(xvfb, live_server, tmp_path, artifacts):
    with PrinterDouble(paper="out") as printer:
        device = device_file(tmp_path / "kiosk.toml", live_server.url, kiosk_token(live_server), printer.spec)
        results = run_driver(device, "paper_out", artifacts / "kiosk" / "paper-out", tmp_path / "kivy")
        assert "[CUT]" not in printer.text  # nothing printed on an empty printer
    assert results["print_state"] == "failed"
    assert "缺纸" in results["print_error"][0]
    assert results["fallback"]["shown"]
    assert "拍下" in results["fallback"]["status"]
    alerts = open_alerts(live_server)
    assert any(a["kind"] == "printer_paper_out" and "kiosk-01" in (a.get("message") or "") for a in alerts)
    assert HallClient(live_server.url, kiosk_token(live_server)).ticket(results["ticket"]["id"])["state"] == "waiting"


def test_a_qr_code_from_the_camera_reaches_the_server(xvfb, live_server, tmp_path, artifacts, monkeypatch):
    payload = "PK-TEST-2026-0001"
    manager = HallClient(live_server.url)
    manager.login(*live_server.seeded.manager)
    licence = manager.post("/licences", {"case_no": "LX-KEYPAD-1", "licence_type": "营业执照", "holder_name": "李四",
                                         "id_last4": "1234", "phone_last4": "5678", "method": "desk"})
    monkeypatch.setenv("KIOSK_TEST_TYPED_CODE", licence["pickup_code"])
    posted = manager.post("/licences", {"case_no": "LX-POST-1", "licence_type": "营业执照", "holder_name": "赵六",
                                        "id_last4": "4321", "phone_last4": "8765", "method": "post",
                                        "post_address": "山东省济南市历下区解放路123号4单元501室"})
    monkeypatch.setenv("KIOSK_TEST_POST_CODE", posted["pickup_code"])
    video = write_video(tmp_path / "qr.avi", [None, QrScene(payload=payload, module_px=6.0), None],
                        frames_per_scene=4)
    device = device_file(tmp_path / "kiosk.toml", live_server.url, kiosk_token(live_server), "none",
                         camera=str(video))
    results = run_driver(device, "qr", artifacts / "kiosk" / "qr", tmp_path / "kivy")
    # The pickup code typed on the on-screen keypad (letters and digits) gives the pickup ticket.
    assert results["keypad_entry"] == licence["pickup_code"].replace("-", "")
    assert results["keypad_scan"]["ok"], results["keypad_scan"]
    assert results["ticket"]["zone"] == "pickup" and results["ticket"]["extra"]["licence_id"] == licence["id"]
    # A postal licence: the masked address is shown, the citizen confirms it on the screen.
    assert "邮寄" in results["post_question"]["zh"] and "解放路123号" not in results["post_question"]["zh"]
    assert results["post_answer"]["ok"] and "Address confirmed" in results["post_answer"]["en"]
    assert manager.get(f"/licences/{posted['id']}")["state"] == "post_confirmed"
    for key, code in (("camera_scan", payload), ("wedge_scan", "PK20261122")):
        answer = results[key]
        assert answer["code"] == code
        # The pickup endpoint answered (an unknown code is refused with the server's own words).
        assert answer["status"] is not None and 400 <= answer["status"] < 500, answer
        assert "取件码" in answer["zh"] and "code" in answer["en"] and " / " not in answer["zh"]
    assert results["overflow"] == []
