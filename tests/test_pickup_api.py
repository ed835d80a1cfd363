"""统一出件 over the API (in process, fixed clock): register, redeem at a kiosk, every refusal, handover."""

from __future__ import annotations

import json
import sqlite3
import stat

import pytest

from hardware.locker import open_locker
from hardware.testing.locker_board import PtyLockerBoard
from queue_server.codes import keyfile
from queue_server.core import signed_codes
from tests.support.pickup_helpers import make_hallway


@pytest.fixture
def hw(tmp_path):
    return make_hallway(tmp_path)


def audit_rows(hw, licence_id=None) -> list[dict]:
    db = sqlite3.connect(hw.db_path)
    db.row_factory = sqlite3.Row
    sql, args = "SELECT * FROM code_audit", []
    if licence_id is not None:
        sql, args = sql + " WHERE object_id = ?", [licence_id]
    rows = [dict(r) for r in db.execute(sql + " ORDER BY id", args)]
    db.close()
    return rows


def assert_refused(r, status: int, code: str) -> dict:
    body = r.get_json()
    assert r.status_code == status, body
    assert body["error"] == code
    assert body["message_zh"] and body["message_en"] and body["message"].startswith(body["message_zh"])
    return body


# ---- registering ----

def test_register_returns_code_and_qr_and_stores_no_digits(hw):
    lic = hw.licence()
    assert set(lic) >= {"id", "pickup_code", "pickup_qr"}
    assert len(lic["pickup_code"]) == 10 and lic["pickup_code"][4] == "-"
    assert lic["pickup_qr"].startswith("HL1")
    raw = sqlite3.connect(hw.db_path).execute("SELECT * FROM licences").fetchone()
    assert "123X" not in json.dumps(raw) and "5678" not in json.dumps(raw)
    assert lic["pickup_code"].replace("-", "") not in json.dumps(raw)
    key_file = keyfile.key_path_for(hw.db_path)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_backoffice_device_may_register_but_a_kiosk_may_not(hw):
    body = {"case_no": "C9", "licence_type": "食品经营许可证", "holder_name": "李四", "id_last4": "0001",
            "phone_last4": "0002"}
    assert hw.post("/api/v1/licences", "backoffice", body).status_code == 201
    assert hw.post("/api/v1/licences", "kiosk-01", body | {"case_no": "C10"}).status_code == 403


@pytest.mark.parametrize("change, field", [
    ({"id_last4": "12345"}, "id_last4"), ({"phone_last4": "12a4"}, "phone_last4"), ({"method": "drone"}, "method"),
    ({"method": "locker"}, "locker_door"), ({"method": "post"}, "post_address"), ({"holder_name": ""}, "holder_name"),
    ({"expires_at": "2020-01-01"}, "expires_at"), ({"expires_at": "next week"}, "expires_at"),
])
def test_register_bad_fields(hw, change, field):
    body = {"case_no": "C1", "licence_type": "营业执照", "holder_name": "王五", "id_last4": "1234",
            "phone_last4": "5678"} | change
    r = hw.post("/api/v1/licences", "manager", body)
    assert r.status_code == 400 and r.get_json()["field"] == field, r.get_json()


def test_duplicate_case_and_type_is_a_conflict(hw):
    hw.licence()
    body = {"case_no": "LX2026-0001", "licence_type": "营业执照", "holder_name": "张三丰", "id_last4": "123X",
            "phone_last4": "5678"}
    assert hw.post("/api/v1/licences", "manager", body).get_json()["error"] == "duplicate"


def test_manager_audit_log_never_sees_the_digits(hw):
    hw.licence()
    db = sqlite3.connect(hw.db_path)
    details = " ".join(r[0] or "" for r in db.execute("SELECT detail FROM audit_log"))
    assert "123X" not in details and "5678" not in details


# ---- desk pickup ----

def test_desk_pickup_by_qr_gives_a_pickup_ticket_with_the_licence(hw):
    lic = hw.licence()
    r = hw.redeem(lic["pickup_qr"])
    assert r.status_code == 201, r.get_json()
    out = r.get_json()
    assert out["method"] == "desk" and out["ticket"]["zone"] == "pickup" and out["ticket"]["number"] == "P001"
    assert out["ticket"]["extra"]["licence_id"] == lic["id"]
    assert out["ticket"]["extra"]["holder"] == "张*丰"  # public events never carry the full name
    assert "P001" in out["message_zh"] and "P001" in out["message_en"]
    got = hw.get(f"/api/v1/licences/{lic['id']}", "manager").get_json()
    assert got["state"] == "redeemed" and got["ticket_number"] == "P001" and got["redeemed_kiosk"] == "kiosk-01"


