"""The appointment desk's API on a fixed clock: the slot picker, the day's list with check-ins and no-shows,
moving a booking, capacity changes that never go below the bookings, and a backoffice user account."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from queue_server.ops import accounts
from tests.support.pickup_helpers import make_hallway

MONDAY_8 = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # 08:00 in Jinan


@pytest.fixture
def hw(tmp_path):
    hw = make_hallway(tmp_path, start=MONDAY_8)
    yield hw
    hw.hall.close()


def book(hw, start="2026-11-23T10:30", zone="economy", **more) -> dict:
    r = hw.post("/api/v1/appointments", "backoffice", {"zone": zone, "slot_start": start, **more})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def rows(hw) -> list[tuple]:
    db = sqlite3.connect(hw.db_path)
    out = db.execute("SELECT id, slot_start, state FROM appointments ORDER BY id").fetchall()
    db.close()
    return out


def test_picker_shows_days_and_slots_with_capacity_left(hw):
    book(hw, name="王五")
    r = hw.get("/api/v1/appointments/picker?zone=economy&from=2026-11-23&days=7", "backoffice").get_json()
    assert r["today"] == "2026-11-23" and [d["date"] for d in r["days"]][:2] == ["2026-11-23", "2026-11-24"]
    monday = {s["start"][11:16]: s for s in r["days"][0]["slots"]}
    assert monday["10:30"]["free"] == 0 and monday["11:00"]["free"] == 1
    assert r["days"][5]["slots"] == []  # Saturday: economy takes no bookings
    for q, code in (("zone=economy&days=15", "out_of_range"), ("zone=nope", "unknown_zone"), ("", "missing_field")):
        assert hw.get(f"/api/v1/appointments/picker?{q}", "manager").get_json()["error"] == code
    assert hw.get("/api/v1/appointments/picker?zone=economy", "kiosk-01").status_code == 403


def test_move_keeps_the_code_and_frees_the_old_slot(hw):
    a = book(hw)
    other = book(hw, start="2026-11-23T11:00")
    url = f"/api/v1/appointments/{a['id']}/move"
    before = rows(hw)
    for body, status, code in (({"slot_start": "2026-11-23T11:00"}, 409, "slot_full"),
                               ({"slot_start": "2026-11-23T10:30"}, 409, "same_slot"),
                               ({"slot_start": "2026-11-23T10:40"}, 400, "no_such_slot"),
                               ({"slot_start": "2026-11-23T07:30"}, 400, "no_such_slot"),
                               ({}, 400, "missing_field")):
        r = hw.post(url, "backoffice", body)
        assert (r.status_code, r.get_json()["error"]) == (status, code)
    assert rows(hw) == before  # nothing changed on refusal
    r = hw.post(url, "backoffice", {"slot_start": "2026-11-24T09:00"})
    assert r.status_code == 200 and r.get_json()["day"] == "2026-11-24" and r.get_json()["code"] == a["code"]
    assert hw.client.get("/api/v1/appointments/slots?zone=economy&date=2026-11-23").get_json()["slots"][3]["free"] == 1
    hw.client.delete(f"/api/v1/appointments/{other['id']}", headers=hw.h("backoffice"))
    assert hw.post(f"/api/v1/appointments/{other['id']}/move", "backoffice",
                   {"slot_start": "2026-11-24T10:00"}).get_json()["error"] == "not_booked"


def test_day_list_shows_check_ins_and_no_shows(hw):
    early = book(hw, start="2026-11-23T09:00", name="张三", note="13900001234")
    later = book(hw, start="2026-11-23T10:30", name="李四")
    cancelled = book(hw, start="2026-11-23T14:00")
    hw.client.delete(f"/api/v1/appointments/{cancelled['id']}", headers=hw.h("manager"))
    hw.clock.now = MONDAY_8 + timedelta(hours=2)  # 10:00: the 09:00 one never came; 10:30 checks in
    assert hw.post("/api/v1/appointments/check-in", "kiosk-01", {"code": later["code"]}).status_code == 201
    r = hw.get("/api/v1/appointments/day?date=2026-11-23", "backoffice").get_json()
    status = {a["id"]: a["status"] for a in r["appointments"]}
    assert status == {early["id"]: "no_show", later["id"]: "checked_in", cancelled["id"]: "cancelled"}
    assert r["counts"] == {"booked": 0, "checked_in": 1, "no_show": 1, "cancelled": 1}
    assert r["appointments"][0]["name"] == "张三" and r["appointments"][0]["note"] == "13900001234"


def test_capacity_is_never_set_below_the_bookings(hw):
    book(hw, start="2026-11-23T14:00", zone="commerce")
    book(hw, start="2026-11-23T14:00", zone="commerce")
    url = "/api/v1/appointments/capacity"
    body = {"zone": "commerce", "slot_start": "2026-11-23T14:00"}
    r = hw.client.put(url, json=body | {"capacity": 1}, headers=hw.h("backoffice"))
    assert r.status_code == 409 and r.get_json()["error"] == "below_booked" and r.get_json()["booked"] == 2
    slots = hw.get("/api/v1/appointments/slots?zone=commerce&date=2026-11-23", "manager").get_json()["slots"]
    assert next(s for s in slots if s["start"].startswith("2026-11-23T14:00"))["capacity"] == 6  # unchanged
    for bad, code in ((body | {"capacity": -1}, "bad_field"), (body | {"capacity": "3"}, "bad_field"),
                      ({"zone": "commerce", "slot_start": "2026-11-23T14:10", "capacity": 3}, "no_such_slot")):
        assert hw.client.put(url, json=bad, headers=hw.h("manager")).get_json()["error"] == code
    r = hw.client.put(url, json=body | {"capacity": 2}, headers=hw.h("backoffice"))
    assert r.status_code == 200 and r.get_json()["free"] == 0 and r.get_json()["default_capacity"] == 6
    r = hw.post("/api/v1/appointments", "backoffice", {"zone": "commerce", "slot_start": "2026-11-23T14:00"})
    assert r.status_code == 409 and r.get_json()["error"] == "slot_full"


def test_a_backoffice_account_uses_the_desks_but_not_the_dashboard(hw):
    accounts.add_user(hw.hall, "clerk", "clerk-pass-1", "backoffice")
    token = accounts.login(hw.hall, "clerk", "clerk-pass-1")["token"]
    h = {"Authorization": f"Bearer {token}"}
    assert hw.client.get("/api/v1/appointments/day", headers=h).status_code == 200
    assert hw.client.get("/api/v1/licences/overview", headers=h).status_code == 200
    assert hw.client.get("/api/v1/appointments/stats", headers=h).status_code == 403
    assert hw.client.post("/api/v1/windows/1/open", headers=h).status_code == 403


def test_hall_users_add_makes_a_backoffice_account(tmp_path):
    from click.testing import CliRunner

    from queue_server.cli import cli
    from queue_server.hall import Hall
    from queue_server.hall_config import load_config

    db = tmp_path / "hall.db"
    Hall(config=load_config(), db_path=db).close()
    out = CliRunner().invoke(cli, ["users", "add", "clerk", "--role", "backoffice", "--db", str(db)],
                             input="clerk-pass-1\n")
    assert out.exit_code == 0 and "backoffice clerk saved" in out.output, out.output
    assert "clerk\tbackoffice\tactive" in CliRunner().invoke(cli, ["users", "list", "--db", str(db)]).output


def test_the_call_back_note_is_purged_with_other_personal_data(hw):
    from queue_server.ops.purge import purge

    a = book(hw, start="2026-11-23T11:00", note="13900001234")
    assert purge(hw.hall, 30)["appointment_notes"] == 0
    hw.clock.now += timedelta(days=31)
    assert purge(hw.hall, 30)["appointment_notes"] == 1
    assert hw.hall.store.read().execute("SELECT note FROM appointments WHERE id = ?", [a["id"]]).fetchone() == (None,)
