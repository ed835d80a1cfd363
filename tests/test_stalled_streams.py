"""An event stream whose client does not read is dropped, not fed without end: the server holds at most its
socket's capped send buffer and one pending chunk for it, then resets the connection and frees its slot; a
stream that reads gets every event, in order (a real server on loopback)."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time

import requests

from hall_client.client import HallClient
from queue_server.serving.deadlines import STREAM_SEND_BUFFER
from queue_server.testing.raw_clients import loopback_address, open_stream, read_until, request_head, status_of
from queue_server.testing.server_process import ServerProcess

STALLED = 4
FRAME = re.compile(rb"id: (\d+)\nevent: issued\n")


def stalled_stream(port: int, source: str) -> socket.socket:
    """A stream whose client reads its head and then nothing, with a small receive window (fills sooner)."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: the window it offers
    s.settimeout(30)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    s.sendall(request_head("GET", "/api/v1/events", {"Accept": "text/event-stream"}))
    assert status_of(read_until(s, b"retry")) == 200
    return s


def read_all(s: socket.socket, into: bytearray, done: threading.Event) -> None:
    try:
        while not done.is_set():
            part = s.recv(65536)
            if not part:
                return
            into += part
    except OSError:  # closed by the test at its end
        return


def test_streams_that_do_not_read_are_dropped_and_a_reading_stream_gets_every_event(tmp_path, seeded_template):
    db = tmp_path / "hall.db"
    shutil.copy(seeded_template[0], db)
    stranger = loopback_address(7)
    with ServerProcess(db, args=("--max-streams-per-client", str(STALLED))) as proc:
        kiosk = HallClient(proc.url, seeded_template[1].devices["kiosk-01"], timeout=30)
        stalled = [stalled_stream(proc.port, stranger) for _ in range(STALLED)]
        # Anonymous: the stream relay holds them (serving/relay.py), and resets them there.
        assert requests.get(proc.url + "/api/v1/health", timeout=30).json()["event_streams"]["relayed"] == STALLED
        refused, refused_head = open_stream(proc.port, stranger)
        reader, got = open_stream(proc.port, loopback_address(8))
        received = bytearray()
        done = threading.Event()
        reading = threading.Thread(target=read_all, args=(reader, received, done), daemon=True)
        reading.start()
        try:
            assert status_of(refused_head) == 429  # the stranger's address holds all it may
            refused.close()
            numbers = []
            dropped = False
            while not dropped:  # until the server gives the stranger's slots back: it dropped its streams
                assert len(numbers) < 6000, "streams that do not read were never dropped"
                for _ in range(50):
                    numbers.append(kiosk.take_number("commerce")["number"])
                probe, head = open_stream(proc.port, stranger)
                dropped = status_of(head) == 200
                probe.close()
            last = numbers[-1]
            # Every stalled stream was reset: reading it now ends (reset or end of stream), never waits on more.
            for s in stalled:
                held = bytearray()
                try:
                    while part := s.recv(65536):
                        held += part
                except ConnectionResetError:
                    pass
                # What the server had handed over for it: its send buffer (the kernel doubles the setting),
                # the client's window and a chunk in flight; far less than everything published meanwhile.
                assert len(held) < 4 * STREAM_SEND_BUFFER + 64 * 1024
            seen_last = read_until_number(received, last)
            assert seen_last == numbers  # the reading stream: every ticket, once, in order
        finally:
            done.set()
            reader.close()
            for s in stalled:
                s.close()


def read_until_number(received: bytearray, last: str) -> list[str]:
    """The ticket numbers of the issued events the reading stream got, once it has the last one."""
    marker = f'"number": "{last}"'.encode()
    hang_guard = time.monotonic() + 300  # not a timing assertion: only so a broken server fails instead of hanging
    while marker not in received:
        assert time.monotonic() < hang_guard, "the reading stream never got the last ticket"
        time.sleep(0.05)  # waiting on a condition (the reader thread fills `received`), not a fixed time
    return re.findall(r'event: issued\ndata: \{[^\n]*?"number": "([^"]+)"', bytes(received).decode())
