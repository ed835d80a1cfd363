"""What a client on the hall's LAN may hold: event streams per address, deadlines on slow heads and
bodies, idle keep-alive; none of it stops ticket issue or call-next (a real server on loopback)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from hall_client.client import HallClient
from queue_server.testing.raw_clients import (
    body_of,
    connect,
    loopback_address,
    open_stream,
    read_to_end,
    read_until,
    request_head,
    slowloris,
    status_of,
)
from queue_server.testing.server_process import ROOT, ServerProcess

OLD_THREAD_POOL = 600  # cheroot's pool: this many open streams stopped everything else
PER_ADDRESS = 20  # the default SSE_MAX_STREAMS_PER_CLIENT


@pytest.fixture
def start_server(tmp_path, seeded_template):
    """Start a server with its own database and extra `hall server` options; stopped after the test."""
    started: list[ServerProcess] = []

    def start(*args: str) -> ServerProcess:
        db = tmp_path / "hall.db"
        shutil.copy(seeded_template[0], db)
        proc = ServerProcess(db, args=args).start()
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.stop()


def kiosk(proc: ServerProcess, seeded_template) -> HallClient:
    return HallClient(proc.url, seeded_template[1].devices["kiosk-01"], timeout=30)


def staff_at_window_1(proc: ServerProcess, seeded_template) -> HallClient:
    staff = HallClient(proc.url, timeout=30)
    staff.login("staff1", seeded_template[1].staff["staff1"])
    staff.open_window(1)
    return staff


def close_all(sockets) -> None:
    for s in sockets:
        s.close()


def test_many_open_streams_leave_ticket_issue_and_call_next_answering(start_server, seeded_template):
    proc = start_server()
    streams = []
    try:
        n = 700  # more than the old 600-thread pool, from 35 addresses (20 each, the per-address limit)
        assert n > OLD_THREAD_POOL
        for i in range(n):
            s, got = open_stream(proc.port, loopback_address(i // PER_ADDRESS))
            streams.append(s)
            assert status_of(got) == 200 and b"connected" in got, got
        ticket = kiosk(proc, seeded_template).take_number("commerce")
        assert ticket["number"]
        called = staff_at_window_1(proc, seeded_template).call_next(1)
        assert called is not None and called["id"] == ticket["id"]
        assert requests.get(proc.url + "/api/v1/health", timeout=30).json()["ok"] is True
        # The open streams are live, not just parked: the first and the last both see the call.
        for s in (streams[0], streams[-1]):
            assert b"event: called" in read_until(s, b"event: called")
    finally:
        close_all(streams)


def test_the_twenty_first_stream_from_one_address_gets_429(start_server):
    proc = start_server()
    mine = []
    try:
        for _ in range(PER_ADDRESS):
            s, got = open_stream(proc.port, "127.0.0.9")
            mine.append(s)
            assert status_of(got) == 200
        s, got = open_stream(proc.port, "127.0.0.9")
        s.close()
        assert status_of(got) == 429
        body = json.loads(body_of(got))
        assert body["error"] == "too_many_streams"
        assert "事件流" in body["message"] and "too many open event streams" in body["message"]
        # Another address is not affected.
        other, got = open_stream(proc.port, "127.0.0.10")
        other.close()
        assert status_of(got) == 200
        # A stream closed by its client gives its slot back.
        mine.pop().close()
        for _ in range(600):  # until the server has seen the close (bounded, not timed)
            s, got = open_stream(proc.port, "127.0.0.9")
            if status_of(got) == 200:
                mine.append(s)
                break
            s.close()
            threading.Event().wait(0.05)
        assert status_of(got) == 200
    finally:
        close_all(mine)


def test_phone_page_streams_count_against_the_same_per_address_limit(start_server, seeded_template):
    proc = start_server()
    ticket = kiosk(proc, seeded_template).take_number("commerce")
    phone_stream = "/api/v1/t/" + ticket["status_url"].rsplit("/t/", 1)[1] + "/events"
    mine = []
    try:
        for _ in range(PER_ADDRESS - 1):
            s, got = open_stream(proc.port, "127.0.0.11")
            mine.append(s)
            assert status_of(got) == 200
        s, got = open_stream(proc.port, "127.0.0.11", path=phone_stream)
        mine.append(s)
        assert status_of(got) == 200  # the 20th: a phone page's stream
        s, got = open_stream(proc.port, "127.0.0.11", path=phone_stream)
        s.close()
        assert status_of(got) == 429 and json.loads(body_of(got))["error"] == "too_many_streams"
    finally:
        close_all(mine)


def test_a_slowloris_head_is_cut_at_the_deadline_while_tickets_issue(start_server, seeded_template):
    proc = start_server("--head-timeout", "3")
    head = request_head("GET", "/api/v1/health", {f"X-Pad-{i}": "x" * 20 for i in range(10)})
    sent = 0
    stop = threading.Event()
    slow = connect(proc.port, "127.0.0.20")
    parked = [slowloris(proc.port, loopback_address(40 + i % 50)) for i in range(200)]

    def trickle() -> None:  # one byte of the head every second: 300 s for the whole head
        nonlocal sent
        try:
            while sent < len(head) and not stop.is_set():
                slow.sendall(head[sent:sent + 1])
                sent += 1
                stop.wait(1.0)
        except OSError:  # the server closed the connection
            pass

    sender = threading.Thread(target=trickle)
    sender.start()
    try:
        ticket = kiosk(proc, seeded_template).take_number("commerce")  # answers while the heads hang
        assert ticket["number"]
        answer, closed = read_to_end(slow, timeout=120)
        assert closed
        if answer:  # a byte that arrived as the server closed may reset the connection and lose the 408
            assert status_of(answer) == 408 and json.loads(body_of(answer))["error"] == "request_timeout"
        assert sent < len(head)  # cut before the head was complete
        for s in parked:  # the silent ones are cut as well
            _, closed = read_to_end(s, timeout=120)
            assert closed
        assert kiosk(proc, seeded_template).take_number("commerce")["number"]
    finally:
        stop.set()
        sender.join(10)
        slow.close()
        close_all(parked)


def test_a_slow_body_is_cut_and_issues_nothing(start_server, seeded_template):
    proc = start_server("--body-grace", "2", "--body-min-rate", "1000")
    token = seeded_template[1].devices["kiosk-01"]
    body = json.dumps({"zone": "commerce", "source": "slow"}).encode().ljust(5000)  # 7 s allowed, 5000 s taken
    s = connect(proc.port, "127.0.0.30")
    s.sendall(request_head("POST", "/api/v1/tickets", {"Authorization": f"Bearer {token}",
                                                       "Content-Type": "application/json",
                                                       "Content-Length": str(len(body))}))
    sent = 0
    try:
        answer = b""
        closed = False
        while sent < len(body) and not closed:
            s.sendall(body[sent:sent + 1])
            sent += 1
            got, closed = read_to_end(s, timeout=1.0)
            answer += got  # the 408 and the close may come in different reads
        assert closed and sent < len(body)
        # The server answers 408 and closes; the bytes it never read may make the kernel reset the
        # connection, which can discard that answer before it is read: then the cut itself is the answer.
        if answer:
            assert status_of(answer) == 408 and json.loads(body_of(answer))["error"] == "request_timeout"
    except OSError:  # reset while sending: cut all the same
        assert sent < len(body)
    finally:
        s.close()
    client = kiosk(proc, seeded_template)
    assert client.take_number("commerce")["number"] == "A001"  # the slow one issued nothing


def test_a_body_at_normal_speed_and_a_chunked_body_are_served(start_server, seeded_template):
    proc = start_server("--body-grace", "2", "--body-min-rate", "1000")
    headers = {"Authorization": f"Bearer {seeded_template[1].devices['kiosk-01']}",
               "Content-Type": "application/json"}
    plain = requests.post(proc.url + "/api/v1/tickets", json={"zone": "commerce"}, headers=headers, timeout=30)
    assert plain.status_code == 201
    chunks = (part for part in (b'{"zone": ', b'"commerce"}'))  # a generator body goes out chunked
    chunked = requests.post(proc.url + "/api/v1/tickets", data=chunks, headers=headers, timeout=30)
    assert chunked.status_code == 201 and chunked.json()["number"] == "A002"
    too_big = requests.post(proc.url + "/api/v1/tickets", data=b"x" * (2 * 1024 * 1024), headers=headers, timeout=30)
    assert too_big.status_code == 413


def test_an_idle_keep_alive_connection_is_closed(start_server):
    proc = start_server("--idle-timeout", "2")
    s = connect(proc.port, "127.0.0.40")
    try:
        s.sendall(request_head("GET", "/api/v1/health"))
        first = read_until(s, b'"ok":true')
        assert status_of(first) == 200 and b"connection: close" not in first.lower()  # kept alive, at first
        _, closed = read_to_end(s, timeout=120)  # no second request: the server closes it
        assert closed
    finally:
        s.close()


def test_sigterm_ends_open_streams_and_stops_the_server(start_server):
    proc = start_server()
    streams = [open_stream(proc.port, loopback_address(i // PER_ADDRESS))[0] for i in range(60)]
    try:
        server = proc.proc
        server.terminate()
        assert server.wait(60) == 0
        for s in streams:
            data, closed = read_to_end(s, timeout=30)
            assert closed and data.endswith(b"0\r\n\r\n")  # the chunked stream ended properly
    finally:
        close_all(streams)


def test_concurrent_writes_publish_in_commit_order(start_server, seeded_template):
    """Greenlets queue on the one writer's lock; the stream sees every ticket once, in the order of the
    numbers the transactions gave them."""
    proc = start_server()
    stream, got = open_stream(proc.port)
    token = seeded_template[1].devices["kiosk-01"]
    n = 60
    try:
        with ThreadPoolExecutor(12) as pool:
            issued = list(pool.map(lambda _: HallClient(proc.url, token, timeout=60).take_number("commerce"),
                                   range(n)))
        data = got
        for _ in range(n * 4):
            if data.count(b"event: issued") >= n:
                break
            data += read_until(stream, b"event: issued", timeout=5)
        events = [json.loads(line[len("data: "):]) for block in data.decode().split("\n\n")
                  if "event: issued" in block for line in block.split("\n") if line.startswith("data: ")]
        ids = [int(line[len("id: "):]) for block in data.decode().split("\n\n")
               if "event: issued" in block for line in block.split("\n") if line.startswith("id: ")]
    finally:
        stream.close()
    assert len(events) == n and ids == sorted(ids) and len(set(ids)) == n
    assert [e["ticket"]["number"] for e in events] == [f"A{i:03d}" for i in range(1, n + 1)]
    assert sorted(t["number"] for t in issued) == [e["ticket"]["number"] for e in events]


GREEN_STORE = """
from gevent import monkey; monkey.patch_all()
import sys
import gevent
from queue_server.storage.database import Store

