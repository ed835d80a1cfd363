"""The JSON API against a real server process on a loopback port with a real SQLite file."""

import sqlite3

import pytest
import requests

from hall_client.client import ApiError, HallClient


@pytest.fixture
def kiosk(live_server):
    return HallClient(live_server.url, live_server.seeded.devices["kiosk-01"])


def staff(live_server, n=1):
    c = HallClient(live_server.url)
    c.login(f"staff{n}", live_server.seeded.staff[f"staff{n}"])
    return c


def manager(live_server):
    c = HallClient(live_server.url)
    c.login(*live_server.seeded.manager)
    return c


def test_hall_lists_zones_matters_and_windows(live_server):
    hall = HallClient(live_server.url).hall()
    zones = {z["code"]: z for z in hall["zones"]}
    assert zones["commerce"]["prefix"] == "A" and zones["commerce"]["name_zh"] == "商事登记"
    matter = zones["commerce"]["matters"][0]
    assert matter["materials"] and {"zh", "en"} <= set(matter["materials"][0])
    assert len(hall["windows"]) == 50
    assert hall["bundles"] and hall["bundles"][0]["materials"]


def test_take_a_number(kiosk):
    t = kiosk.take_number("commerce", matter="A01")
    assert t["number"] == "A001" and t["zone"] == "commerce" and t["ahead"] == 0
    assert {"id", "number", "zone", "ahead", "estimated_wait_s", "issued_at"} <= set(t)
    t2 = kiosk.take_number("commerce")
    assert t2["number"] == "A002" and t2["ahead"] == 1
    assert t2["estimated_wait_s"] > t["estimated_wait_s"]
    assert kiosk.take_number("public")["number"] == "B001"
    status = kiosk.ticket(t2["id"])
    assert status["state"] == "waiting" and status["ahead"] == 1


def test_full_service_cycle_and_events_in_the_log(live_server, kiosk):
    t = kiosk.take_number("commerce")
    s = staff(live_server)
    assert s.open_window(1)["staff"] == "staff1"
    called = s.call_next(1)
    assert called["id"] == t["id"] and called["state"] == "called" and called["window"] == 1
    assert s.window_action(1, "recall")["recalls"] == 1
    assert s.window_action(1, "start")["state"] == "serving"
    assert s.window_action(1, "finish")["state"] == "done"
    assert s.call_next(1) is None  # 204: nobody waits
    db = sqlite3.connect(live_server.proc.db_path)
    kinds = [r[0] for r in db.execute("SELECT kind FROM events WHERE ticket_id = ? ORDER BY id", [t["id"]])]
    assert kinds == ["issued", "called", "recalled", "started", "finished"]
    actors = {r[0] for r in db.execute("SELECT actor FROM events WHERE ticket_id = ?", [t["id"]])}
    assert actors == {"kiosk-01", "staff1"}
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE events SET kind = 'x'")


def test_no_show_after_recall_then_requeue_once(live_server, kiosk):
    t = kiosk.take_number("commerce")
    kiosk.take_number("commerce")
    s = staff(live_server)
    s.open_window(1)
    s.call_next(1)
    with pytest.raises(ApiError) as e:
        s.window_action(1, "no-show")
    assert e.value.status == 409 and "recall" in e.value.message
    s.window_action(1, "recall")
    assert s.window_action(1, "no-show")["state"] == "no_show"
    back = s.post(f"/tickets/{t['id']}/requeue")
    assert back["state"] == "waiting" and back["ahead"] == 1  # behind those already waiting
    with pytest.raises(ApiError) as e:
        s.post(f"/tickets/{t['id']}/requeue")
    assert e.value.status == 409


def test_transfer_keeps_the_place_in_line(live_server, kiosk):
    first = kiosk.take_number("commerce")
    for _ in range(3):
        kiosk.take_number("public")
    s = staff(live_server)
    s.open_window(1)
    s.call_next(1)
    moved = s.window_action(1, "transfer", zone="public", note="社保问题")
    assert moved["state"] == "transferred" and moved["zone"] == "public" and moved["number"] == first["number"]
    assert kiosk.ticket(first["id"])["ahead"] == 0  # issued before every public ticket
    s2 = staff(live_server, 2)
    s2.open_window(19)  # a public window
    assert s2.call_next(19)["id"] == first["id"]


def test_impossible_transition_is_409(live_server, kiosk):
    kiosk.take_number("commerce")
    s = staff(live_server)
    s.open_window(1)
    s.call_next(1)
    with pytest.raises(ApiError) as e:
        s.window_action(1, "finish")  # not started
    assert e.value.status == 409 and e.value.code == "illegal_transition"
    with pytest.raises(ApiError) as e:
        s.call_next(1)  # still has a ticket
    assert e.value.status == 409


def test_stale_page_cannot_act_on_a_ticket_that_moved_on(live_server, kiosk):
    a = kiosk.take_number("commerce")
    kiosk.take_number("commerce")
    s = staff(live_server)
    s.open_window(1)
    s.call_next(1)
    s.window_action(1, "start")
    s.window_action(1, "finish")
    s.call_next(1)
    with pytest.raises(ApiError) as e:
        s.window_action(1, "start", ticket_id=a["id"])
    assert e.value.status == 409 and e.value.code == "stale"


