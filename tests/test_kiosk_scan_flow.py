"""The QR screen's flow: pickup and check-in codes to the server by name (no URL), its answers, the postal
address question, the keypad, and the camera run through the presenter."""

from __future__ import annotations

import pytest

from hall_client.client import ApiError
from kiosk.presenter.scan_flow import ScanFlow, split_bilingual, ticket_in
from kiosk.presenter.staff_alerts import StaffAlerts
from tests.support.kiosk_fakes import FakeCamera, connected, shared, started_kiosk


@pytest.fixture
def kiosk():
    return started_kiosk()


def scan_flow(camera: FakeCamera | None = None) -> ScanFlow:
    base = shared()
    link = connected(base)
    shown: list[dict] = []
    flow = ScanFlow(base, link, StaffAlerts(base, link), shown.append, camera)
    flow.shown = shown
    return flow


def test_qr_code_goes_to_the_server_and_its_answer_is_shown(kiosk):
    kiosk.open_scan("checkin")
    kiosk.code_scanned("  ABC123  ")
    assert kiosk.client.scans[-1] == ("check_in", "ABC123")
    assert kiosk.scan_result.ok and kiosk.scan_result.zh == "已签到"
    kiosk.client.refuse = ApiError(404, "not_found", "no such code")
    kiosk.open_scan("pickup")
    kiosk.code_scanned("XYZ")
    assert kiosk.client.scans[-1] == ("redeem_pickup", "XYZ")
    assert not kiosk.scan_result.ok and kiosk.scan_result.status == 404
    assert "no such code" in kiosk.scan_result.en
    kiosk.client.refuse = ApiError(400, "bad_code", "无法识别此取件码 / This code is not valid")
    kiosk.code_scanned("XYZ2")
    assert (kiosk.scan_result.zh, kiosk.scan_result.en) == ("无法识别此取件码", "This code is not valid")


def test_a_scan_that_returns_a_ticket_prints_it(kiosk):
    kiosk.client.answer = {"ticket": {"id": 9, "number": "P003", "zone": "pickup", "ahead": 0,
                                      "estimated_wait_s": 30, "issued_at": "2026-01-05T01:00:00+00:00"},
                           "message_zh": "请等候叫号"}
    kiosk.open_scan("pickup")
    kiosk.code_scanned("CODE")
    assert kiosk.screen == "ticket" and kiosk.printer.printed[-1].number == "P003"


def test_a_ticket_answer_goes_to_the_ticket_flow():
    flow = scan_flow()
    flow.shared.client.answer = {"id": 4, "number": "A004", "zone": "commerce"}  # a check-in's bare ticket
    flow.open("checkin")
    flow.code_scanned("APPT")
    assert flow.shown == [{"id": 4, "number": "A004", "zone": "commerce"}] and flow.scan_result.ok


def test_a_postal_licence_asks_for_the_address_and_sends_the_answer(kiosk):
    kiosk.open_scan("pickup")
    kiosk.client.answer = {"method": "post", "confirm": "/api/v1/pickups/confirm",
                           "message_zh": "您的营业执照将邮寄到：济南市历下区***。地址正确请按“确认”。",
                           "message_en": "Your licence will be posted to: Lixia ***. Press Confirm."}
    kiosk.code_scanned("POSTCODE1")
    assert kiosk.post_pending == "POSTCODE1" and "邮寄" in kiosk.scan_result.zh
    kiosk.client.answer = {"method": "post", "state": "post_confirmed",
                           "message_zh": "已确认邮寄地址", "message_en": "Address confirmed"}
    kiosk.confirm_post(True)
    assert kiosk.client.scans[-1] == ("confirm_postal", "POSTCODE1", True)
    assert kiosk.post_pending is None and kiosk.scan_result.en == "Address confirmed"
    kiosk.confirm_post(False)  # nothing pending any more: nothing sent
    assert len([s for s in kiosk.client.scans if s[0] == "confirm_postal"]) == 1
    # A refusal of the confirmation is shown like any other.
    kiosk.client.answer = {"method": "post", "confirm": "/api/v1/pickups/confirm", "message_zh": "地址？",
                           "message_en": "Address?"}
    kiosk.code_scanned("POSTCODE2")
    kiosk.client.refuse = ApiError(409, "already_collected", "已确认过 / Already confirmed")
    kiosk.confirm_post(False)
    assert kiosk.client.scans[-1] == ("confirm_postal", "POSTCODE2", False)
    assert not kiosk.scan_result.ok and kiosk.scan_result.en == "Already confirmed"
    kiosk.go_home()
    assert kiosk.post_pending is None


