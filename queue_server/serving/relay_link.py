"""The server's side of the stream relay (serving/relay.py): starts the relay process, hands it anonymous event
streams and the public frames of published events over one ordered channel, gives back the client address's slot
of each stream the relay reports closed, and starts a new relay when one dies.

Order is what makes a handover exact: a stream's OPEN and its replay (events up to the broker's last id) and
every later event go into one queue, drained in order by one greenlet. Handing over and publishing both run on
the event loop without yielding between reading the broker and queueing, so no event falls between a replay
and the live frames; the relay also skips a live frame whose id is not above the stream's replay (an event read
from the database before the broker published it).
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path

import gevent
from gevent.event import Event
from gevent.subprocess import Popen, TimeoutExpired

from queue_server.broker import STREAM_SETTLE_S, LiveEvent
from queue_server.serving import relay
from queue_server.serving.stream_slots import StreamSlots

log = logging.getLogger(__name__)

RESTART_AFTER_S = (0.2, 1.0, 5.0)  # a relay that dies again soon after its start waits longer before the next
STEADY_S = 60.0  # a relay that ran this long before dying is replaced at once again
STOP_WAIT_S = 3.0
MAX_QUEUED = 100_000  # messages waiting for a relay that does not read them: it is stuck, replace it


class RelayLink:
    def __init__(self, slots: StreamSlots, heartbeat_s: float, writes_per_s: float, drain_s: float,
                 send_buffer: int):
        self.slots = slots
        self.args = [str(heartbeat_s), str(writes_per_s), str(STREAM_SETTLE_S), str(drain_s), str(send_buffer)]
        self.open: dict[int, str] = {}  # relayed stream id -> its client address (whose slot it holds)
        self._failures = 0  # deaths in a row, each soon after its start
        self.proc: Popen | None = None
        self._channel: socket.socket | None = None
        self._queue: deque[tuple[bytes, int | None]] = deque()  # (message, descriptor to send with it)
        self._wake = Event()
        self._next_id = 1
        self._generation = 0
        self._stopping = False
        self._started_at = 0.0

    @property
    def alive(self) -> bool:
        return self._channel is not None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None and self._channel is not None else None

    # ---- life ----
    def start(self) -> None:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])  # the relay imports this package, wherever it is installed
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        try:
            self.proc = Popen([sys.executable, "-m", "queue_server.serving.relay", str(child.fileno()), *self.args],
                              pass_fds=(child.fileno(),), env=env, close_fds=True)
        finally:
            child.close()
        self._generation += 1
        self._started_at = time.monotonic()
        self._channel = parent
        self._wake.clear()
        gevent.spawn(self._send, parent, self._generation)
        gevent.spawn(self._receive, parent, self._generation)
        log.info("stream relay started (pid %s)", self.proc.pid)

    def close(self) -> None:
        """Stop the relay: its channel closes, it ends every stream it holds and exits."""
        self._stopping = True
        proc = self.proc
        self._lost(self._generation, "server stopping")
        if proc is not None:
            try:
                proc.wait(timeout=STOP_WAIT_S)
            except TimeoutExpired:
                proc.kill()
                proc.wait()

    def _lost(self, generation: int, why: str) -> None:
        """The relay ended (or is being stopped): its streams are gone, their slots given back; start another."""
        if generation != self._generation or self._channel is None:
            return
        channel, self._channel = self._channel, None
        try:
            channel.close()
        except OSError:
            pass
        for _, fd in self._queue:
            if fd is not None:
                os.close(fd)
        self._queue.clear()
        self._wake.set()
        for address in self.open.values():
            self.slots.give_back(address)
        dropped = len(self.open)
        self.open.clear()
        if self._stopping:
            return
        log.error("stream relay lost (%s): %d streams dropped (they reconnect with Last-Event-ID); restarting",
                  why, dropped)
        if time.monotonic() - self._started_at > STEADY_S:
            self._failures = 0
        wait = RESTART_AFTER_S[min(self._failures, len(RESTART_AFTER_S) - 1)]
        self._failures += 1
        gevent.spawn_later(wait, self._restart)

    def _restart(self) -> None:
        if self._stopping or self._channel is not None:
            return
        old = self.proc
        if old is not None and old.poll() is None:
            old.kill()
        if old is not None:
            old.wait()
        try:
            self.start()
        except OSError as e:
            log.error("stream relay could not start: %s", e)
            gevent.spawn_later(RESTART_AFTER_S[-1], self._restart)

    # ---- what the server hands over ----
    def hand_over(self, fd: int, address: str, head: bytes, replay: Callable[[], tuple[list[bytes], int]]) -> bool:
        """Give the relay this connection (the descriptor is duplicated; the caller closes its own without writing),
        its response head and its replay: `replay()` gives the public frames up to the broker's last id and that id.
        False when no relay is running (the caller streams it itself)."""
        if self._channel is None:
            return False
        frames, last_id = replay()  # read and queued without yielding: the next event published follows it
        stream_id = self._next_id
        self._next_id = (self._next_id + 1) % 0xFFFFFFFF or 1
        opening, *rest = relay.open_messages(stream_id, last_id, address, head, b"".join(frames))
        self._queue.append((opening, os.dup(fd)))
        self._queue.extend((message, None) for message in rest)
        self.open[stream_id] = address
        self._wake.set()
        self._check_backlog()
        return True

    def publish(self, events: Iterable[LiveEvent]) -> None:
        """The broker's listener: each event's public frame, once, for every relayed stream."""
        if self._channel is None:
            return
        for e in events:
            if e.public_sse:
                for message in relay.event_messages(e.id, e.public_sse):
                    self._queue.append((message, None))
        self._wake.set()
        self._check_backlog()

    def _check_backlog(self) -> None:
        if len(self._queue) > MAX_QUEUED and self.proc is not None:
            self.proc.kill()  # a relay that stopped reading its channel: its streams end, a new one starts
            self._lost(self._generation, f"{len(self._queue)} messages not taken")

    # ---- the channel ----
    def _send(self, channel: socket.socket, generation: int) -> None:
        queue = self._queue
        try:
            while generation == self._generation and self._channel is not None:
                if not queue:
                    self._wake.clear()
                    self._wake.wait()
                    continue
                message, fd = queue[0]
                if fd is None:
                    channel.send(message)
                else:
                    socket.send_fds(channel, [message], [fd])
                queue.popleft()
                if fd is not None:
                    os.close(fd)
        except OSError as e:
            self._lost(generation, f"sending: {e}")

    def _receive(self, channel: socket.socket, generation: int) -> None:
        why = "its channel closed"
        try:
            while True:
                message = channel.recv(relay.MAX_MESSAGE + 64)
                if not message:
                    break
                if message[:1] == relay.CLOSED:
                    for stream_id in relay.closed_ids(message):
                        address = self.open.pop(stream_id, None)
                        if address is not None:
                            self.slots.give_back(address)
        except OSError as e:
            why = f"receiving: {e}"
        proc = self.proc
        if proc is not None and generation == self._generation:
            code = proc.poll()
            if code is not None:
                why = f"exit code {code}"
        self._lost(generation, why)
