"""The JSON API in process (Flask test client) on a real SQLite file with seeded accounts."""

import sqlite3

import pytest

from hall_client.client import ApiError
from tests.support.api import Api


@pytest.fixture
def kiosk(client, seeded):
    return Api(client, seeded.devices["kiosk-01"])


def staff(client, seeded, n=1):
    return Api.login(client, f"staff{n}", seeded.staff[f"staff{n}"])


def manager(client, seeded):
    return Api.login(client, *seeded.manager)


def database(app):
    return sqlite3.connect(app.extensions["hall"].store.path)


def test_hall_lists_zones_matters_and_windows(client):
    hall = Api(client).ok("GET", "/api/v1/hall")
    zones = {z["code"]: z for z in hall["zones"]}
    assert zones["commerce"]["prefix"] == "A" and zones["commerce"]["name_zh"] == "商事登记"
    matter = zones["commerce"]["matters"][0]
    assert matter["materials"] and {"zh", "en"} <= set(matter["materials"][0])
    assert len(hall["windows"]) == 50
    assert hall["bundles"] and hall["bundles"][0]["materials"]


def test_take_a_number(kiosk):
    t = kiosk.take_ticket("commerce", matter="A01")
    assert t["number"] == "A001" and t["zone"] == "commerce" and t["ahead"] == 0
    assert {"id", "number", "zone", "ahead", "estimated_wait_s", "issued_at"} <= set(t)
    t2 = kiosk.take_ticket("commerce")
    assert t2["number"] == "A002" and t2["ahead"] == 1
    assert t2["estimated_wait_s"] > t["estimated_wait_s"]
    assert kiosk.take_ticket("public")["number"] == "B001"
    status = kiosk.ok("GET", f"/api/v1/tickets/{t2['id']}")
    assert status["state"] == "waiting" and status["ahead"] == 1


def test_full_service_cycle_and_events_in_the_log(app, client, seeded, kiosk):
    t = kiosk.take_ticket("commerce")
    s = staff(client, seeded)
    assert s.window(1, "open")["staff"] == "staff1"
    called = s.window(1, "call-next")
    assert called["id"] == t["id"] and called["state"] == "called" and called["window"] == 1
    assert s.window(1, "recall")["recalls"] == 1
    assert s.window(1, "start")["state"] == "serving"
    assert s.window(1, "finish")["state"] == "done"
    assert s.window(1, "call-next") is None  # 204: nobody waits
    db = database(app)
    kinds = [r[0] for r in db.execute("SELECT kind FROM events WHERE ticket_id = ? ORDER BY id", [t["id"]])]
    assert kinds == ["issued", "called", "recalled", "started", "finished"]
    actors = {r[0] for r in db.execute("SELECT actor FROM events WHERE ticket_id = ?", [t["id"]])}
    assert actors == {"kiosk-01", "staff1"}
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE events SET kind = 'x'")


def test_no_show_after_recall_then_requeue_once(client, seeded, kiosk):
    t = kiosk.take_ticket("commerce")
    kiosk.take_ticket("commerce")
    s = staff(client, seeded)
    s.window(1, "open")
    s.window(1, "call-next")
    with pytest.raises(ApiError) as e:
        s.window(1, "no-show")
    assert e.value.status == 409 and "recall" in e.value.message
    s.window(1, "recall")
    assert s.window(1, "no-show")["state"] == "no_show"
    back = s.ok("POST", f"/api/v1/tickets/{t['id']}/requeue")
    assert back["state"] == "waiting" and back["ahead"] == 1  # behind those already waiting
    with pytest.raises(ApiError) as e:
        s.ok("POST", f"/api/v1/tickets/{t['id']}/requeue")
    assert e.value.status == 409


def test_transfer_keeps_the_place_in_line(client, seeded, kiosk):
    first = kiosk.take_ticket("commerce")
    for _ in range(3):
        kiosk.take_ticket("public")
    s = staff(client, seeded)
    s.window(1, "open")
    s.window(1, "call-next")
    moved = s.window(1, "transfer", zone="public", note="社保问题")
    assert moved["state"] == "transferred" and moved["zone"] == "public" and moved["number"] == first["number"]
    assert kiosk.ok("GET", f"/api/v1/tickets/{first['id']}")["ahead"] == 0  # issued before every public ticket
    s2 = staff(client, seeded, 2)
    s2.window(19, "open")  # a public window
    assert s2.window(19, "call-next")["id"] == first["id"]


