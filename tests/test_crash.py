"""Kill the server with SIGKILL while tickets are being issued: every ticket acknowledged with 201 survives."""

import sqlite3
import threading
import time

import requests

from queue_server.testing.seeding import seed
from queue_server.testing.server_process import ServerProcess


def test_acknowledged_tickets_survive_sigkill(tmp_path):
    db = tmp_path / "hall.db"
    seeded = seed(db, n_staff=0, buttons=())
    token = seeded.devices["kiosk-01"]
    proc = ServerProcess(db).start()
    acknowledged: list[tuple[int, str]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def issue():
        s = requests.Session()
        while not stop.is_set():
            try:
                r = s.post(proc.url + "/api/v1/tickets", json={"zone": "commerce"},
                           headers={"Authorization": f"Bearer {token}"}, timeout=2)
            except requests.RequestException:
                return
            if r.status_code == 201:
                with lock:
                    acknowledged.append((r.json()["id"], r.json()["number"]))

    threads = [threading.Thread(target=issue) for _ in range(6)]
    for t in threads:
        t.start()
    while len(acknowledged) < 150:
        time.sleep(0.01)
    proc.stop(kill=True)  # SIGKILL in the middle of the stream of writes
    stop.set()
    for t in threads:
        t.join()

    proc.start()  # same database file, same port
    try:
        conn = sqlite3.connect(db)
        stored = dict(conn.execute("SELECT id, number FROM tickets"))
        for tid, number in acknowledged:
            assert stored.get(tid) == number, f"acknowledged ticket {number} lost"
        # numbering goes on without reusing a number
        r = requests.post(proc.url + "/api/v1/tickets", json={"zone": "commerce"},
                          headers={"Authorization": f"Bearer {token}"}, timeout=5)
        assert r.status_code == 201 and r.json()["number"] not in stored.values()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        issued_events = conn.execute("SELECT count(*) FROM events WHERE kind = 'issued'").fetchone()[0]
        assert issued_events == conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
        conn.close()
    finally:
        proc.stop()
