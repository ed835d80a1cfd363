"""What GET /api/v1/board and the public events give a board: next numbers, the hall's time zone, who serves at
a window (name and 工号, set by a manager), the previous public event's id; and nothing more personal."""

from __future__ import annotations

from queue_server.core.public_fields import public_event
from queue_server.live_state import LiveState
from tests.support.api import Api


def test_board_lists_each_zones_next_numbers_in_dispatch_order(client, seeded):
    kiosk = Api(client, seeded.devices["kiosk-01"])
    numbers = [kiosk.ok("POST", "/api/v1/tickets", {"zone": "commerce"})["number"] for _ in range(5)]
    board = Api(client).ok("GET", "/api/v1/board")
    zones = {z["zone"]: z for z in board["zones"]}
    assert zones["commerce"]["next"] == numbers[:3] and zones["public"]["next"] == []
    assert board["hall"]["timezone"] == "Asia/Shanghai"
    staff = Api.login(client, "staff1", seeded.staff["staff1"])
    staff.ok("POST", "/api/v1/windows/1/open")
    assert staff.ok("POST", "/api/v1/windows/1/call-next")["number"] == numbers[0]
    zones = {z["zone"]: z for z in Api(client).ok("GET", "/api/v1/board")["zones"]}
    assert zones["commerce"]["next"] == numbers[1:4]


def test_a_window_shows_who_serves_there_and_the_manager_sets_it(client, seeded, app):
    manager = Api.login(client, *seeded.manager)
    staff = Api.login(client, "staff2", seeded.staff["staff2"])
    staff.ok("POST", "/api/v1/windows/3/open")
    w = next(w for w in Api(client).ok("GET", "/api/v1/board?windows=3")["windows"])
    assert (w["staff_name"], w["staff_no"]) == ("李强", "LX0002")
    assert "staff" not in w  # never the account name
    assert manager.ok("POST", "/api/v1/users/staff2/profile", {"display_name": "李小强", "staff_no": "0302"}) == {
        "username": "staff2", "display_name": "李小强", "staff_no": "0302"}
    w = Api(client).ok("GET", "/api/v1/board?windows=3")["windows"][0]
    assert (w["staff_name"], w["staff_no"]) == ("李小强", "0302")
    r = manager.call("POST", "/api/v1/users/staff2/profile", {"display_name": "x" * 33})
    assert r.status_code == 400 and r.json()["error"] == "bad_field"
    assert manager.call("POST", "/api/v1/users/nobody/profile", {}).status_code == 404
    assert staff.call("POST", "/api/v1/users/staff2/profile", {"display_name": "me"}).status_code == 403
    hall = app.extensions["hall"]
    # The memory equals a rebuild from the database (the profile is read there by a join).
    now = hall.now()
    rebuilt = LiveState.load(hall.store.conn, hall.dispatch_rules, hall.config.zone_codes(), hall.today(now),
                             now.timestamp())
    assert rebuilt.window(3) == hall.live.window(3)
    staff.ok("POST", "/api/v1/windows/3/close")
    w = Api(client).ok("GET", "/api/v1/board?windows=3")["windows"][0]
    assert (w["state"], w["staff_name"], w["staff_no"]) == ("closed", None, None)


def test_public_events_carry_counts_next_numbers_and_the_previous_public_id_only(client, seeded, app):
    hall = app.extensions["hall"]
    kiosk = Api(client, seeded.devices["kiosk-01"])
    staff = Api.login(client, "staff1", seeded.staff["staff1"])
    start = hall.broker.last_id
    kiosk.ok("POST", "/api/v1/tickets", {"zone": "commerce", "priority": "elderly"})
    staff.ok("POST", "/api/v1/windows/1/open")
    staff.ok("POST", "/api/v1/windows/1/call-next")
    events = hall.broker.since(start)
    public = [(e.id, e.kind, public_event(e.kind, e.data)) for e in events if public_event(e.kind, e.data) is not None]
    kinds = [k for _, k, _ in public]
    assert kinds == ["issued", "window", "called"]
    issued, opened, called = (d for _, _, d in public)
    assert issued["waiting"] == {"commerce": 1} and issued["next"] == {"commerce": [called["ticket"]["number"]]}
    assert called["waiting"] == {"commerce": 0} and called["next"] == {"commerce": []}
    assert (opened["staff_name"], opened["staff_no"]) == ("王丽", "LX0001") and "staff" not in opened
    # prev chains the public events, whatever private events (alerts, device) lie between.
    assert opened["prev"] == public[0][0] and called["prev"] == public[1][0]
    for d in (issued, opened, called):
        assert "priority" not in d.get("ticket", {}) and "note" not in d
