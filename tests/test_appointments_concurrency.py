"""Many bookings for the last places of one slot at once, over HTTP against a real server: never overbooked."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import requests

CALLERS = 14


def next_weekday_morning() -> str:
    day = datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return f"{day.isoformat()}T09:30"


def test_a_slot_is_never_overbooked(live_server):
    url = live_server.url + "/api/v1"
    manager = requests.post(url + "/login", timeout=10, json={"username": live_server.seeded.manager[0],
                                                              "password": live_server.seeded.manager[1]}).json()
    start = next_weekday_morning()
    slots = requests.get(url + "/appointments/slots", timeout=10,
                         params={"zone": "commerce", "date": start[:10]}).json()["slots"]
    capacity = next(s["capacity"] for s in slots if s["start"].startswith(start))
    barrier = threading.Barrier(CALLERS)
    statuses: list[int] = []
    codes: list[str] = []
    lock = threading.Lock()

    def book(n: int) -> None:
        with requests.Session() as s:
            s.headers["Authorization"] = f"Bearer {manager['token']}"
            s.get(url + "/health", timeout=10)
            barrier.wait(timeout=20)
            r = s.post(url + "/appointments", json={"zone": "commerce", "slot_start": start, "ref": f"R{n}"},
                       timeout=20)
        with lock:
            statuses.append(r.status_code)
            codes.append(r.json().get("code") or r.json()["error"])

    threads = [threading.Thread(target=book, args=(n,)) for n in range(CALLERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert Counter(statuses) == {201: capacity, 409: CALLERS - capacity}
    assert Counter(c for c in codes if c == "slot_full") == {"slot_full": CALLERS - capacity}
    assert len({c for c in codes if c != "slot_full"}) == capacity  # every booking has its own code
    after = requests.get(url + "/appointments/slots", timeout=10, params={"zone": "commerce", "date": start[:10]})
    assert [s["free"] for s in after.json()["slots"] if s["start"].startswith(start)] == [0]
