"""The console's queue part: the next five in the order call-next takes them (green channel and due
appointments first), no-shows that may be put back, and kiosk help requests that one person takes."""

from __future__ import annotations

import pytest

from queue_server.ops import accounts
from tests.support.api import Api


@pytest.fixture
def apis(client, seeded):
    s = seeded
    staff1 = Api.login(client, "staff1", s.staff["staff1"])
    staff1.ok("POST", "/api/v1/windows/39/open")
    return {"staff1": staff1, "staff2": Api.login(client, "staff2", s.staff["staff2"]),
            "boss": Api.login(client, *s.manager), "kiosk": Api(client, s.devices["kiosk-01"]), "anon": Api(client)}


def test_the_next_five_are_the_tickets_call_next_takes_in_that_order(apis):
    kiosk, staff1 = apis["kiosk"], apis["staff1"]
    made = [kiosk.ok("POST", "/api/v1/tickets", {"zone": "special"}) for _ in range(4)]
    made.append(kiosk.ok("POST", "/api/v1/tickets", {"zone": "special", "priority": "elderly"}))
    made.append(kiosk.ok("POST", "/api/v1/tickets", {"zone": "commerce"}))
    shown = staff1.ok("GET", "/api/v1/console/39/queue")
    assert len(shown["next"]) == 5
    green = next(t for t in shown["next"] if t["number"] == made[4]["number"])
    assert green["green"] and green["priority"] == "elderly" and not green["appointment"]
    assert shown["next"][0]["number"] == made[4]["number"]  # the green channel goes first
    assert [z["zone"] for z in shown["zones"]] == ["special", "commerce"]
    whole = staff1.ok("GET", "/api/v1/console/39")
    assert [t["id"] for t in whole["next"]] == [t["id"] for t in shown["next"]]
    for expected in shown["next"]:  # call-next takes them in the order shown
        called = staff1.ok("POST", "/api/v1/windows/39/call-next")
        assert called["id"] == expected["id"]
        staff1.ok("POST", "/api/v1/windows/39/start", {"ticket_id": called["id"]})
        staff1.ok("POST", "/api/v1/windows/39/finish", {"ticket_id": called["id"]})


def test_the_queue_part_is_for_the_windows_own_staff(apis):
    assert apis["staff2"].call("GET", "/api/v1/console/39/queue").json()["error"] == "not_your_window"
    assert apis["kiosk"].call("GET", "/api/v1/console/39/queue").status_code == 403
    assert apis["anon"].call("GET", "/api/v1/console/39/queue").status_code == 401
    assert apis["boss"].call("GET", "/api/v1/console/39/queue").status_code == 200
    r = apis["staff1"].call("GET", "/api/v1/console/999/queue")
    assert r.status_code == 404 and r.json()["error"] == "window_not_found"


def test_a_no_show_is_listed_until_it_is_put_back(apis):
    kiosk, staff1 = apis["kiosk"], apis["staff1"]
    t = kiosk.ok("POST", "/api/v1/tickets", {"zone": "special"})
    staff1.ok("POST", "/api/v1/windows/39/call-next")
    staff1.ok("POST", "/api/v1/windows/39/recall", {"ticket_id": t["id"]})
    staff1.ok("POST", "/api/v1/windows/39/no-show", {"ticket_id": t["id"]})
    listed = staff1.ok("GET", "/api/v1/console/39/queue")["no_shows"]
    assert [n["number"] for n in listed] == [t["number"]] and listed[0]["requeue_until"]
    staff1.ok("POST", f"/api/v1/tickets/{t['id']}/requeue")
    after = staff1.ok("GET", "/api/v1/console/39/queue")
    assert after["no_shows"] == [] and [n["number"] for n in after["next"]] == [t["number"]]


def test_one_person_takes_a_help_request_and_the_others_see_who(apis):
    kiosk, staff1, staff2 = apis["kiosk"], apis["staff1"], apis["staff2"]
    alert = kiosk.call("POST", "/api/v1/alerts", {"kind": "help", "message": "kiosk-01: 群众请求帮办代办"}).json()
    shown = staff1.ok("GET", "/api/v1/console/39/queue")["help"]
    assert [(h["id"], h["source"], h["taken_by"]) for h in shown] == [(alert["id"], "kiosk-01", None)]
    assert staff1.ok("POST", f"/api/v1/alerts/{alert['id']}/take")["taken_by"] == "staff1"
    r = staff2.call("POST", f"/api/v1/alerts/{alert['id']}/take")
    assert r.status_code == 409 and r.json()["error"] == "alert_taken" and "staff1" in r.json()["message"]
    assert staff1.ok("GET", "/api/v1/console/39/queue")["help"][0]["taken_by"] == "staff1"
    staff1.ok("POST", f"/api/v1/alerts/{alert['id']}/resolve")
    assert staff1.ok("GET", "/api/v1/console/39/queue")["help"] == []
    assert staff2.call("POST", f"/api/v1/alerts/{alert['id']}/take").json()["error"] == "alert_resolved"
    assert staff2.call("POST", "/api/v1/alerts/99999/take").status_code == 404
    assert kiosk.call("POST", f"/api/v1/alerts/{alert['id']}/take").status_code == 403


def test_help_from_a_kiosk_placed_near_other_windows_goes_to_their_consoles(apis, client):
    hall = client.application.extensions["hall"]
    near = Api(client, accounts.add_device(hall, "kiosk-by-36", "kiosk", 36))  # within 5 of window 39
    far = Api(client, accounts.add_device(hall, "kiosk-by-3", "kiosk", 3))
    mine = near.call("POST", "/api/v1/alerts", {"kind": "help"}).json()
    far.call("POST", "/api/v1/alerts", {"kind": "help"})
    assert [h["id"] for h in apis["staff1"].ok("GET", "/api/v1/console/39/queue")["help"]] == [mine["id"]]