@pytest.mark.parametrize("shape", [str, str.lower, lambda c: c.replace("-", " "), lambda c: c.replace("-", "")])
def test_desk_pickup_by_typed_code(hw, shape):
    lic = hw.licence()
    r = hw.redeem(shape(lic["pickup_code"]))
    assert r.status_code == 201, r.get_json()


# ---- refusals ----

def test_forged_or_altered_code_is_invalid_and_audited(hw):
    lic = hw.licence()
    t = lic["pickup_qr"]
    forged = t[:-1] + ("0" if t[-1] != "0" else "1")
    assert_refused(hw.redeem(forged), 400, "invalid_code")
    other_id = signed_codes.sign(signed_codes.KeyRing(keys=(signed_codes.new_key(1),), code_secret=b"x" * 32),
                                 kind="licence", hall=hw.hall.config.code, object_id=lic["id"], expires_at=None)
    assert_refused(hw.redeem(other_id), 400, "invalid_code")
    assert_refused(hw.redeem("ABCD-EFGH0"), 400, "invalid_code")
    assert_refused(hw.redeem(""), 400, "invalid_code")
    rows = audit_rows(hw)  # the same refusal again within a minute counts on one row
    assert [(r["outcome"], r["typed"], r["repeats"]) for r in rows] == [("invalid_code", 0, 2), ("invalid_code", 1, 2)]
    assert all(r["device"] == "kiosk-01" for r in rows)


def test_code_of_another_hall(hw):
    ring = hw.app.extensions["pickup_keys"].ring()
    t = signed_codes.sign(ring, kind="licence", hall="370103-002", object_id=1, expires_at=None)
    body = assert_refused(hw.redeem(t), 403, "wrong_hall")
    assert "370103-002" in body["message_zh"] and body["hall"] == "370103-002"
    assert audit_rows(hw)[-1]["outcome"] == "wrong_hall"


@pytest.mark.parametrize("form", ["pickup_qr", "pickup_code"])
def test_expired_says_where_to_go(hw, form):
    lic = hw.licence(expires_at="2026-11-30")
    hw.clock.advance(8 * 86400)
    body = assert_refused(hw.redeem(lic[form]), 410, "expired")
    assert "咨询服务区" in body["message_zh"] and "Enquiries" in body["message_en"]
    assert body["go_to_zh"].startswith("咨询服务区")
    assert audit_rows(hw, lic["id"])[-1]["outcome"] == "expired"


def test_already_collected_says_when_and_where(hw):
    lic = hw.licence()
    assert hw.redeem(lic["pickup_qr"]).status_code == 201
    body = assert_refused(hw.redeem(lic["pickup_code"], kiosk="kiosk-02"), 409, "already_collected")
    assert "2026-11-23 10:00" in body["message_zh"] and "kiosk-01" in body["message_zh"]
    assert body["ticket_number"] == "P001"
    outcomes = [r["outcome"] for r in audit_rows(hw, lic["id"])]
    assert outcomes == ["claimed", "issued", "already_collected"]


def test_not_ready_until_marked_ready(hw):
    lic = hw.licence(ready=False)
    assert_refused(hw.redeem(lic["pickup_qr"]), 409, "not_ready")
    assert hw.post(f"/api/v1/licences/{lic['id']}/ready", "backoffice").get_json()["state"] == "ready"
    assert hw.redeem(lic["pickup_qr"]).status_code == 201


def test_too_many_wrong_typed_codes_in_a_minute(hw):
    good = hw.licence()
    other = hw.licence(case_no="LX2026-0002")
    for _ in range(5):
        assert_refused(hw.redeem("ABCD-EFGH0"), 400, "invalid_code")
    body = assert_refused(hw.redeem(good["pickup_code"]), 429, "too_many_attempts")
    assert body["retry_after_s"] == 60
    elsewhere = {"REMOTE_ADDR": "10.0.0.2"}  # only that kiosk (and its address) slows down
    r = hw.post("/api/v1/pickups", "kiosk-02", {"code": good["pickup_code"]}, environ_base=elsewhere)
    assert r.status_code == 201
    assert hw.redeem(other["pickup_qr"]).status_code == 201  # a scanned QR cannot be guessed: still served
    hw.clock.advance(61)
    assert_refused(hw.redeem("ABCD-EFGH0"), 400, "invalid_code")
    assert [(r["outcome"], r["repeats"]) for r in audit_rows(hw)[:2]] == [("invalid_code", 5), ("too_many_attempts", 1)]


def test_limit_is_a_setting(tmp_path):
    hw = make_hallway(tmp_path, settings={"PICKUP_MAX_WRONG_PER_MINUTE": 2})
    for _ in range(2):
        hw.redeem("ABCD-EFGH0")
    assert_refused(hw.redeem("ABCD-EFGH0"), 429, "too_many_attempts")