def test_impossible_transition_is_409(client, seeded, kiosk):
    kiosk.take_ticket("commerce")
    s = staff(client, seeded)
    s.window(1, "open")
    s.window(1, "call-next")
    with pytest.raises(ApiError) as e:
        s.window(1, "finish")  # not started
    assert e.value.status == 409 and e.value.code == "illegal_transition"
    with pytest.raises(ApiError) as e:
        s.window(1, "call-next")  # still has a ticket
    assert e.value.status == 409


def test_stale_page_cannot_act_on_a_ticket_that_moved_on(client, seeded, kiosk):
    a = kiosk.take_ticket("commerce")
    kiosk.take_ticket("commerce")
    s = staff(client, seeded)
    s.window(1, "open")
    s.window(1, "call-next")
    s.window(1, "start")
    s.window(1, "finish")
    s.window(1, "call-next")
    with pytest.raises(ApiError) as e:
        s.window(1, "start", ticket_id=a["id"])
    assert e.value.status == 409 and e.value.code == "stale"


def test_only_the_signed_on_staff_acts_on_a_window(client, seeded, kiosk):
    kiosk.take_ticket("commerce")
    s1, s2 = staff(client, seeded, 1), staff(client, seeded, 2)
    s1.window(1, "open")
    for call in (lambda: s2.window(1, "call-next"), lambda: s2.window(1, "close"),
                 lambda: kiosk.window(1, "call-next")):
        with pytest.raises(ApiError) as e:
            call()
        assert e.value.status in (403, 409)
    with pytest.raises(ApiError) as e:
        s2.window(1, "open")
    assert e.value.status == 409
    button = Api(client, seeded.devices["button-1"])
    assert button.window(1, "call-next")["number"] == "A001"  # the window's own call-next box may act
    with pytest.raises(ApiError) as e:
        button.window(2, "call-next")
    assert e.value.status in (403, 409)


def test_pause_and_resume(client, seeded, kiosk):
    kiosk.take_ticket("commerce")
    s = staff(client, seeded)
    s.window(1, "open")
    assert s.window(1, "pause", reason="午休")["state"] == "paused"
    with pytest.raises(ApiError) as e:
        s.window(1, "call-next")
    assert e.value.code == "window_paused"
    assert s.window(1, "resume")["state"] == "open"
    assert s.window(1, "call-next")["number"] == "A001"


def test_manager_changes_zones_and_it_is_logged(app, client, seeded):
    m = manager(client, seeded)
    w = m.ok("PUT", "/api/v1/windows/12/zones", {"zones": ["public", "commerce"]})
    assert w["zones"] == ["public", "commerce"]
    with pytest.raises(ApiError) as e:
        staff(client, seeded).ok("PUT", "/api/v1/windows/12/zones", {"zones": ["commerce"]})
    assert e.value.status == 403
    db = database(app)
    assert db.execute("SELECT count(*) FROM events WHERE kind = 'window' AND reason = 'zones changed'").fetchone()[0]


@pytest.mark.parametrize(
    "headers,body,status,code",
    [
        ({"Content-Type": "application/json"}, b"{not json", 400, "bad_json"),
        ({"Content-Type": "application/json"}, b"[1,2]", 400, "bad_json"),
        ({"Content-Type": "application/json"}, b'{"zone": 5}', 400, "bad_field"),
        ({"Content-Type": "application/json"}, b'{"zone": "moon"}', 400, "unknown_zone"),
        ({"Content-Type": "application/json"}, b'{"zone": "commerce", "matter": "Z99"}', 400, "unknown_matter"),
        ({"Content-Type": "application/json"}, b'{"zone": "commerce", "matter": "B01"}', 400, "matter_zone_mismatch"),
        ({"Content-Type": "application/json"}, b'{"zone": "commerce", "priority": "vip"}', 400, "unknown_priority"),
        ({"Content-Type": "application/json"}, b'{}', 400, "missing_field"),
        ({"Content-Type": "application/json"}, b'{"zone": "' + b"x" * 2_000_000 + b'"}', 413, "body_too_large"),
    ],
)
def test_bad_input_is_a_4xx_json_error_and_changes_nothing(app, client, seeded, headers, body, status, code):
    r = Api(client, seeded.devices["kiosk-01"]).call("POST", "/api/v1/tickets", data=body, headers=headers)
    assert r.status_code == status
    assert r.json()["error"] == code and r.json()["message"]
    db = database(app)
    assert db.execute("SELECT count(*) FROM tickets").fetchone()[0] == 0


