"""SMS: a number left at the kiosk (with consent) gets "3 ahead" and "go to window N" through the outbox and a
gateway double on 127.0.0.1; failures are retried with backoff and logged; the outbox survives a restart; the
number is stored masked and hashed, and never reaches events or public pages."""

from __future__ import annotations

import dataclasses
import json
import time

import pytest

from queue_server.app import create_app
from queue_server.hall_config import Sms, load_config
from queue_server.notify.gateway import HttpSmsGateway
from queue_server.notify.outbox import deliver_due, enqueue_due
from queue_server.notify.phones import mask, normalise
from queue_server.testing.sms_gateway_double import SmsGatewayDouble
from tests.support.pickup_helpers import make_hallway

PHONE = "13912345678"


@pytest.fixture
def gateway():
    with SmsGatewayDouble() as g:
        yield g


def sms_hall(tmp_path, gateway, **sms):
    cfg = load_config()
    cfg = dataclasses.replace(cfg, sms=Sms(enabled=True, url=gateway.url, auth_header="Authorization: Bearer gw-key",
                                           body_template='{"mobile": "$phone", "content": "$text"}', **sms))
    hw = make_hallway(tmp_path, settings={"SMS_WORKER": False})
    hw.hall.close()  # the same database, opened again with the SMS gateway switched on
    hw.app = create_app(db_path=hw.db_path, config=cfg, clock=hw.clock, settings={"SMS_WORKER": False})
    hw.client = hw.app.test_client()
    return hw


@pytest.mark.parametrize("raw, clean", [("139 1234 5678", PHONE), ("+86 13912345678", PHONE),
                                        ("139-1234-5678", PHONE)])
def test_numbers_are_normalised_and_masked(raw, clean):
    assert normalise(raw) == clean and mask(clean) == "139****5678"


@pytest.mark.parametrize("raw", ["12345", "23912345678", "1391234567x", ""])
def test_other_numbers_are_refused(raw):
    with pytest.raises(ValueError):
        normalise(raw)


def test_ahead_and_called_texts_reach_the_gateway_once_each(tmp_path, gateway):
    hw = sms_hall(tmp_path, gateway)
    take = lambda body: hw.post("/api/v1/tickets", "kiosk-01", body)  # noqa: E731
    for _ in range(5):
        take({"zone": "commerce"})
    r = take({"zone": "commerce", "phone": "139 1234 5678", "sms_consent": True})
    assert r.status_code == 201 and r.get_json()["sms_to"] == "139****5678" and r.get_json()["ahead"] == 5
    ticket = r.get_json()
    db = hw.hall.store.read()
    stored = db.execute("SELECT masked, phone_hash FROM ticket_phones").fetchone()
    assert stored[0] == "139****5678" and len(stored[1]) == 64 and PHONE not in stored[1]
    events = " ".join(row[0] for row in db.execute("SELECT data FROM events"))
    assert PHONE not in events and "139****5678" not in events

    assert hw.post("/api/v1/windows/1/open", "staff").status_code == 200
    hw.post("/api/v1/windows/1/call-next", "staff")
    assert enqueue_due(hw.hall) == 0  # 4 ahead: not yet
    for action in ("start", "finish", "call-next"):
        hw.post(f"/api/v1/windows/1/{action}", "staff")
    assert enqueue_due(hw.hall) == 1 and enqueue_due(hw.hall) == 0  # 3 ahead: once
    assert deliver_due(hw.hall, HttpSmsGateway(hw.hall.config.sms)) == 1
    sent = gateway.received[-1]
    assert sent["headers"]["Authorization"] == "Bearer gw-key"
    assert sent["body"]["mobile"] == PHONE and "前面还有 3 人" in sent["body"]["content"]
    assert ticket["number"] in sent["body"]["content"]

    for _ in range(4):
        for action in ("start", "finish", "call-next"):
            hw.post(f"/api/v1/windows/1/{action}", "staff")
    window = hw.get("/api/v1/windows/1", "staff").get_json()
    assert window["ticket"]["id"] == ticket["id"]
    assert enqueue_due(hw.hall) == 1
    assert deliver_due(hw.hall, HttpSmsGateway(hw.hall.config.sms)) == 1
    assert "请 " + ticket["number"] + " 号到 1 号窗口" in gateway.received[-1]["body"]["content"]
    assert len(gateway.received) == 2
    # after sending, the outbox keeps no clear number
    assert db.execute("SELECT count(*) FROM notifications WHERE phone IS NOT NULL").fetchone()[0] == 0


