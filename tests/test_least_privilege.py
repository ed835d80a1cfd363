"""Least privilege: licences only from a pickup desk and only what the handover needs; handover only after the
code was redeemed (a manager may override, audited); tickets cancelled only by who issued or serves them."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.support.pickup_helpers import make_hallway


@pytest.fixture
def hw(tmp_path):
    return make_hallway(tmp_path)


def test_staff_list_licences_only_at_a_pickup_window_and_see_only_the_desk_view(hw):
    lic = hw.licence()
    hw.redeem(lic["pickup_qr"])
    assert hw.get("/api/v1/licences", "staff").get_json()["error"] == "not_at_pickup_desk"
    assert hw.get(f"/api/v1/licences/{lic['id']}", "staff").status_code == 403
    assert hw.post("/api/v1/windows/1/open", "staff").status_code == 200  # commerce, not a pickup window
    assert hw.get("/api/v1/licences", "staff").status_code == 403
    assert hw.post("/api/v1/windows/1/close", "staff").status_code == 200
    assert hw.post("/api/v1/windows/41/open", "staff").status_code == 200
    r = hw.get("/api/v1/licences", "staff")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["licences"] == [{"id": lic["id"], "licence_type": "营业执照", "holder_masked": "张*丰",
                                         "method": "desk", "state": "redeemed", "ticket_number": "P001"}]
    assert "张三丰" not in r.get_data(as_text=True)
    one = hw.get(f"/api/v1/licences/{lic['id']}", "staff").get_json()
    assert one["holder_masked"] == "张*丰" and "holder_name" not in one and "history" not in one
    full = hw.get(f"/api/v1/licences/{lic['id']}", "manager").get_json()
    assert full["holder_name"] == "张三丰" and full["history"]


def test_the_window_licence_is_for_the_staff_signed_on_there(hw):
    assert hw.get("/api/v1/windows/42/licence", "staff").get_json()["error"] == "not_your_window"
    hw.post("/api/v1/windows/41/open", "staff")
    assert hw.get("/api/v1/windows/41/licence", "staff").status_code == 200
    assert hw.get("/api/v1/windows/42/licence", "staff").status_code == 403
    assert hw.get("/api/v1/windows/42/licence", "manager").status_code == 200


def test_handover_needs_a_redeemed_code_and_a_managers_override_is_audited(hw):
    lic = hw.licence()
    hw.post("/api/v1/windows/41/open", "staff")
    url = f"/api/v1/licences/{lic['id']}/handover"
    r = hw.post(url, "staff", {"id_last4": "123X"})
    assert r.status_code == 409 and r.get_json()["error"] == "not_redeemed", r.get_json()
    assert hw.get(f"/api/v1/licences/{lic['id']}", "manager").get_json()["state"] == "ready"
    r = hw.post(url, "manager", {"id_last4": "123X", "window": 41})
    assert r.status_code == 200 and r.get_json()["state"] == "collected", r.get_json()
    db = sqlite3.connect(hw.db_path)
    rows = db.execute("SELECT outcome, staff, detail FROM code_audit WHERE object_id = ? AND action = 'handover'"
                      " ORDER BY id", [lic["id"]]).fetchall()
    assert [(o, s) for o, s, _ in rows] == [("not_redeemed", "desk1"), ("collected", "boss")]
    assert json.loads(rows[1][2])["override"] == "not_redeemed"


def test_staff_at_a_non_pickup_window_may_not_hand_over(hw):
    lic = hw.licence()
    hw.redeem(lic["pickup_qr"])
    hw.post("/api/v1/windows/1/open", "staff")
    r = hw.post(f"/api/v1/licences/{lic['id']}/handover", "staff", {"id_last4": "123X"})
    assert r.status_code == 403 and r.get_json()["error"] == "not_at_pickup_desk"


def take(hw, who: str, zone: str) -> dict:
    r = hw.post("/api/v1/tickets", who, {"zone": zone})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def cancel(hw, who: str, ticket: dict):
    return hw.post(f"/api/v1/tickets/{ticket['id']}/cancel", who)


def test_a_kiosk_cancels_only_the_tickets_it_issued(hw):
    mine = take(hw, "kiosk-01", "commerce")
    assert cancel(hw, "kiosk-02", mine).get_json()["error"] == "not_your_ticket"
    assert cancel(hw, "kiosk-02", mine).status_code == 403
    assert cancel(hw, "kiosk-01", mine).get_json()["state"] == "cancelled"
    by_staff = take(hw, "manager", "commerce")
    assert cancel(hw, "kiosk-01", by_staff).status_code == 403


def test_staff_cancel_only_tickets_of_their_windows_zones_and_the_manager_any(hw):
    commerce = [take(hw, "kiosk-01", "commerce") for _ in range(2)]
    social = take(hw, "kiosk-01", "social")
    assert cancel(hw, "staff", commerce[0]).status_code == 403  # not signed on anywhere
    hw.post("/api/v1/windows/41/open", "staff")  # pickup and enquiries
    assert cancel(hw, "staff", commerce[0]).status_code == 403
    hw.post("/api/v1/windows/41/close", "staff")
    hw.post("/api/v1/windows/1/open", "staff")
    assert cancel(hw, "staff", commerce[0]).get_json()["state"] == "cancelled"
    assert cancel(hw, "staff", social).status_code == 403
    assert cancel(hw, "manager", social).get_json()["state"] == "cancelled"
    assert cancel(hw, "display", commerce[1]).status_code == 403
