"""预约 over the API with an injected clock: booking, cancelling, check-in around the slot edges, figures."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from queue_server.core import signed_codes
from tests.support.pickup_helpers import make_hallway

# Monday 23 Nov 2026, 08:00 in Jinan; slot 10:30-11:00 local = 02:30 UTC
EARLY_MORNING = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
SLOT = datetime(2026, 11, 23, 2, 30, tzinfo=UTC)


@pytest.fixture
def hw(tmp_path):
    return make_hallway(tmp_path, start=EARLY_MORNING)


def book(hw, start: str = "2026-11-23T10:30", zone: str = "commerce", who: str = "backoffice", **more):
    return hw.post("/api/v1/appointments", who, {"zone": zone, "slot_start": start, **more})


def booked(hw, **kw) -> dict:
    r = book(hw, **kw)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def check_in(hw, code: str, kiosk: str = "kiosk-01"):
    return hw.post("/api/v1/appointments/check-in", kiosk, {"code": code})


def ticket_row(hw, ticket_id: int) -> dict:
    db = sqlite3.connect(hw.db_path)
    db.row_factory = sqlite3.Row
    row = dict(db.execute("SELECT * FROM tickets WHERE id = ?", [ticket_id]).fetchone())
    db.close()
    return row


def refused(r, status: int, code: str) -> dict:
    body = r.get_json()
    assert r.status_code == status, body
    assert body["error"] == code and body["message_zh"] and body["message_en"]
    return body


# ---- slots and booking ----

def test_slots_show_capacity_and_bookings(hw):
    booked(hw)
    r = hw.client.get("/api/v1/appointments/slots?zone=commerce&date=2026-11-23")
    slots = {s["start"][11:16]: s for s in r.get_json()["slots"]}
    assert slots["10:30"] == {"start": "2026-11-23T10:30:00+08:00", "end": "2026-11-23T11:00:00+08:00",
                              "capacity": 6, "booked": 1, "free": 5, "bookable": True}
    assert len(slots) == 13


def test_holiday_is_closed(hw):
    hw.clock.now = datetime(2026, 9, 28, tzinfo=UTC)
    r = hw.client.get("/api/v1/appointments/slots?zone=commerce&date=2026-10-01").get_json()
    assert r["closed"] is True and r["slots"] == []
    assert book(hw, start="2026-10-01T09:00").get_json()["error"] == "closed"


def test_booking_answers_id_code_and_qr(hw):
    a = booked(hw, matter=None, name="李四", ref="WX-1")
    assert set(a) >= {"id", "code", "qr"} and a["state"] == "booked"
    assert len(a["code"]) == 10 and a["qr"].startswith("HA1")
    assert signed_codes.parse_unverified(a["qr"])[0] == "appointment"
    assert book(hw, ref="WX-1").get_json()["error"] == "duplicate"  # a retried booking is not booked twice


@pytest.mark.parametrize("body, code", [
    ({"zone": "commerce", "slot_start": "2026-11-23T10:40"}, "no_such_slot"),
    ({"zone": "commerce", "slot_start": "2026-11-23T07:30"}, "no_such_slot"),
    ({"zone": "commerce", "slot_start": "yesterday"}, "bad_field"),
    ({"zone": "pickup", "slot_start": "2026-11-23T10:30"}, "not_bookable"),
    ({"zone": "nowhere", "slot_start": "2026-11-23T10:30"}, "unknown_zone"),
    ({"slot_start": "2026-11-23T10:30"}, "missing_field"),
    ({"zone": "commerce"}, "missing_field"),
    ({"zone": "commerce", "slot_start": "2026-12-21T10:30"}, "too_far_ahead"),
    ({"zone": "commerce", "slot_start": "2026-11-23T10:30", "matter": "no-such-matter"}, "unknown_matter"),
])
def test_bad_bookings(hw, body, code):
    r = hw.post("/api/v1/appointments", "manager", body)
    assert r.status_code in (400, 409) and r.get_json()["error"] == code, r.get_json()


def test_slot_in_the_past(hw):
    hw.clock.now = SLOT
    assert book(hw).get_json()["error"] == "slot_past"


def test_capacity_is_never_exceeded(hw):
    for _ in range(6):
        booked(hw)
    assert book(hw).get_json()["error"] == "slot_full"
    first = hw.client.get("/api/v1/appointments/slots?zone=commerce&date=2026-11-23").get_json()["slots"]
    assert [s["free"] for s in first if s["start"][11:16] == "10:30"] == [0]


def test_cancel_frees_the_place_and_check_in_is_refused(hw):
    for _ in range(6):
        last = booked(hw)
    r = hw.client.delete(f"/api/v1/appointments/{last['id']}", headers=hw.h("backoffice"))
    assert r.status_code == 200 and r.get_json()["state"] == "cancelled"
    booked(hw)  # the place is free again
    hw.clock.now = SLOT
    refused(check_in(hw, last["qr"]), 409, "cancelled")
    assert hw.client.delete("/api/v1/appointments/999", headers=hw.h("manager")).status_code == 404
    assert hw.client.delete(f"/api/v1/appointments/{last['id']}", headers=hw.h("kiosk-01")).status_code == 403


# ---- check-in around the slot edges ----

@pytest.mark.parametrize("offset_s", [-1800, -1, 0, 900])
def test_check_in_within_the_window_gives_an_appointment_ticket_due_at_the_slot(hw, offset_s):
    a = booked(hw)
    hw.clock.now = SLOT + timedelta(seconds=offset_s)
    r = check_in(hw, a["qr"])
    assert r.status_code == 201, r.get_json()
    out = r.get_json()
    assert out["late"] is False and out["ticket"]["priority"] == "appointment" and out["ticket"]["zone"] == "commerce"
    row = ticket_row(hw, out["ticket"]["id"])
    assert datetime.fromisoformat(row["due_at"]) == SLOT
    assert "10:30" in out["message_zh"]


@pytest.mark.parametrize("offset_s, back_at", [(-1801, "10:00"), (-7200, "10:00")])
def test_too_early_says_when_to_come_back(hw, offset_s, back_at):
    a = booked(hw)
    hw.clock.now = SLOT + timedelta(seconds=offset_s)
    body = refused(check_in(hw, a["code"]), 409, "too_early")
    assert back_at in body["message_zh"] and back_at in body["message_en"]
    assert body["come_back_at"] == "2026-11-23T10:00:00+08:00"
    hw.clock.now = SLOT - timedelta(seconds=1800)
    assert check_in(hw, a["code"]).status_code == 201  # and then it works


def test_too_early_on_another_day_names_the_day(hw):
    a = booked(hw, start="2026-11-24T09:00")
    body = refused(check_in(hw, a["qr"]), 409, "too_early")
    assert "2026-11-24" in body["message_zh"]


@pytest.mark.parametrize("offset_s", [901, 3 * 3600])
def test_late_gives_a_normal_ticket_and_says_so(hw, offset_s):
    a = booked(hw)
    hw.clock.now = SLOT + timedelta(seconds=offset_s)
    r = check_in(hw, a["code"])
    assert r.status_code == 201
    out = r.get_json()
    assert out["late"] is True and out["ticket"]["priority"] is None
    assert "普通号" in out["message_zh"] and "normal ticket" in out["message_en"]
    assert ticket_row(hw, out["ticket"]["id"])["due_at"] is None


def test_next_day_is_expired(hw):
    a = booked(hw)
    hw.clock.now = SLOT + timedelta(days=1)
    refused(check_in(hw, a["qr"]), 410, "expired")  # the signed QR ends with its day
    refused(check_in(hw, a["code"]), 410, "expired")


def test_second_check_in_is_refused_with_the_number(hw):
    a = booked(hw)
    hw.clock.now = SLOT
    number = check_in(hw, a["qr"]).get_json()["ticket"]["number"]
    body = refused(check_in(hw, a["code"], kiosk="kiosk-02"), 409, "already_checked_in")
    assert body["ticket_number"] == number


def test_invalid_codes_and_throttle(hw):
    a = booked(hw)
    hw.clock.now = SLOT
    refused(check_in(hw, a["qr"][:-2] + "00"), 400, "invalid_code")
    pickup_qr = signed_codes.sign(hw.app.extensions["pickup_keys"].ring(), kind="licence",
                                  hall=hw.hall.config.code, object_id=a["id"], expires_at=None)
    body = refused(check_in(hw, pickup_qr), 400, "invalid_code")  # a pickup code is not an appointment code
    assert "领取证照" in body["message_zh"] and body["code_kind"] == "licence"
    for _ in range(5):
        refused(check_in(hw, "ABCD-EFGH0"), 400, "invalid_code")
    refused(check_in(hw, a["code"]), 429, "too_many_attempts")
    assert check_in(hw, a["qr"]).status_code == 201


def test_wrong_hall(hw):
    ring = hw.app.extensions["pickup_keys"].ring()
    qr = signed_codes.sign(ring, kind="appointment", hall="999999-001", object_id=1, expires_at=None)
    refused(check_in(hw, qr), 403, "wrong_hall")


def test_only_kiosks_check_in(hw):
    a = booked(hw)
    assert hw.post("/api/v1/appointments/check-in", "staff", {"code": a["qr"]}).status_code == 403


# ---- figures ----

def test_stats_bookings_check_ins_no_shows_per_zone(hw):
    on_time = booked(hw)
    late = booked(hw)
    booked(hw)  # never comes: a no-show once 10:45 has passed
    cancelled = booked(hw)
    booked(hw, zone="public", start="2026-11-23T16:00")  # later that day: still to come
    hw.client.delete(f"/api/v1/appointments/{cancelled['id']}", headers=hw.h("backoffice"))
    hw.clock.now = SLOT
    check_in(hw, on_time["qr"])
    hw.clock.now = SLOT + timedelta(minutes=20)
    check_in(hw, late["qr"])
    r = hw.get("/api/v1/appointments/stats?date=2026-11-23", "manager")
    assert r.status_code == 200
    stats = r.get_json()
    by_zone = {z["zone"]: z for z in stats["zones"]}
    assert by_zone["commerce"] == {"zone": "commerce", "bookings": 3, "cancelled": 1, "checked_in": 2, "on_time": 1,
                                   "late": 1, "no_shows": 1, "to_come": 0}
    assert by_zone["public"]["to_come"] == 1 and stats["total"]["bookings"] == 4
    assert hw.get("/api/v1/appointments/stats?date=2026-11-23", "kiosk-01").status_code == 403


def test_hall_without_appointments_file(tmp_path):
    hw = make_hallway(tmp_path, start=EARLY_MORNING, settings={"APPOINTMENTS_CONFIG_DIR": str(tmp_path)})
    r = hw.client.get("/api/v1/appointments/slots?zone=commerce")
    assert r.status_code == 404 and r.get_json()["error"] == "no_appointments"