def test_only_kiosks_redeem(hw):
    lic = hw.licence()
    assert hw.post("/api/v1/pickups", "display", {"code": lic["pickup_qr"]}).status_code == 403
    assert hw.client.post("/api/v1/pickups", json={"code": lic["pickup_qr"]}).status_code == 401
    assert hw.post("/api/v1/pickups", "kiosk-01", {"code": 5}).status_code == 400


# ---- key rotation on a running server ----

def test_rotation_and_retirement_while_running(hw):
    path = keyfile.key_path_for(hw.db_path)
    old = hw.licence()
    assert keyfile.rotate(path, hw.clock()) == 2
    new = hw.licence(case_no="LX2026-0002")
    assert signed_codes.parse_unverified(new["pickup_qr"])[1] == 2
    assert signed_codes.parse_unverified(old["pickup_qr"])[1] == 1
    third = hw.licence(case_no="LX2026-0003")
    keyfile.retire(path, 1, hw.clock())
    assert_refused(hw.redeem(old["pickup_qr"]), 400, "invalid_code")  # retired key
    assert hw.redeem(old["pickup_code"]).status_code == 201  # the typed code does not depend on the key
    assert hw.redeem(new["pickup_qr"]).status_code == 201
    reprint = hw.get(f"/api/v1/licences/{third['id']}/sms", "manager").get_json()["text"]
    assert third["pickup_code"] in reprint
    with pytest.raises(keyfile.KeyFileError):
        keyfile.retire(path, 2, hw.clock())  # the last active key
    assert [k["id"] for k in keyfile.describe(path)] == [1, 2]
    assert "secret" not in keyfile.describe(path)[0]


# ---- locker ----

def test_locker_opens_the_door(tmp_path):
    with PtyLockerBoard() as board:
        hw = make_hallway(tmp_path, locker=open_locker(f"serial:{board.port}"))
        lic = hw.licence(method="locker", locker_door="7")
        r = hw.redeem(lic["pickup_code"])
        assert r.status_code == 201, r.get_json()
        assert r.get_json()["door"] == "7" and "7" in r.get_json()["message_zh"]
        assert board.opened == ["7"]
        body = assert_refused(hw.redeem(lic["pickup_qr"]), 409, "already_collected")
        assert "7" in body["where_zh"]
        hw.app.extensions["pickup_locker"].close()


def test_jammed_door_leaves_the_licence_ready(tmp_path):
    with PtyLockerBoard(jammed=("3",)) as board:
        hw = make_hallway(tmp_path, locker=open_locker(f"serial:{board.port}"))
        lic = hw.licence(method="locker", locker_door="3")
        body = assert_refused(hw.redeem(lic["pickup_qr"]), 503, "locker_failed")
        assert body["locker_error"] == "JAMMED"
        assert hw.get(f"/api/v1/licences/{lic['id']}", "manager").get_json()["state"] == "ready"
        hw.app.extensions["pickup_locker"].close()


def test_no_locker_configured_is_a_clear_error(hw):
    lic = hw.licence(method="locker", locker_door="7")
    body = assert_refused(hw.redeem(lic["pickup_qr"]), 503, "no_locker")
    assert "统一出件" in body["message_zh"]


# ---- post ----

def test_post_shows_masked_address_then_confirms(hw):
    lic = hw.licence(method="post", post_address="山东省济南市历下区泉城路188号3单元502室")
    r = hw.redeem(lic["pickup_qr"])
    assert r.status_code == 200
    masked = r.get_json()["address_masked"]
    assert masked.startswith("山东省济南市") and masked.endswith("2室") and "188号" not in masked
    no = hw.post("/api/v1/pickups/confirm", "kiosk-01", {"code": lic["pickup_qr"], "accept": False}).get_json()
    assert no["state"] == "ready"
    yes = hw.post("/api/v1/pickups/confirm", "kiosk-01", {"code": lic["pickup_code"], "accept": True})
    assert yes.status_code == 200 and yes.get_json()["state"] == "post_confirmed"
    assert_refused(hw.redeem(lic["pickup_qr"]), 409, "already_collected")
    desk = hw.licence(case_no="D1")
    assert_refused(hw.post("/api/v1/pickups/confirm", "kiosk-01", {"code": desk["pickup_qr"], "accept": True}),
                   409, "wrong_method")


# ---- handover at the desk ----

