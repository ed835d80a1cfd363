"""Event streams under the fan-out budget: anonymous streams write less often when many are open, yet every
stream gets every event, complete and in order; the server's cap on open streams answers a clear 503 JSON."""

from __future__ import annotations

import json
import re
import shutil
import threading

import pytest

from hall_client.client import HallClient
from queue_server.broker import STREAM_SETTLE_S, Broker, LiveEvent
from queue_server.serving.stream_slots import StreamSlots
from queue_server.stream_pace import FanoutBudget, StreamPace
from queue_server.testing.raw_clients import (
    body_of,
    connect,
    loopback_address,
    open_stream,
    read_until,
    request_head,
    status_of,
)
from queue_server.testing.server_process import ServerProcess

STREAMS = 150
FRAME = re.compile(rb"id: (\d+)\nevent: (\w+)\n")


@pytest.fixture
def paced_server(tmp_path, seeded_template):
    """A server whose anonymous streams share 100 writes a second: 150 streams each write every 1.5 s."""
    db = tmp_path / "hall.db"
    shutil.copy(seeded_template[0], db)
    with ServerProcess(db, args=("--max-streams-per-client", str(STREAMS), "--max-streams", "200"),
                       env={"HALL_SSE_PUBLIC_WRITES_PER_S": "100"}) as proc:
        yield proc, seeded_template[1]


def test_a_budget_spreads_writes_only_when_many_streams_are_open():
    budget = FanoutBudget(writes_per_s=5000)
    budget.open = 170  # a big hall's boards, kiosks and phones
    assert budget.interval_s() == STREAM_SETTLE_S
    budget.open = 5000
    assert budget.interval_s() == pytest.approx(1.0)
    with StreamPace(Broker(), budget), StreamPace(Broker(), None):
        assert budget.open == 5001  # only the paced stream counts
    assert budget.open == 5000


def test_a_paced_stream_is_woken_by_an_event_and_by_the_broker_closing():
    broker = Broker()
    pace = StreamPace(broker, FanoutBudget(writes_per_s=1))  # one stream: its interval is a second
    got: list[bool] = []
    waiter = threading.Thread(target=lambda: got.append(pace.wait(0, timeout=60)))
    waiter.start()
    broker.publish([LiveEvent.of(1, "issued", {})])
    waiter.join(60)
    assert got == [True] and broker.since(0)[0].id == 1
    assert pace.wait(1, timeout=0.01) is False  # nothing newer: a heartbeat's turn
    pace.wrote()
    closer = threading.Thread(target=broker.close)
    closer.start()
    assert pace.wait(1, timeout=60) is True  # the close ends the wait (and the stream) at once
    closer.join()


def test_the_server_wide_cap_counts_every_address():
    slots = StreamSlots()
    assert slots.take("a", 2, 3) is None and slots.take("a", 2, 3) is None
    assert slots.take("a", 2, 3) == "address"
    assert slots.take("b", 2, 3) is None
    assert slots.take("c", 2, 3) == "server"
    slots.give_back("a")
    assert slots.take("c", 2, 3) is None and slots.total == 3


def test_many_paced_anonymous_streams_get_every_public_event_complete_and_in_order(paced_server):
    proc, seeded = paced_server
    kiosk = HallClient(proc.url, seeded.devices["kiosk-01"], timeout=30)
    staff = HallClient(proc.url, timeout=30)
    staff.login("staff1", seeded.staff["staff1"])
    staff.open_window(1)
    streams = []
    try:
        for i in range(STREAMS):
            s, got = open_stream(proc.port, loopback_address(i % 3))
            streams.append(s)
            assert status_of(got) == 200, got
        # A staff console's stream (not paced) sees every event whole: the reference.
        whole: list = []
        start = kiosk.board()["last_event_id"]
        for _ in range(12):
            kiosk.take_number("commerce")
        for _ in range(6):
            staff.call_next(1)
            staff.window_action(1, "start")
            staff.window_action(1, "finish")
        last = kiosk.board()["last_event_id"]
        for ev in staff.events(start, read_timeout=30):
            whole.append((ev.id, ev.kind))
            if ev.id == last:
                break
        assert [i for i, _ in whole] == list(range(start + 1, last + 1))
        public = [(i, k) for i, k in whole if k in ("issued", "called", "started", "finished")]
        assert public[-1][0] == last  # the last event is public: each stream reads until it
        for s in streams:
            data = read_until(s, f"id: {last}\n".encode(), timeout=60)
            seen = [(int(i), k.decode()) for i, k in FRAME.findall(data)]
            assert seen == public  # every one, once, in order
        # A paced stream that reconnects with Last-Event-ID gets exactly what came after it.
        resume_from = public[len(public) // 2][0]
        s = connect(proc.port, loopback_address(5))
        streams.append(s)
        s.sendall(request_head("GET", "/api/v1/events", {"Last-Event-ID": str(resume_from)}))
        data = read_until(s, f"id: {last}\n".encode(), timeout=60)
        assert [(int(i), k.decode()) for i, k in FRAME.findall(data)] == [e for e in public if e[0] > resume_from]
    finally:
        for s in streams:
            s.close()


def test_beyond_the_server_wide_cap_a_stream_gets_503_json_and_a_freed_slot_serves_again(tmp_path, seeded_template):
    db = tmp_path / "hall.db"
    shutil.copy(seeded_template[0], db)
    with ServerProcess(db, args=("--max-streams", "5")) as proc:
        mine = []
        try:
            for i in range(5):  # five addresses, one stream each: far below the per-address limit
                s, got = open_stream(proc.port, loopback_address(i))
                mine.append(s)
                assert status_of(got) == 200
            s, got = open_stream(proc.port, loopback_address(9))
            s.close()
            assert status_of(got) == 503
            body = json.loads(body_of(got))
            assert body["error"] == "streams_full" and "事件流" in body["message"] and "at most 5" in body["message"]
            assert b"Retry-After: 30" in got
            mine.pop().close()
            for _ in range(600):  # until the server has seen the close (bounded, not timed)
                s, got = open_stream(proc.port, loopback_address(9))
                if status_of(got) == 200:
                    mine.append(s)
                    break
                s.close()
                threading.Event().wait(0.05)
            assert status_of(got) == 200
        finally:
            for s in mine:
                s.close()
