"""The licence desk's API: the ready text queued in the SMS outbox and sent by the notifier's round, postal state
(waybill, posted, delivered, returned; events appended), batch notices as one PDF, licences left uncollected."""

from __future__ import annotations

import dataclasses
import sqlite3
import subprocess
from datetime import timedelta

import pytest

from queue_server.app import create_app
from queue_server.hall_config import Sms, load_config
from queue_server.notify.gateway import HttpSmsGateway
from queue_server.notify.outbox import deliver_due
from queue_server.pickups import postal
from queue_server.testing.sms_gateway_double import SmsGatewayDouble
from tests.support.pickup_helpers import make_hallway

PHONE = "13912345678"


@pytest.fixture
def gateway():
    with SmsGatewayDouble() as g:
        yield g


@pytest.fixture
def hw(tmp_path, gateway):
    cfg = dataclasses.replace(load_config(), sms=Sms(enabled=True, url=gateway.url, auth_header="Authorization: x",
                                                     body_template='{"mobile": "$phone", "content": "$text"}'))
    hw = make_hallway(tmp_path, settings={"SMS_WORKER": False})
    hw.hall.close()
    hw.app = create_app(db_path=hw.db_path, config=cfg, clock=hw.clock, settings={"SMS_WORKER": False})
    hw.client = hw.app.test_client()
    yield hw
    hw.hall.close()


def outbox(hw) -> list[tuple]:
    db = sqlite3.connect(hw.db_path)
    rows = db.execute("SELECT licence_id, state, masked, phone FROM notifications ORDER BY id").fetchall()
    db.close()
    return rows


def test_sms_is_queued_on_request_and_the_notifier_sends_it(hw, gateway):
    lic = hw.licence(ready=False)
    url = f"/api/v1/licences/{lic['id']}/sms"
    r = hw.post(url, "backoffice", {"phone": PHONE})
    assert r.status_code == 409 and r.get_json()["error"] == "not_ready"
    assert hw.post(f"/api/v1/licences/{lic['id']}/ready", "manager").status_code == 200
    r = hw.post(url, "backoffice", {"phone": "13912340000"})  # not the registered last four digits
    assert r.status_code == 400 and r.get_json()["error"] == "phone_mismatch"
    assert hw.post(url, "backoffice", {}).get_json()["error"] == "phone_required"
    assert outbox(hw) == []  # nothing changed on refusal
    r = hw.post(url, "backoffice", {"phone": "139 1234 5678"})
    assert r.status_code == 202 and r.get_json()["state"] == "pending" and r.get_json()["to"] == "139****5678"
    assert hw.post(url, "backoffice", {}).get_json()["error"] == "sms_queued"
    assert deliver_due(hw.hall, HttpSmsGateway(hw.hall.config.sms)) == 1
    assert gateway.received[0]["body"]["mobile"] == PHONE and lic["pickup_code"] in gateway.received[0]["body"][
        "content"]
    assert outbox(hw) == [(lic["id"], "sent", "139****5678", None)]  # the clear number is gone once sent
    row = next(x for x in hw.get("/api/v1/licences/overview", "manager").get_json()["licences"] if x["id"] == lic["id"])
    assert row["sms"]["state"] == "sent"
    again = hw.post(url, "backoffice", {"phone": PHONE})  # sent once; the desk may send it again
    assert again.status_code == 202 and outbox(hw)[0][1] == "pending"


def test_sms_refused_when_the_hall_sends_none(tmp_path):
    hw = make_hallway(tmp_path)
    lic = hw.licence()
    r = hw.post(f"/api/v1/licences/{lic['id']}/sms", "manager", {"phone": PHONE})
    assert r.status_code == 409 and r.get_json()["error"] == "sms_disabled"
    assert hw.post(f"/api/v1/licences/{lic['id']}/sms", "kiosk-01", {}).status_code == 403
    hw.hall.close()


def test_postal_state_machine_pure():
    s = postal.apply(postal.Postal(), "waybill", "ems-1234567")
    assert s == postal.Postal("labelled", "EMS-1234567")
    s = postal.apply(s, "posted")
    with pytest.raises(postal.PostalError) as e:
        postal.apply(s, "waybill", "EMS-0000000")
    assert e.value.code == "bad_transition"
    back = postal.apply(s, "returned")
    assert postal.next_events(back) == ["waybill"]
    assert postal.fold([{"event": "waybill", "waybill": "E1234567"}, {"event": "posted"},
                        {"event": "delivered"}]).state == "delivered"
    with pytest.raises(postal.PostalError):
        postal.apply(postal.Postal(), "posted")
    with pytest.raises(postal.PostalError):
        postal.apply(postal.Postal(), "waybill", "x")


