"""The live event stream of a real server: ids, Last-Event-ID resume, heartbeats, hundreds of subscribers."""

from __future__ import annotations

import shutil
import threading

import pytest
import requests

from hall_client.client import HallClient
from queue_server.testing.server_process import ServerProcess

SUBSCRIBERS = 200


@pytest.fixture
def server(tmp_path, seeded_template):
    db = tmp_path / "hall.db"
    shutil.copy(seeded_template[0], db)
    # Every subscriber comes from 127.0.0.1: allow them all on one address; heartbeats every half second.
    with ServerProcess(db, args=("--max-streams-per-client", str(SUBSCRIBERS + 10)),
                       env={"HALL_SSE_HEARTBEAT_S": "0.5"}) as proc:
        yield proc, seeded_template[1]


def clients(url: str, seeded) -> tuple[HallClient, HallClient]:
    kiosk = HallClient(url, seeded.devices["kiosk-01"])
    staff = HallClient(url)
    staff.login("staff1", seeded.staff["staff1"])
    staff.open_window(1)
    return kiosk, staff


def collect(url: str, n: int, last_event_id: int | None = None, timeout: float = 15.0) -> list:
    """The first n events of one connection."""
    out = []
    for ev in HallClient(url).events(last_event_id, read_timeout=timeout):
        out.append(ev)
        if len(out) == n:
            break
    return out


def test_events_carry_ids_kinds_and_ticket_data_in_order(server):
    proc, seeded = server
    kiosk, staff = clients(proc.url, seeded)
    got: list = []
    # Resuming from the board's id: whether the stream opens before the calls or after, all four come, in order.
    since = kiosk.board()["last_event_id"]
    reader = threading.Thread(target=lambda: got.extend(collect(proc.url, 4, last_event_id=since)))
    reader.start()
    ticket = kiosk.take_number("commerce")
    called = staff.call_next(1)
    staff.window_action(1, "start")
    staff.window_action(1, "finish")
    reader.join(20)
    assert [e.kind for e in got] == ["issued", "called", "started", "finished"]
    assert [e.id for e in got] == sorted(e.id for e in got) and len({e.id for e in got}) == 4
    assert got[0].data["ticket"]["number"] == ticket["number"] == called["number"]
    assert got[1].data["window"] == 1 and got[1].data["waiting"] == {"commerce": 0}


def test_a_client_resuming_with_last_event_id_gets_exactly_what_it_missed(server):
    proc, seeded = server
    kiosk, staff = clients(proc.url, seeded)
    kiosk.take_number("commerce")
    last_seen = kiosk.board()["last_event_id"]
    # While this client is away: two tickets, a call, a recall.
    missed = [kiosk.take_number("public")["number"], kiosk.take_number("commerce")["number"]]
    staff.call_next(1)
    staff.window_action(1, "recall")
    events = collect(proc.url, 4, last_event_id=last_seen)
    assert [e.kind for e in events] == ["issued", "issued", "called", "recalled"]
    assert [e.data["ticket"]["number"] for e in events[:2]] == missed
    assert events[0].id == last_seen + 1 and [b.id - a.id for a, b in zip(events, events[1:], strict=False)] == [1] * 3
    # Resuming from the newest id gives nothing old, only what happens next.
    newest = events[-1].id
    got: list = []
    reader = threading.Thread(target=lambda: got.extend(collect(proc.url, 1, last_event_id=newest)))
    reader.start()
    staff.window_action(1, "no-show")
    reader.join(20)
    assert [(e.id, e.kind) for e in got] == [(newest + 1, "no_show")]


def test_an_idle_stream_gets_heartbeats_and_a_bad_resume_id_is_a_clear_400(server):
    proc, _ = server
    with requests.get(proc.url + "/api/v1/events", stream=True, timeout=(5, 10)) as r:
        assert r.headers["Content-Type"].startswith("text/event-stream")
        assert r.headers["Cache-Control"] == "no-cache"
        seen = b""
        for chunk in r.iter_content(chunk_size=None):
            seen += chunk
            if seen.count(b": heartbeat") >= 2:
                break
    assert seen.startswith(b"retry: ")
    bad = requests.get(proc.url + "/api/v1/events", headers={"Last-Event-ID": "yesterday"}, timeout=5)
    assert bad.status_code == 400 and bad.json()["error"] == "bad_event_id"


def test_two_hundred_subscribers_all_get_every_call(server):
    proc, seeded = server
    kiosk, staff = clients(proc.url, seeded)
    start_id = kiosk.board()["last_event_id"]
    results: list[list] = [[] for _ in range(SUBSCRIBERS)]
    connected = threading.Barrier(SUBSCRIBERS + 1, timeout=60)

    def subscribe(i: int) -> None:
        client = HallClient(proc.url, timeout=30)
        stream = client.events(start_id, read_timeout=60)
        first = next(stream)  # the kiosk's ticket below: proves this subscriber is connected
        results[i].append(first)
        connected.wait()
        for ev in stream:
            results[i].append(ev)
            if len(results[i]) == 4:
                break

    threads = [threading.Thread(target=subscribe, args=(i,), daemon=True) for i in range(SUBSCRIBERS)]
    for t in threads:
        t.start()
    for _ in range(3):
        kiosk.take_number("commerce")
    connected.wait()  # every subscriber holds an open stream at once
    staff.call_next(1)
    for t in threads:
        t.join(60)
    expected = [(e.id, e.kind) for e in collect(proc.url, 4, last_event_id=start_id)]
    assert [k for _, k in expected] == ["issued", "issued", "issued", "called"]
    for i, got in enumerate(results):
        assert [(e.id, e.kind) for e in got] == expected, f"subscriber {i}"
