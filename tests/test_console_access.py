"""The staff console's rules: only the staff member signed on at a window acts on it or reads its console view;
a stale page cannot act on a ticket that has moved on."""

from __future__ import annotations

import pytest

from tests.support.api import Api

ACTIONS = ["call-next", "recall", "start", "finish", "no-show", "transfer", "pause", "resume", "close"]


@pytest.fixture(scope="module")
def apis(module_app, seeded):
    s, client = seeded, module_app.test_client(use_cookies=False)  # API callers: bearer tokens, no cookie jar
    staff1 = Api.login(client, "staff1", s.staff["staff1"])
    staff2 = Api.login(client, "staff2", s.staff["staff2"])
    staff1.ok("POST", "/api/v1/windows/39/open")
    staff2.ok("POST", "/api/v1/windows/40/open")
    return {"staff1": staff1, "staff2": staff2, "boss": Api.login(client, *s.manager),
            "kiosk": Api(client, s.devices["kiosk-01"]), "button": Api(client, s.devices["button-1"]),
            "anon": Api(client)}


@pytest.mark.parametrize("action", ACTIONS)
def test_staff_cannot_act_on_another_window(apis, action):
    r = apis["staff2"].call("POST", f"/api/v1/windows/39/{action}", {"zone": "public", "ticket_id": 1})
    assert r.status_code == 403 and r.json()["error"] == "not_your_window"
    assert apis["button"].call("POST", f"/api/v1/windows/39/{action}", {}).status_code == 403
    assert apis["anon"].call("POST", f"/api/v1/windows/39/{action}", {}).status_code == 401


def test_console_view_is_for_the_windows_own_staff_and_managers(apis):
    mine = apis["staff1"].ok("GET", "/api/v1/console/39")
    zones = apis["anon"].ok("GET", "/api/v1/windows/39")["zones"]
    assert mine["window"]["staff"] == "staff1" and [z["zone"] for z in mine["zones"]] == zones
    assert set(mine["mine"]) >= {"served", "no_shows", "transferred", "service_mean_s", "ratings"}
    r = apis["staff2"].call("GET", "/api/v1/console/39")
    assert r.status_code == 403 and r.json()["error"] == "not_your_window"
    assert apis["kiosk"].call("GET", "/api/v1/console/39").status_code == 403
    assert apis["anon"].call("GET", "/api/v1/console/39").status_code == 401
    assert apis["boss"].call("GET", "/api/v1/console/39").status_code == 200
    assert apis["boss"].call("GET", "/api/v1/console/999").status_code == 404


def test_a_window_signed_on_by_someone_else_cannot_be_taken(apis):
    r = apis["staff2"].call("POST", "/api/v1/windows/39/open")
    assert r.status_code == 409 and r.json()["error"] == "window_taken"
    r = apis["staff1"].call("PUT", "/api/v1/windows/39/zones", {"zones": ["public"]})
    assert r.status_code == 403 and r.json()["error"] == "manager_only"


def test_console_shows_the_matters_guide_and_stale_pages_get_409(apis):
    staff1, kiosk = apis["staff1"], apis["kiosk"]
    first = kiosk.ok("POST", "/api/v1/tickets", {"zone": "special", "matter": "F01"})
    staff1.ok("POST", "/api/v1/windows/39/call-next")
    view = staff1.ok("GET", "/api/v1/console/39")
    assert view["window"]["ticket"]["id"] == first["id"]
    assert view["guide"]["code"] == "F01" and view["guide"]["materials"]
    staff1.ok("POST", "/api/v1/windows/39/start", {"ticket_id": first["id"]})
    staff1.ok("POST", "/api/v1/windows/39/finish", {"ticket_id": first["id"]})
    second = kiosk.ok("POST", "/api/v1/tickets", {"zone": "special"})
    staff1.ok("POST", "/api/v1/windows/39/call-next")
    stale = staff1.call("POST", "/api/v1/windows/39/no-show", {"ticket_id": first["id"]})
    assert stale.status_code == 409 and stale.json()["error"] == "stale"
    assert stale.json()["ticket"]["id"] == second["id"]
    served = apis["anon"].ok("GET", "/api/v1/windows/39")["zones"]
    elsewhere = next(z["code"] for z in apis["anon"].ok("GET", "/api/v1/hall")["zones"] if z["code"] not in served)
    staff1.ok("POST", "/api/v1/windows/39/transfer", {"ticket_id": second["id"], "zone": elsewhere, "note": "先咨询"})
    counts = staff1.ok("GET", "/api/v1/console/39")["mine"]
    assert counts["served"] == 1 and counts["transferred"] == 1 and counts["called"] == 2