def test_postal_events_over_the_api(hw):
    lic = hw.licence(method="post", post_address="山东省济南市历下区泉城路188号3单元502室")
    url = f"/api/v1/licences/{lic['id']}/postal"
    r = hw.post(url, "backoffice", {"event": "waybill", "waybill": "EMS1234567"})
    assert r.status_code == 409 and r.get_json()["error"] == "not_confirmed"
    hw.post("/api/v1/pickups/confirm", "kiosk-01", {"code": lic["pickup_code"], "accept": True})
    r = hw.post(url, "backoffice", {"event": "posted"})
    assert r.status_code == 409 and r.get_json()["error"] == "bad_transition"
    assert hw.post(url, "backoffice", {"event": "lost"}).get_json()["error"] == "bad_event"
    assert hw.post(url, "backoffice", {"event": "waybill", "waybill": "no"}).get_json()["error"] == "bad_waybill"
    assert hw.get(url, "manager").get_json()["events"] == []  # nothing changed on refusal
    assert hw.post(url, "backoffice", {"event": "waybill", "waybill": "EMS1234567"}).status_code == 201
    assert hw.post(url, "backoffice", {"event": "posted"}).get_json()["state"] == "posted"
    r = hw.post(url, "backoffice", {"event": "returned", "note": "地址不详"}).get_json()
    assert r["state"] == "returned" and r["next"] == ["waybill"] and len(r["events"]) == 3
    listed = hw.get("/api/v1/licences/uncollected", "manager").get_json()["licences"]
    assert [(x["id"], x["reason"]) for x in listed] == [(lic["id"], "returned")]
    hw.post(url, "backoffice", {"event": "waybill", "waybill": "EMS7654321"})
    hw.post(url, "backoffice", {"event": "posted"})
    assert hw.post(url, "backoffice", {"event": "delivered"}).get_json()["state"] == "delivered"
    db = sqlite3.connect(hw.db_path)
    with pytest.raises(sqlite3.DatabaseError):
        db.execute("DELETE FROM licence_postal_events")
    db.close()
    desk = hw.licence(case_no="D-1")
    r = hw.post(f"/api/v1/licences/{desk['id']}/postal", "backoffice", {"event": "waybill", "waybill": "EMS1"})
    assert r.get_json()["error"] == "not_postal"


def test_uncollected_after_the_hold_period(hw):
    old = hw.licence(case_no="OLD-1")
    hw.clock.now += timedelta(days=hw.hall.config.rules.licence_hold_days - 1)
    hw.licence(case_no="NEW-1", expires_at=None)
    assert hw.get("/api/v1/licences/uncollected", "manager").get_json()["licences"] == []
    hw.clock.now += timedelta(days=1, seconds=1)
    r = hw.get("/api/v1/licences/uncollected", "backoffice").get_json()
    assert r["hold_days"] == 90 and [(x["id"], x["days_waiting"]) for x in r["licences"]] == [(old["id"], 90)]


def test_batch_notices_are_one_pdf_one_page_each_with_the_cjk_font(hw, tmp_path):
    a = hw.licence(case_no="B-1", holder_name="张三丰")
    b = hw.licence(case_no="B-2", holder_name="欧阳小明", method="locker", locker_door="A3")
    r = hw.get(f"/api/v1/licences/notices.pdf?ids={a['id']},{b['id']}", "backoffice")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    path = tmp_path / "batch.pdf"
    path.write_bytes(r.data)
    pages = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = pages.split("\f")
    assert "B-1" in pages[0] and a["pickup_code"] in pages[0] and "证照领取通知" in pages[0]
    assert "B-2" in pages[1] and b["pickup_code"] in pages[1] and "欧**明" in pages[1]
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts and " yes " in fonts.splitlines()[2]  # the face is embedded
    for bad, code in (("", "missing_field"), ("1,x", "bad_field"), (",".join(["1"] * 201), "bad_field")):
        r = hw.get(f"/api/v1/licences/notices.pdf?ids={bad}", "manager")
        assert r.status_code == 400 and r.get_json()["error"] == code
    assert hw.get("/api/v1/licences/notices.pdf?ids=999", "manager").status_code == 404
