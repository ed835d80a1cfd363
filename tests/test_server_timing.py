"""Every response of the served app says how long the server spent on it (Server-Timing): reading the request,
the application, its CPU, and for a write the wait for the write lock, the commit and the COMMIT itself."""

from __future__ import annotations

import requests

from queue_server.hall import Hall
from queue_server.hall_config import load_config
from queue_server.ops import accounts
from queue_server.serving.server_timing import HEADER, parse
from queue_server.testing.server_process import ServerProcess


def test_parse_reads_each_duration():
    assert parse("head;dur=0.21, app;dur=1.5, cpu;dur=0.7, miss, bad;dur=x") == {"head": 0.21, "app": 1.5, "cpu": 0.7}
    assert parse("") == {}


def test_a_served_write_and_a_read_carry_the_server_timing(tmp_path):
    db = tmp_path / "hall.db"
    hall = Hall(config=load_config(), db_path=db)
    kiosk = accounts.add_device(hall, "kiosk-1", "kiosk")
    hall.close()
    with ServerProcess(db) as server, requests.Session() as s:
        r = s.post(server.url + "/api/v1/tickets", json={"zone": "commerce"},
                   headers={"Authorization": f"Bearer {kiosk}"}, timeout=30)
        assert r.status_code == 201, r.text
        spans = parse(r.headers[HEADER])
        assert {"head", "app", "cpu", "lock", "commit", "fsync"} <= set(spans), spans
        assert spans["fsync"] <= spans["commit"] <= spans["app"]
        r = s.get(server.url + "/api/v1/board", timeout=30)  # a read: no write spans
        assert r.status_code == 200
        assert set(parse(r.headers[HEADER])) == {"head", "app", "cpu"}
