"""40 windows call next at once over HTTP on 1,000 waiting tickets: each ticket is served exactly once."""

import sqlite3
import threading
from collections import Counter

import pytest

from hall_client.client import HallClient
from queue_server.hall import Hall
from queue_server.hall_config import load_config
from queue_server.ops import accounts
from queue_server.testing.seeding import seed
from queue_server.testing.server_process import ServerProcess

WINDOWS = 40
TICKETS = 1000


@pytest.fixture
def busy_hall(tmp_path):
    db = tmp_path / "hall.db"
    seeded = seed(db, n_staff=0, buttons=tuple(range(1, WINDOWS + 1)))
    hall = Hall(config=load_config(), db_path=db)
    for i in range(1, WINDOWS + 1):
        accounts.add_user(hall, f"w{i}", f"window-{i}-pw", "staff")
    hall.close()
    with ServerProcess(db, threads=120) as proc:
        yield proc, seeded


def test_forty_windows_serve_each_ticket_exactly_once(busy_hall):
    proc, seeded = busy_hall
    kiosk = HallClient(proc.url, seeded.devices["kiosk-01"])
    zones = ["commerce", "public", "economy", "social", "construction", "special"]
    issued = []
    lock = threading.Lock()

    def issue(k):
        c = HallClient(proc.url, seeded.devices["kiosk-01"], timeout=60)  # a shared CI machine can be slow
        for i in range(k, TICKETS, 10):
            t = c.take_number(zones[i % len(zones)], priority="elderly" if i % 17 == 0 else None)
            with lock:
                issued.append(t["id"])

    threads = [threading.Thread(target=issue, args=(k,)) for k in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(issued) == TICKETS
    numbers = kiosk.board()["zones"]
    assert sum(z["waiting"] for z in numbers) == TICKETS

    # Every window serves every front zone, so all tickets can be reached.
    manager = HallClient(proc.url)
    manager.login(*seeded.manager)
    served: list[tuple[int, int]] = []
    errors: list[Exception] = []
    start = threading.Barrier(WINDOWS, timeout=120)

    def window(no):
        try:
            c = HallClient(proc.url, timeout=60)
            c.login(f"w{no}", f"window-{no}-pw")
            c.open_window(no)
            start.wait()
            while True:
                t = c.call_next(no)
                if t is None:
                    return
                with lock:
                    served.append((t["id"], no))
                c.window_action(no, "start", ticket_id=t["id"])
                c.window_action(no, "finish", ticket_id=t["id"])
        except Exception as e:  # reported below; the others must not wait at the barrier for this one
            errors.append((no, e))
            start.abort()

    for no in range(1, WINDOWS + 1):
        manager.set_zones(no, zones[no % len(zones):] + zones[:no % len(zones)])
    threads = [threading.Thread(target=window, args=(no,)) for no in range(1, WINDOWS + 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    ids = Counter(tid for tid, _ in served)
    assert len(ids) == TICKETS and max(ids.values()) == 1, "a ticket was given to two windows"
    assert set(ids) == set(issued)
    assert len({no for _, no in served}) == WINDOWS  # the load really was spread
    db = sqlite3.connect(proc.db_path)
    assert db.execute("SELECT count(*) FROM tickets WHERE state = 'done'").fetchone()[0] == TICKETS
    called = db.execute("SELECT ticket_id, count(*) FROM events WHERE kind = 'called' GROUP BY ticket_id").fetchall()
    assert len(called) == TICKETS and all(n == 1 for _, n in called)
    numbers = [r[0] for r in db.execute("SELECT number FROM tickets")]
    assert len(numbers) == len(set(numbers)), "duplicate ticket numbers"