store = Store(sys.argv[1])
order = []

def work(i):
    store.read().execute("SELECT 1").fetchall()
    with store.write() as db:
        db.execute("CREATE TABLE IF NOT EXISTS t (i INTEGER)")
        db.execute("INSERT INTO t VALUES (?)", [i])
        gevent.sleep(0)  # yield inside the transaction: the others must queue on the writer's lock
        store.after_commit(lambda: order.append(i))

gevent.joinall([gevent.spawn(work, i) for i in range(50)], raise_error=True)
rows = [r[0] for r in store.read().execute("SELECT i FROM t ORDER BY rowid").fetchall()]
print(len(store._readers), rows == order, len(rows))
"""


def test_greenlets_share_one_reader_and_queue_on_the_one_writer(tmp_path):
    out = subprocess.run([sys.executable, "-c", GREEN_STORE, str(tmp_path / "green.db")], capture_output=True,
                         text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1", "True", "50"]  # one read connection; commits and callbacks in one order


GREEN_COMMIT = """
from gevent import monkey; monkey.patch_all()
import sys
import gevent
from queue_server.storage.database import Store

store = Store(sys.argv[1])
with store.write() as db:
    db.execute("CREATE TABLE t (i INTEGER)")
commits, reads_during_commit = [], []
store._write_conn.set_trace_callback(lambda sql: commits.append(sql) if sql == "COMMIT" else None)

def reader():  # runs only while the event loop is free
    while True:
        if store._group is None and store._lock.locked():  # a COMMIT is under way
            reads_during_commit.append(store.read().execute("SELECT count(*) FROM t").fetchone()[0])
        gevent.sleep(0)

def work(i):
    with store.write() as db:
        db.execute("INSERT INTO t VALUES (?)", [i])

watch = gevent.spawn(reader)
gevent.joinall([gevent.spawn(work, i) for i in range(200)], raise_error=True)
watch.kill()
n = store.read().execute("SELECT count(*) FROM t").fetchone()[0]
print(n, len(commits) < 200, len(reads_during_commit) > 0)
"""


def test_a_commit_runs_off_the_event_loop_and_writes_queued_meanwhile_share_the_next_one(tmp_path):
    """The fsync of a COMMIT does not stop the server: other greenlets run meanwhile, and the writes that
    queue for the lock during it go out together (fewer COMMITs than writes)."""
    out = subprocess.run([sys.executable, "-c", GREEN_COMMIT, str(tmp_path / "commit.db")], capture_output=True,
                         text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["200", "True", "True"]
