"""Anonymous event streams leave the server process: a real server hands them to its stream relay, which writes
them; per-address limits still count them; a relay that dies is replaced and its clients resume (real processes
on loopback)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest
import requests

from hall_client.client import HallClient
from queue_server.testing.raw_clients import loopback_address, open_stream, read_to_end, read_until, status_of
from queue_server.testing.server_process import ServerProcess

FRAME = re.compile(rb"id: (\d+)\nevent: (\w+)\ndata: ([^\n]*)\n\n")
PRIVATE = (b'"priority"', b'"note"', b'"phone"', b'"staff_id"', b'"matter"')


@pytest.fixture
def served(tmp_path, seeded_template):
    db = tmp_path / "hall.db"
    shutil.copy(seeded_template[0], db)
    with ServerProcess(db, args=("--max-streams-per-client", "3")) as proc:
        yield proc, HallClient(proc.url, seeded_template[1].devices["kiosk-01"], timeout=30)


def health(proc: ServerProcess) -> dict:
    return requests.get(proc.url + "/api/v1/health", timeout=30).json()["event_streams"]


def wait_for(condition, what: str, guard_s: float = 120.0):
    """Until condition() is true (polled); the guard only turns a broken server into a failure, not a hang."""
    give_up = time.monotonic() + guard_s
    while not (value := condition()):
        assert time.monotonic() < give_up, f"never: {what}"
        time.sleep(0.05)
    return value


def threads_of(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


def frames_until(s, last_number: str, start: bytes = b"") -> list[tuple[int, str, bytes]]:
    """The frames a raw stream gets until the issued event of ticket `last_number`."""
    marker = f'"number": "{last_number}"'.encode()
    data = start if marker in start else start + read_until(s, marker)
    if b"\n\n" not in data[data.find(marker):]:  # the rest of that frame
        data += read_until(s, b"\n\n")
    return [(int(i), k.decode(), d) for i, k, d in FRAME.findall(data)]


def consecutive(frames: list[tuple[int, str, bytes]], after: int) -> None:
    """Each public event names the previous public event (`prev`): no gap, no duplicate, in order."""
    previous = after
    for event_id, _, data in frames:
        assert event_id > previous
        prev = re.search(rb'"prev": (\d+|null)', data)
        assert prev is not None and prev.group(1) == str(previous).encode(), (event_id, previous)
        previous = event_id


def numbers_of(frames: list[tuple[int, str, bytes]]) -> list[str]:
    return [re.search(rb'"number": "([^"]+)"', d).group(1).decode() for _, k, d in frames if k == "issued"]


def test_anonymous_streams_are_relayed_with_public_frames_in_order_and_resume_across_the_handover(served):
    proc, kiosk = served
    first = kiosk.take_number("commerce")
    threads_before = threads_of(proc.proc.pid)
    live = [open_stream(proc.port, loopback_address(i)) for i in range(6)]
    assert all(status_of(head) == 200 for _, head in live)
    head = live[0][1].decode("latin-1").lower()
    assert "transfer-encoding: chunked" in head and "cache-control: no-cache" in head and "x-request-id:" in head
    assert health(proc)["relayed"] == 6  # held by the relay, not by the server process
    assert health(proc)["relay_pid"] not in (None, proc.proc.pid)
    assert threads_of(proc.proc.pid) <= threads_before  # no thread per stream (nor any new one)

    # Streams resuming from before the first ticket open while tickets are issued: each handover falls somewhere
    # in the run, and replay and live frames must meet exactly.
    issued: list[str] = []
    issuing = threading.Thread(target=lambda: issued.extend(
        kiosk.take_number("commerce", priority="elderly")["number"] for _ in range(40)))
    issuing.start()
    resumed = []
    while issuing.is_alive() and len(resumed) < 30:
        s, got = open_stream(proc.port, loopback_address(10 + len(resumed)),
                             path=f"/api/v1/events?last_event_id={first['id'] - 1}")
        assert status_of(got) == 200
        resumed.append((s, got))
    issuing.join()
    assert resumed
    for s, got in live + resumed:
        frames = frames_until(s, issued[-1], got.partition(b"\r\n\r\n")[2])
        s.close()
        for _, _, data in frames:
            assert not any(p in data for p in PRIVATE), data  # public fields only
        consecutive(frames, after=_prev_of(frames[0]))
        assert numbers_of(frames)[-len(issued):] == issued
    for _, got in resumed:
        assert b": connected, last id" in got
    wait_for(lambda: health(proc)["open"] == 0, "the relay reports every closed stream; the slots come back")


def test_a_stream_resuming_from_an_old_id_gets_every_public_event_since_it_once(served):
    proc, kiosk = served
    first = kiosk.take_number("commerce")
    numbers = [first["number"]] + [kiosk.take_number("commerce")["number"] for _ in range(5)]
    s, got = open_stream(proc.port, loopback_address(1), path=f"/api/v1/events?last_event_id={first['id'] - 1}")
    assert status_of(got) == 200
    more = [kiosk.take_number("commerce")["number"] for _ in range(5)]
    frames = frames_until(s, more[-1], got.partition(b"\r\n\r\n")[2])
    s.close()
    assert frames[0][0] == first["id"]
    consecutive(frames, after=_prev_of(frames[0]))
    assert numbers_of(frames) == numbers + more


def _prev_of(frame: tuple[int, str, bytes]) -> int:
    prev = re.search(rb'"prev": (\d+)', frame[2])
    return int(prev.group(1)) if prev else 0


def test_the_per_address_limit_counts_relayed_streams_and_a_closed_one_frees_its_slot(served):
    proc, _ = served
    stranger = loopback_address(3)
    held = [open_stream(proc.port, stranger) for _ in range(3)]
    assert all(status_of(head) == 200 for _, head in held)
    assert health(proc)["relayed"] == 3
    refused, head = open_stream(proc.port, stranger)
    assert status_of(head) == 429 and b"too_many_streams" in head
    refused.close()
    held.pop()[0].close()
    wait_for(lambda: health(proc)["open"] == 2, "the relay noticed the close and the slot came back")
    again, head = open_stream(proc.port, stranger)
    assert status_of(head) == 200
    for s, _ in [*held, (again, b"")]:
        s.close()
    wait_for(lambda: health(proc)["open"] == 0, "every slot back")


def test_a_killed_relay_is_replaced_and_its_clients_resume_where_they_were(served):
    proc, kiosk = served
    s, got = open_stream(proc.port, loopback_address(5))
    first = kiosk.take_number("commerce")
    frames = frames_until(s, first["number"], got.partition(b"\r\n\r\n")[2])
    seen = frames[-1][0]
    old = health(proc)["relay_pid"]
    os.kill(old, signal.SIGKILL)
    _, closed = read_to_end(s)  # the relay's end of the connection went with it
    assert closed
    s.close()
    missed = [kiosk.take_number("commerce")["number"] for _ in range(3)]  # the server keeps answering meanwhile
    new = wait_for(lambda: (pid := health(proc)["relay_pid"]) not in (None, old) and pid, "a new relay")
    assert Path(f"/proc/{new}").exists()
    assert health(proc)["open"] == 0  # the dead relay's slots were given back
    s, got = open_stream(proc.port, loopback_address(5), path=f"/api/v1/events?last_event_id={seen}")
    assert status_of(got) == 200
    frames = frames_until(s, missed[-1], got.partition(b"\r\n\r\n")[2])
    numbers = [re.search(rb'"number": "([^"]+)"', d).group(1).decode() for _, k, d in frames if k == "issued"]
    assert numbers == missed
    consecutive(frames, after=seen)
    assert health(proc)["relayed"] == 1
    s.close()


def test_stopping_the_server_ends_the_relay_and_its_streams(served):
    proc, _ = served
    s, got = open_stream(proc.port, loopback_address(2))
    assert status_of(got) == 200
    relay = health(proc)["relay_pid"]
    proc.stop()  # SIGTERM
    _, closed = read_to_end(s)
    assert closed
    s.close()
    wait_for(lambda: not Path(f"/proc/{relay}").exists() or " Z " in _stat(relay), "the relay exited")


def _stat(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().replace(")", ") ", 1)
    except OSError:
        return " Z "


def test_a_browser_eventsource_reads_a_relayed_stream_and_reconnects_after_the_relay_dies(served, browser):
    proc, kiosk = served
    page = browser.new_page()
    page.goto(proc.url + "/api/v1/health")  # same origin for the EventSource
    page.evaluate("""() => { window.got = []; window.opened = 0;
        const es = new EventSource('/api/v1/events');
        es.onopen = () => { window.opened += 1; };
        es.addEventListener('issued', e => window.got.push([e.lastEventId, JSON.parse(e.data).ticket.number])); }""")
    wait_for(lambda: health(proc)["relayed"] == 1, "the page's stream went to the relay")
    first = kiosk.take_number("commerce")["number"]
    page.wait_for_function("n => window.got.some(g => g[1] === n)", arg=first, timeout=60_000)
    old = health(proc)["relay_pid"]
    os.kill(old, signal.SIGKILL)
    wait_for(lambda: (pid := health(proc)["relay_pid"]) not in (None, old) and pid, "a new relay")
    missed = kiosk.take_number("commerce")["number"]  # taken while the page may still be reconnecting
    page.wait_for_function("n => window.got.some(g => g[1] === n)", arg=missed, timeout=60_000)
    got = page.evaluate("window.got")
    assert [n for _, n in got] == [first, missed]  # each once, none lost across the reconnect
    assert page.evaluate("window.opened") >= 2
    page.close()


def test_without_the_relay_the_server_streams_anonymous_clients_itself(tmp_path, seeded_template):
    db = tmp_path / "hall.db"
    shutil.copy(seeded_template[0], db)
    with ServerProcess(db, env={"HALL_SSE_RELAY": "0"}) as proc:
        kiosk = HallClient(proc.url, seeded_template[1].devices["kiosk-01"], timeout=30)
        s, got = open_stream(proc.port, loopback_address(1))
        assert status_of(got) == 200
        assert health(proc) == {"open": 1, "relayed": 0, "relay_pid": None}
        number = kiosk.take_number("commerce")["number"]
        frames = frames_until(s, number, got.partition(b"\r\n\r\n")[2])
        assert numbers_of(frames) == [number]
        s.close()
        wait_for(lambda: health(proc)["open"] == 0, "the slot back")
