"""Two kiosks redeeming the same code at the same moment, over HTTP against a real server: exactly one wins."""

from __future__ import annotations

import threading
from collections import Counter

import requests

from queue_server.hall import Hall
from queue_server.hall_config import load_config
from queue_server.ops import accounts

ATTEMPTS_PER_KIOSK = 3
LICENCES = 10


def test_same_code_redeemed_at_once_by_two_kiosks(live_server):
    hall = Hall(config=load_config(), db_path=live_server.proc.db_path)
    second_kiosk = accounts.add_device(hall, "kiosk-02", "kiosk")
    hall.close()
    url = live_server.url + "/api/v1"
    manager = requests.post(url + "/login", json=dict(zip(("username", "password"), live_server.seeded.manager,
                                                          strict=True)), timeout=10).json()["token"]
    kiosks = [live_server.seeded.devices["kiosk-01"], second_kiosk]
    codes = []
    for i in range(LICENCES):
        r = requests.post(url + "/licences", headers={"Authorization": f"Bearer {manager}"}, timeout=10,
                          json={"case_no": f"K{i:03}", "licence_type": "营业执照", "holder_name": "张三",
                                "id_last4": "1234", "phone_last4": "5678", "method": "desk"})
        assert r.status_code == 201, r.text
        codes.append(r.json())

    outcomes: dict[int, list[tuple[int, str]]] = {c["id"]: [] for c in codes}
    for lic in codes:
        barrier = threading.Barrier(2 * ATTEMPTS_PER_KIOSK)
        lock = threading.Lock()

        def go(token: str, code: str, lic=lic, barrier=barrier, lock=lock) -> None:
            with requests.Session() as s:
                s.headers["Authorization"] = f"Bearer {token}"
                s.get(url + "/health", timeout=10)  # connect before the barrier so the posts start together
                barrier.wait(timeout=20)
                r = s.post(url + "/pickups", json={"code": code}, timeout=20)
            with lock:
                outcomes[lic["id"]].append((r.status_code, r.json().get("error") or r.json()["ticket"]["number"]))

        threads = [threading.Thread(target=go, args=(kiosks[k], lic["pickup_qr"] if n % 2 else lic["pickup_code"]))
                   for k in range(2) for n in range(ATTEMPTS_PER_KIOSK)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)

    numbers = []
    for licence_id, got in outcomes.items():
        statuses = Counter(status for status, _ in got)
        assert statuses == {201: 1, 409: 2 * ATTEMPTS_PER_KIOSK - 1}, (licence_id, got)
        assert {what for status, what in got if status == 409} == {"already_collected"}
        numbers += [what for status, what in got if status == 201]
    assert sorted(numbers) == [f"P{n:03}" for n in range(1, LICENCES + 1)]  # one pickup ticket per licence
    listed = requests.get(url + "/licences", headers={"Authorization": f"Bearer {manager}"}, timeout=10).json()
    assert {x["state"] for x in listed["licences"]} == {"redeemed"}