def test_keypad_and_scans_outside_the_scan_screen(kiosk):
    kiosk.code_scanned("IGNORED")  # not on the scan screen
    assert kiosk.client.scans == []
    kiosk.open_scan("pickup")
    for key in ["1", "2", "3", "delete", "4", *"567890", "ok"]:
        kiosk.keypad(key)
    assert kiosk.client.scans[-1] == ("redeem_pickup", "124567890")


def test_a_typed_code_of_the_wrong_length_is_explained_before_the_server_is_asked(kiosk):
    kiosk.open_scan("pickup")
    for key in ["7", "K", "Q", "4", "M", "2", "ok"]:
        kiosk.keypad(key)
    assert kiosk.client.scans == []
    r = kiosk.scan_result
    assert not r.ok and r.zh == "号码是 9 位，您输入了 6 位，请核对"
    assert r.en == "The code has 9 characters; you typed 6. Please check it"


def test_a_refusal_reads_without_developer_detail(kiosk):
    kiosk.open_scan("pickup")
    body = {"error": "invalid_code", "message_zh": "无法识别此取件码，请核对后重新输入。",
            "message_en": "This code is not valid. Please check it. (a typing mistake (the check character))"}
    kiosk.client.refuse = ApiError(400, "invalid_code", body["message_zh"] + " / " + body["message_en"], body)
    kiosk.code_scanned("7KQ4M2XP9")
    assert (kiosk.scan_result.zh, kiosk.scan_result.en) == ("无法识别此取件码，请核对后重新输入。",
                                                            "This code is not valid. Please check it.")


def test_one_camera_line_for_each_camera_state(kiosk):
    kiosk.open_scan("pickup")
    words = {}
    for state in ("starting", "ok", "missing", "none"):
        kiosk.scan.camera_state = state
        words[state] = kiosk.scan.camera_words
    assert words["missing"] == words["none"] and "不可用" in words["missing"][0]
    assert "不可用" not in words["ok"][0] and "not available" not in words["ok"][1]
    assert all("9" in zh and "9-character" in en for zh, en in words.values())  # the code length, always


def test_one_code_at_a_time_and_no_empty_codes():
    flow = scan_flow()
    flow.open("pickup")
    flow.shared.runner.hold.add("net")
    flow.code_scanned("   ")
    flow.code_scanned("FIRST")
    flow.code_scanned("SECOND")  # the first is still with the server
    flow.shared.runner.release("net")
    assert flow.shared.client.scans == [("redeem_pickup", "FIRST")]


def test_an_unknown_mode_opens_nothing():
    flow = scan_flow()
    flow.open("teleport")
    assert flow.shared.screen == "home"


def test_a_lost_server_during_a_scan_pauses_the_kiosk(kiosk):
    kiosk.open_scan("checkin")
    kiosk.client.down = True
    kiosk.code_scanned("ABC")
    assert not kiosk.scan_result.ok and kiosk.scan_result.status is None
    assert (kiosk.scan_result.zh, kiosk.scan_result.en) == ("暂停取号，请稍候", "Ticketing paused, please wait")
    assert not kiosk.ready and not kiosk.scan_busy


def test_camera_missing_says_so_and_alerts_once(kiosk):
    kiosk.open_scan("pickup")
    kiosk.camera_status(False)
    kiosk.camera_status(True)
    kiosk.camera_status(False)
    assert kiosk.camera_state == "missing"
    assert [a[0] for a in kiosk.client.alerts] == ["camera_missing"]


def test_the_camera_runs_through_the_presenter():
    camera = FakeCamera()
    camera.frame = "a frame"
    kiosk = started_kiosk(camera=camera)
    kiosk.open_scan("pickup")
    kiosk.camera_on()  # the scan screen, when it is shown
    assert camera.running and kiosk.camera_frame() == "a frame"
    kiosk.camera_off()  # ... and when it is replaced
    assert not camera.running and kiosk.camera_frame() is None
    assert camera.starts == 1


def test_no_camera_no_preview():
    kiosk = started_kiosk()
    kiosk.camera_on()
    kiosk.camera_off()
    assert kiosk.camera_frame() is None


@pytest.mark.parametrize("message, halves", [
    ("无法识别此取件码 / This code is not valid", ("无法识别此取件码", "This code is not valid")),
    ("no such code", ("no such code", "no such code")),
    ("a / b", ("a / b", "a / b")),  # no Chinese before the slash: one message
])
def test_split_bilingual(message, halves):
    assert split_bilingual(message) == halves


def test_ticket_in_an_answer():
    ticket = {"number": "P001", "zone": "pickup"}
    assert ticket_in({"ticket": ticket, "message_zh": "x"}) == ticket
    assert ticket_in(ticket) == ticket
    assert ticket_in({"ticket": "P001"}) is None
    assert ticket_in({"ticket": {"number": ""}}) is None
    assert ticket_in({"message_zh": "已签到"}) is None