def test_only_the_signed_on_staff_acts_on_a_window(live_server, kiosk):
    kiosk.take_number("commerce")
    s1, s2 = staff(live_server, 1), staff(live_server, 2)
    s1.open_window(1)
    for call in (lambda: s2.call_next(1), lambda: s2.close_window(1), lambda: kiosk.call_next(1)):
        with pytest.raises(ApiError) as e:
            call()
        assert e.value.status in (403, 409)
    with pytest.raises(ApiError) as e:
        s2.open_window(1)
    assert e.value.status == 409
    button = HallClient(live_server.url, live_server.seeded.devices["button-1"])
    assert button.call_next(1)["number"] == "A001"  # the window's own call-next box may act
    with pytest.raises(ApiError) as e:
        button.call_next(2)
    assert e.value.status in (403, 409)


def test_pause_and_resume(live_server, kiosk):
    kiosk.take_number("commerce")
    s = staff(live_server)
    s.open_window(1)
    assert s.window_action(1, "pause", reason="午休")["state"] == "paused"
    with pytest.raises(ApiError) as e:
        s.call_next(1)
    assert e.value.code == "window_paused"
    assert s.window_action(1, "resume")["state"] == "open"
    assert s.call_next(1)["number"] == "A001"


def test_manager_changes_zones_and_it_is_logged(live_server):
    m = manager(live_server)
    w = m.set_zones(12, ["public", "commerce"])
    assert w["zones"] == ["public", "commerce"]
    with pytest.raises(ApiError) as e:
        staff(live_server).set_zones(12, ["commerce"])
    assert e.value.status == 403
    db = sqlite3.connect(live_server.proc.db_path)
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
def test_bad_input_is_a_4xx_json_error_and_changes_nothing(live_server, headers, body, status, code):
    token = live_server.seeded.devices["kiosk-01"]
    r = requests.post(live_server.url + "/api/v1/tickets", data=body,
                      headers={**headers, "Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == status
    assert r.json()["error"] == code and r.json()["message"]
    db = sqlite3.connect(live_server.proc.db_path)
    assert db.execute("SELECT count(*) FROM tickets").fetchone()[0] == 0


@pytest.mark.parametrize("auth,status", [(None, 401), ("Bearer nonsense", 401), ("Basic abc", 401)])
def test_missing_or_wrong_token(live_server, auth, status):
    headers = {"Authorization": auth} if auth else {}
    r = requests.post(live_server.url + "/api/v1/tickets", json={"zone": "commerce"}, headers=headers, timeout=5)
    assert r.status_code == status and r.json()["error"]


def test_display_token_cannot_take_numbers(live_server):
    with pytest.raises(ApiError) as e:
        HallClient(live_server.url, live_server.seeded.devices["display-01"]).take_number("commerce")
    assert e.value.status == 403


def test_unknown_paths_and_methods_are_json(live_server):
    r = requests.get(live_server.url + "/api/v1/nothing", timeout=5)
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    r = requests.delete(live_server.url + "/api/v1/hall", timeout=5)
    assert r.status_code == 405 and r.json()["error"] == "method_not_allowed"
    r = requests.get(live_server.url + "/api/v1/tickets/99999", timeout=5)
    assert r.status_code == 401 and r.json()["error"] == "no_token"  # ticket ids are for staff and kiosks only
    boss = requests.post(live_server.url + "/api/v1/login", json=dict(zip(("username", "password"),
                         live_server.seeded.manager, strict=True)), timeout=5).json()["token"]
    r = requests.get(live_server.url + "/api/v1/tickets/99999", headers={"Authorization": f"Bearer {boss}"}, timeout=5)
    assert r.status_code == 404 and r.json()["error"] == "ticket_not_found"
    r = requests.post(live_server.url + "/api/v1/login", json={"username": "staff1", "password": "wrong"}, timeout=5)
    assert r.status_code == 401


def test_board_and_stats(live_server, kiosk):
    kiosk.take_number("commerce")
    kiosk.take_number("public", priority="elderly")
    s = staff(live_server)
    s.open_window(1)
    s.call_next(1)
    board = HallClient(live_server.url).board(zones=["A", "B"])
    assert board["calls"][0]["number"] == "A001" and board["calls"][0]["window"] == 1
    assert {z["zone"] for z in board["zones"]} == {"commerce", "public"}
    assert all(set(w["zones"]) & {"commerce", "public"} for w in board["windows"])
    stats = manager(live_server).stats()
    assert stats["total"]["tickets"] == 2 and stats["zones"]["commerce"]["wait_mean_s"] is not None
    m = manager(live_server)
    csv_text = m.request("GET", "/stats/export.csv").decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("dimension,key,tickets")
    with pytest.raises(ApiError) as e:
        m.get("/stats", date="22/11/2026")
    assert e.value.status == 400


def test_board_zones_and_ticket_answers_word_the_wait_alike(live_server, kiosk):
    """One rule (queue_server/core/waits.py): 0 ahead with an idle window is "无需等候" on the board and the ticket."""
    before = {z["zone"]: z for z in kiosk.board()["zones"]}
    assert before["commerce"]["open_windows"] == 0 and before["commerce"]["wait_zh"] == "暂无窗口办理"
    staff(live_server).open_window(1)  # window 1 serves commerce and stands idle
    zone = {z["zone"]: z for z in kiosk.board()["zones"]}["commerce"]
    assert (zone["open_windows"], zone["idle_windows"]) == (1, 1)
    assert (zone["wait_zh"], zone["wait_en"]) == ("无需等候", "no wait")
    t = kiosk.take_number("commerce")
    assert t["ahead"] == 0 and (t["wait_zh"], t["wait_en"]) == ("无需等候", "no wait")
    assert kiosk.ticket(t["id"])["wait_zh"] == "无需等候"
    second = kiosk.take_number("commerce")
    assert second["ahead"] == 1 and second["wait_zh"].startswith(("约", "即将"))
