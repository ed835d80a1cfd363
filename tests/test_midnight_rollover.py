"""The service day turns over at local midnight (Asia/Shanghai), driven by an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime

from queue_server.app import create_app
from queue_server.clock import FixedClock
from queue_server.ops import accounts

# 23:50 on 2026-11-23 in Jinan is 15:50 UTC: the UTC date is the same, the local day ends in 10 minutes.
LATE_EVENING = datetime(2026, 11, 23, 15, 50, tzinfo=UTC)


def make(tmp_path):
    clock = FixedClock(LATE_EVENING)
    app = create_app(db_path=tmp_path / "hall.db", clock=clock)
    hall = app.extensions["hall"]
    accounts.add_user(hall, "late", "late-pass-1", "staff")
    kiosk = accounts.add_device(hall, "kiosk-01", "kiosk")
    staff = accounts.login(hall, "late", "late-pass-1")["token"]
    return app, clock, app.test_client(), {"Authorization": f"Bearer {kiosk}"}, {"Authorization": f"Bearer {staff}"}


def test_numbers_waiting_lists_and_stats_start_again_at_local_midnight(tmp_path):
    app, clock, http, kiosk, staff = make(tmp_path)
    take = lambda zone: http.post("/api/v1/tickets", json={"zone": zone}, headers=kiosk)  # noqa: E731

    assert http.post("/api/v1/windows/1/open", headers=staff).status_code == 200
    evening = [take("commerce").get_json() for _ in range(3)]
    assert [t["number"] for t in evening] == ["A001", "A002", "A003"]
    # A001 is at the window over midnight; A002 and A003 are still waiting when the day ends.
    served = http.post("/api/v1/windows/1/call-next", headers=staff).get_json()
    assert served["number"] == "A001"
    assert http.post("/api/v1/windows/1/start", headers=staff).status_code == 200
    clock.advance(60 * 9 + 59)  # 23:59:59 local: still the same service day
    assert take("commerce").get_json()["number"] == "A004"

    clock.advance(2)  # 00:00:01 local on the 24th
    board = http.get("/api/v1/board").get_json()
    assert sum(z["waiting"] for z in board["zones"]) == 0, "yesterday's queue is not today's"
    assert board["calls"] == []

    first = take("commerce").get_json()
    assert first["number"] == "A001" and first["ahead"] == 0
    assert http.get(f"/api/v1/tickets/{first['id']}", headers=kiosk).get_json()["number"] == "A001"
    # Yesterday's waiting tickets were closed with a reason; the one at the window was not.
    for t in evening[1:]:
        assert http.get(f"/api/v1/tickets/{t['id']}", headers=kiosk).get_json()["state"] == "cancelled"
    assert http.get(f"/api/v1/tickets/{served['id']}", headers=kiosk).get_json()["state"] == "serving"
    hall = app.extensions["hall"]
    reasons = [r["reason"] for r in hall.store.read().query(
        "SELECT reason FROM events WHERE kind = 'cancelled' ORDER BY id")]
    assert reasons == ["service day ended"] * 3

    # The late service finishes normally, and the next call takes today's A001, not yesterday's tickets.
    assert http.post("/api/v1/windows/1/finish", headers=staff).status_code == 200
    called = http.post("/api/v1/windows/1/call-next", headers=staff).get_json()
    assert called["id"] == first["id"]
    assert http.post("/api/v1/windows/1/call-next", headers=staff).status_code == 409  # A001 still there

    # Each day's figures stand on their own; the late service counts on the day it was issued.
    day1 = http.get("/api/v1/stats?date=2026-11-23", headers=staff).get_json()["total"]
    day2 = http.get("/api/v1/stats?date=2026-11-24", headers=staff).get_json()
    assert (day1["tickets"], day1["served"]) == (4, 1)
    assert day1["service_mean_s"] == 60 * 9 + 59 + 2  # started at 23:50, finished after midnight
    assert day2["total"]["tickets"] == 1
    assert http.get("/api/v1/stats", headers=staff).get_json()["date"] == "2026-11-24"  # today, by the hall's clock
    hall.close()


def test_the_day_follows_the_hall_time_zone_not_utc(tmp_path):
    app, clock, http, kiosk, _ = make(tmp_path)
    clock.now = datetime(2026, 11, 23, 16, 30, tzinfo=UTC)  # 00:30 on the 24th in Jinan, still the 23rd in UTC
    t = http.post("/api/v1/tickets", json={"zone": "public"}, headers=kiosk).get_json()
    assert t["number"] == "B001"
    hall = app.extensions["hall"]
    assert hall.store.read().execute("SELECT day FROM tickets WHERE id = ?", [t["id"]]).fetchone()[0] == "2026-11-24"
    hall.close()