def test_failures_are_retried_with_backoff_logged_and_survive_a_restart(tmp_path, gateway):
    hw = sms_hall(tmp_path, gateway, retry_s=30, max_attempts=3)
    for _ in range(4):
        hw.post("/api/v1/tickets", "kiosk-01", {"zone": "commerce"})
    hw.post("/api/v1/tickets", "kiosk-01", {"zone": "commerce", "phone": PHONE, "sms_consent": True})
    hw.post("/api/v1/windows/1/open", "staff")
    hw.post("/api/v1/windows/1/call-next", "staff")
    assert enqueue_due(hw.hall) == 1
    gateway.fail_next = 1
    gw = HttpSmsGateway(hw.hall.config.sms)
    assert deliver_due(hw.hall, gw) == 0
    assert deliver_due(hw.hall, gw) == 0  # not due again until the backoff has passed
    assert len(gateway.received) == 1
    hw.clock.advance(31)
    config = hw.hall.config
    hw.hall.close()  # a restart: the outbox is in the database
    app = create_app(db_path=hw.db_path, config=config, clock=hw.clock, settings={"SMS_WORKER": False})
    hall = app.extensions["hall"]
    assert deliver_due(hall, HttpSmsGateway(hall.config.sms)) == 1
    log = list(hall.store.read().query("SELECT outcome, status FROM notification_log ORDER BY id"))
    assert [(r["outcome"], r["status"]) for r in log] == [("failed", 500), ("sent", 200)]
    hall.close()


def test_a_phone_needs_consent_a_gateway_and_a_mobile_number(tmp_path, gateway):
    hw = sms_hall(tmp_path, gateway)
    r = hw.post("/api/v1/tickets", "kiosk-01", {"zone": "commerce", "phone": PHONE})
    assert r.status_code == 400 and r.get_json()["error"] == "sms_consent_missing"
    r = hw.post("/api/v1/tickets", "kiosk-01", {"zone": "commerce", "phone": "555-1234", "sms_consent": True})
    assert r.status_code == 400 and r.get_json()["error"] == "bad_phone"
    (tmp_path / "off").mkdir()
    off = make_hallway(tmp_path / "off")
    r = off.post("/api/v1/tickets", "kiosk-01", {"zone": "commerce", "phone": PHONE, "sms_consent": True})
    assert r.status_code == 400 and r.get_json()["error"] == "sms_disabled"


def test_the_template_body_stays_valid_json_whatever_the_text():
    template = '{"to": "$phone", "t": "$text"}'
    gw = HttpSmsGateway(Sms(enabled=True, url="http://127.0.0.1:9/send", body_template=template))
    assert json.loads(gw.body(PHONE, 'a "quoted"\nline 窗口')) == {"to": PHONE, "t": 'a "quoted"\nline 窗口'}


def test_the_issuing_kiosk_adds_a_number_after_printing_once(tmp_path, gateway):
    hw = sms_hall(tmp_path, gateway)
    t = hw.post("/api/v1/tickets", "kiosk-01", {"zone": "commerce"}).get_json()
    r = hw.post(f"/api/v1/tickets/{t['id']}/sms", "kiosk-02", {"phone": PHONE, "sms_consent": True})
    assert r.status_code == 403 and r.get_json()["error"] == "not_your_ticket"
    r = hw.post(f"/api/v1/tickets/{t['id']}/sms", "kiosk-01", {"phone": PHONE})
    assert r.status_code == 400 and r.get_json()["error"] == "sms_consent_missing"
    r = hw.post(f"/api/v1/tickets/{t['id']}/sms", "kiosk-01", {"phone": PHONE, "sms_consent": True})
    assert r.status_code == 200 and r.get_json() == {"sms_to": "139****5678"}
    r = hw.post(f"/api/v1/tickets/{t['id']}/sms", "kiosk-01", {"phone": PHONE, "sms_consent": True})
    assert r.status_code == 409 and r.get_json()["error"] == "sms_already_set"