def test_handover_checks_the_id_digits_and_audits_who_where_which_kiosk(hw):
    lic = hw.licence()
    ticket = hw.redeem(lic["pickup_qr"], kiosk="kiosk-02").get_json()["ticket"]
    url = f"/api/v1/licences/{lic['id']}/handover"
    assert hw.post(url, "staff", {"id_last4": "123X"}).get_json()["error"] == "no_window"
    assert hw.post("/api/v1/windows/41/open", "staff").status_code == 200
    assert_refused(hw.post(url, "staff", {"id_last4": "1234"}), 403, "id_mismatch")
    r = hw.post(url, "staff", {"id_last4": "123x"})
    assert r.status_code == 200, r.get_json()
    out = r.get_json()
    assert (out["state"], out["collected_by"], out["collected_window"], out["collected_kiosk"]) == \
        ("collected", "desk1", 41, "kiosk-02")
    last = audit_rows(hw, lic["id"])[-1]
    assert (last["action"], last["staff"], last["window"], last["device"], last["ticket_id"]) == \
        ("handover", "desk1", 41, "kiosk-02", ticket["id"])
    assert_refused(hw.post(url, "staff", {"id_last4": "123X"}), 409, "already_collected")
    history = hw.get(f"/api/v1/licences/{lic['id']}", "manager").get_json()["history"]
    assert [h["outcome"] for h in history] == ["claimed", "issued", "id_mismatch", "collected", "already_collected"]


def test_handover_at_someone_elses_window_is_refused(hw):
    lic = hw.licence()
    r = hw.post(f"/api/v1/licences/{lic['id']}/handover", "staff", {"id_last4": "123X", "window": 42})
    assert r.status_code == 403 and r.get_json()["error"] == "not_your_window"


def test_repeated_wrong_id_digits_lock_the_handover(hw):
    lic = hw.licence()
    hw.redeem(lic["pickup_qr"])
    hw.post("/api/v1/windows/41/open", "staff")
    url = f"/api/v1/licences/{lic['id']}/handover"
    for digits in ("0000", "1111", "2222"):
        assert_refused(hw.post(url, "staff", {"id_last4": digits}), 403, "id_mismatch")
    assert_refused(hw.post(url, "staff", {"id_last4": "123X"}), 429, "too_many_attempts")
    hw.clock.advance(31 * 60)
    assert hw.post(url, "staff", {"id_last4": "123X"}).status_code == 200


def test_the_days_code_audit_for_the_manager(hw):
    lic = hw.licence()
    hw.redeem("ABCD-EFGH0")
    hw.redeem(lic["pickup_qr"])
    r = hw.get("/api/v1/code-audit?date=2026-11-23", "manager")
    assert [e["outcome"] for e in r.get_json()["entries"]] == ["issued", "claimed", "invalid_code"]
    assert hw.get("/api/v1/code-audit?date=2026-11-22", "manager").get_json()["entries"] == []
    assert hw.get("/api/v1/code-audit", "staff").status_code == 403
    assert hw.get("/api/v1/code-audit?date=soon", "manager").status_code == 400


def test_a_lapsed_pickup_ticket_frees_the_licence_for_a_new_one(hw):
    lic = hw.licence()
    first = hw.redeem(lic["pickup_qr"]).get_json()["ticket"]
    assert_refused(hw.redeem(lic["pickup_qr"]), 409, "already_collected")
    assert hw.post(f"/api/v1/tickets/{first['id']}/cancel", "kiosk-01").status_code == 200
    again = hw.redeem(lic["pickup_qr"])
    assert again.status_code == 201 and again.get_json()["ticket"]["number"] == "P002"
    hw.clock.advance(86400)  # the next day: yesterday's waiting ticket no longer holds it
    assert hw.redeem(lic["pickup_code"]).get_json()["ticket"]["number"] == "P001"


def test_an_appointment_code_at_pickup_points_to_check_in(hw):
    ring = hw.app.extensions["pickup_keys"].ring()
    qr = signed_codes.sign(ring, kind="appointment", hall=hw.hall.config.code, object_id=1, expires_at=None)
    body = assert_refused(hw.redeem(qr), 400, "invalid_code")
    assert "预约签到" in body["message_zh"] and "Appointment check-in" in body["message_en"]


def test_the_desk_console_sees_which_licence_to_fetch(hw):
    lic = hw.licence()
    hw.redeem(lic["pickup_qr"])
    hw.post("/api/v1/windows/41/open", "staff")
    assert hw.get("/api/v1/windows/41/licence", "staff").get_json() == {"window": 41, "ticket_id": None,
                                                                        "licence": None}
    called = hw.post("/api/v1/windows/41/call-next", "staff").get_json()
    shown = hw.get("/api/v1/windows/41/licence", "staff").get_json()
    assert shown["ticket_id"] == called["id"] and called["extra"]["licence_id"] == lic["id"]
    assert shown["licence"]["holder_name"] == "张三丰" and shown["licence"]["case_no"] == "LX2026-0001"
    assert hw.get("/api/v1/windows/99/licence", "staff").status_code == 404
    assert hw.get("/api/v1/windows/41/licence", "kiosk-01").status_code == 403