@pytest.mark.parametrize("auth,status", [(None, 401), ("Bearer nonsense", 401), ("Basic abc", 401)])
def test_missing_or_wrong_token(client, auth, status):
    headers = {"Authorization": auth} if auth else {}
    r = Api(client).call("POST", "/api/v1/tickets", {"zone": "commerce"}, headers=headers)
    assert r.status_code == status and r.json()["error"]


def test_display_token_cannot_take_numbers(client, seeded):
    with pytest.raises(ApiError) as e:
        Api(client, seeded.devices["display-01"]).take_ticket("commerce")
    assert e.value.status == 403


def test_unknown_paths_and_methods_are_json(client, seeded):
    r = Api(client).call("GET", "/api/v1/nothing")
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    r = Api(client).call("DELETE", "/api/v1/hall")
    assert r.status_code == 405 and r.json()["error"] == "method_not_allowed"
    r = Api(client).call("GET", "/api/v1/tickets/99999")
    assert r.status_code == 401 and r.json()["error"] == "no_token"  # ticket ids are for staff and kiosks only
    r = manager(client, seeded).call("GET", "/api/v1/tickets/99999")
    assert r.status_code == 404 and r.json()["error"] == "ticket_not_found"
    r = Api(client).call("POST", "/api/v1/login", {"username": "staff1", "password": "wrong"})
    assert r.status_code == 401


def test_board_and_stats(client, seeded, kiosk):
    kiosk.take_ticket("commerce")
    kiosk.take_ticket("public", priority="elderly")
    s = staff(client, seeded)
    s.window(1, "open")
    s.window(1, "call-next")
    board = Api(client).ok("GET", "/api/v1/board", zones="A,B")
    assert board["calls"][0]["number"] == "A001" and board["calls"][0]["window"] == 1
    assert {z["zone"] for z in board["zones"]} == {"commerce", "public"}
    assert all(set(w["zones"]) & {"commerce", "public"} for w in board["windows"])
    stats = manager(client, seeded).ok("GET", "/api/v1/stats")
    assert stats["total"]["tickets"] == 2 and stats["zones"]["commerce"]["wait_mean_s"] is not None
    m = manager(client, seeded)
    csv_text = m.ok("GET", "/api/v1/stats/export.csv").decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("dimension,key,tickets")
    with pytest.raises(ApiError) as e:
        m.ok("GET", "/api/v1/stats", date="22/11/2026")
    assert e.value.status == 400


def test_board_zones_and_ticket_answers_word_the_wait_alike(client, seeded, kiosk):
    """One rule (queue_server/core/waits.py): 0 ahead with an idle window is "无需等候" on the board and the ticket."""
    before = {z["zone"]: z for z in kiosk.ok("GET", "/api/v1/board")["zones"]}
    assert before["commerce"]["open_windows"] == 0 and before["commerce"]["wait_zh"] == "暂无窗口办理"
    staff(client, seeded).window(1, "open")  # window 1 serves commerce and stands idle
    zone = {z["zone"]: z for z in kiosk.ok("GET", "/api/v1/board")["zones"]}["commerce"]
    assert (zone["open_windows"], zone["idle_windows"]) == (1, 1)
    assert (zone["wait_zh"], zone["wait_en"]) == ("无需等候", "no wait")
    t = kiosk.take_ticket("commerce")
    assert t["ahead"] == 0 and (t["wait_zh"], t["wait_en"]) == ("无需等候", "no wait")
    assert kiosk.ok("GET", f"/api/v1/tickets/{t['id']}")["wait_zh"] == "无需等候"
    second = kiosk.take_ticket("commerce")
    assert second["ahead"] == 1 and second["wait_zh"].startswith(("约", "即将"))