def test_the_notifier_beside_the_server_sends_by_itself(tmp_path, gateway):
    hw = sms_hall(tmp_path, gateway)
    config = hw.hall.config
    hw.hall.close()
    app = create_app(db_path=hw.db_path, config=config, clock=hw.clock, settings={"SMS_WORKER": True})
    http = app.test_client()
    try:
        assert "sms_notifier" in app.extensions
        kiosk = hw.h("kiosk-01")
        for _ in range(4):
            http.post("/api/v1/tickets", json={"zone": "commerce"}, headers=kiosk)
        http.post("/api/v1/tickets", json={"zone": "commerce", "phone": PHONE, "sms_consent": True}, headers=kiosk)
        http.post("/api/v1/windows/1/open", headers=hw.h("staff"))
        http.post("/api/v1/windows/1/call-next", headers=hw.h("staff"))  # now 3 ahead
        deadline = time.monotonic() + 30
        while not gateway.received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert gateway.received and "前面还有 3 人" in gateway.received[0]["body"]["content"]
    finally:
        app.extensions["hall"].close()


def test_a_managers_ticket_with_a_phone_leaves_only_the_masked_number_in_the_audit_log(tmp_path, gateway):
    hw = sms_hall(tmp_path, gateway)
    r = hw.post("/api/v1/tickets", "manager", {"zone": "commerce", "phone": PHONE, "sms_consent": True})
    assert r.status_code == 201
    details = " ".join(row[0] or "" for row in hw.hall.store.read().execute("SELECT detail FROM audit_log"))
    assert "139****5678" in details and PHONE not in details


LICENCE = {"case_no": "LX-2026-0042", "licence_type": "营业执照", "holder_name": "王小明", "id_last4": "123X",
           "phone_last4": "5678", "method": "desk"}


def test_a_licence_registered_ready_with_a_mobile_number_texts_its_holder_once(tmp_path, gateway):
    hw = sms_hall(tmp_path, gateway)
    r = hw.post("/api/v1/licences", "manager", LICENCE | {"phone": "139 1234 5678"})
    assert r.status_code == 201, r.get_json()
    code = r.get_json()["pickup_code"]
    db = hw.hall.store.read()
    assert db.execute("SELECT masked, phone FROM licence_phones").fetchone() == ("139****5678", None)
    assert deliver_due(hw.hall, HttpSmsGateway(hw.hall.config.sms)) == 1
    sent = gateway.received[-1]["body"]
    assert sent["mobile"] == PHONE and code in sent["content"] and "LX-2026-0042" in sent["content"]
    assert deliver_due(hw.hall, HttpSmsGateway(hw.hall.config.sms)) == 0  # once
    assert db.execute("SELECT count(*) FROM notifications WHERE phone IS NOT NULL").fetchone()[0] == 0
    audit = " ".join(row[0] or "" for row in db.execute("SELECT detail FROM audit_log"))
    assert PHONE not in audit


def test_an_imported_pending_licence_texts_when_it_becomes_ready(tmp_path, gateway):
    hw = sms_hall(tmp_path, gateway)
    csv = ("case_no,licence_type,holder_name,id_last4,phone_last4,phone,ready\n"
           "LX-1,营业执照,王小明,123X,5678,13912345678,no\n"
           "LX-2,食品经营许可证,李四,4321,0000,13912345678,no\n")
    r = hw.client.post("/api/v1/licences/import", data=csv.encode(), headers=hw.h("manager"),
                       content_type="text/csv")
    report = r.get_json()
    assert report["created"] == 1 and report["errors"][0]["field"] == "phone"  # not the phone that ends 0000
    licence_id = report["licences"][0]["id"]
    assert deliver_due(hw.hall, HttpSmsGateway(hw.hall.config.sms)) == 0  # not ready yet: nothing to say
    assert hw.post(f"/api/v1/licences/{licence_id}/ready", "manager").status_code == 200
    assert deliver_due(hw.hall, HttpSmsGateway(hw.hall.config.sms)) == 1
    assert "LX-1" in gateway.received[-1]["body"]["content"]


def test_with_sms_switched_off_a_ready_licence_texts_nobody(tmp_path, gateway):
    hw = make_hallway(tmp_path, settings={"SMS_WORKER": False})
    assert not hw.hall.config.sms.enabled
    assert hw.post("/api/v1/licences", "manager", LICENCE | {"phone": PHONE}).status_code == 201
    assert hw.hall.store.read().execute("SELECT count(*) FROM notifications").fetchone()[0] == 0
    assert deliver_due(hw.hall, HttpSmsGateway(hw.hall.config.sms)) == 0 and gateway.received == []
