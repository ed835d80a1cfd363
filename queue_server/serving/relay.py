"""The stream relay: a child process of the server that holds the anonymous event streams' sockets and writes them.

gevent parses each request and the Flask view checks it in the server process; then the connection's socket,
its response head and its replay are handed here (serving/relay_link.py), and the server holds nothing more for
that stream. Every published event's public frame comes once, over the same ordered channel, so a stream gets
its replay and then every later event, with no gap and no duplicate. One epoll loop, no thread or greenlet per
stream, a few hundred bytes of state each: thousands of phones and browser boards cost the server's event loop
one message per event instead of a write per stream. The body is chunked (HTTP/1.1): each write is one chunk of
everything pending, framed when it starts, so clients that read chunk by chunk get each write as it comes.

What a stream gets, as in the server: writes at most every `settle_s` (a write carries everything since the
last one), all streams together at most `writes_per_s` writes a second (oldest waiting first), a heartbeat
comment after `heartbeat_s` without a write. A client that closes is noticed at once (readable, recv b'');
one that stops reading is reset (SO_LINGER 0) when a write waited `drain_s` without progress or its pending
bytes pass PENDING_CAP. Each closed stream is reported to the server, which gives back its client address's slot.
The relay exits when its channel to the server closes (server stopped or gone), closing every stream.

Protocol, one SOCK_SEQPACKET message each, in order:
  server -> relay  b"O" id last_id address head body (+ the socket's descriptor): a new stream, nothing written
                   to it yet; its response head, written as it is, and the start of its body (retry line, replay)
                   b"D" id bytes: more body bytes for that stream (the rest of a long replay)
                   b"E" event_id frame: a public frame for every stream whose last id is below event_id
  relay -> server  b"C" id id ...: these streams are closed

Only the standard library: this process imports nothing of the hall.
"""

from __future__ import annotations

import gc
import logging
import os
import resource
import select
import signal
import socket
import struct
import sys
import time
from collections import deque

log = logging.getLogger("queue_server.relay")

OPEN, DATA, EVENT, CLOSED = b"O", b"D", b"E", b"C"
ID = struct.Struct("!I")
OPEN_HEAD = struct.Struct("!IqHI")  # stream id, the last event id in its replay, address and head lengths
EVENT_HEAD = struct.Struct("!q")
MAX_MESSAGE = 60 * 1024  # bytes of payload per message; longer data goes in several
PENDING_CAP = 1024 * 1024  # unsent bytes a stream may have waiting here before it is reset (its client does not read)
HEARTBEAT = b": heartbeat\n\n"
IOV_MAX = 512  # parts per sendmsg
HOUSEKEEPING_S = 0.5  # how often heartbeats are due and stalled writes are looked at

READABLE = select.EPOLLIN | select.EPOLLRDHUP
WRITABLE = READABLE | select.EPOLLOUT


def open_messages(stream_id: int, last_id: int, address: str, head: bytes, body: bytes) -> list[bytes]:
    """The OPEN (head and body's start in it: the first write carries both) and DATA messages of a new stream."""
    name = address.encode()[:255]
    first = MAX_MESSAGE - len(head) - len(name)
    opening = OPEN + OPEN_HEAD.pack(stream_id, last_id, len(name), len(head)) + name + head + body[:first]
    return [opening, *data_messages(stream_id, body[first:])]


def data_messages(stream_id: int, data: bytes) -> list[bytes]:
    return _messages(DATA + ID.pack(stream_id), data)


def event_messages(event_id: int, frame: bytes) -> list[bytes]:
    return _messages(EVENT + EVENT_HEAD.pack(event_id), frame)


def _messages(prefix: bytes, payload: bytes) -> list[bytes]:
    """The payload in messages of at most MAX_MESSAGE bytes, each behind the same prefix."""
    return [prefix + payload[i:i + MAX_MESSAGE] for i in range(0, len(payload), MAX_MESSAGE)]


def closed_ids(message: bytes) -> list[int]:
    return [ID.unpack_from(message, i)[0] for i in range(1, len(message), ID.size)]


class Stream:
    __slots__ = ("sock", "fd", "id", "last_id", "pending", "framed", "size", "queued", "next_at", "wrote_at",
                 "blocked_at", "closed")

    def __init__(self, sock: socket.socket, stream_id: int, last_id: int, now: float):
        self.sock = sock
        self.fd = sock.fileno()
        self.id = stream_id
        self.last_id = last_id
        self.pending: list = []  # bytes (and a memoryview of a part sent partly), in order
        self.framed = 0  # the first `framed` parts are in a chunk already (or are the head); the rest are not yet
        self.size = 0
        self.queued = False  # waiting in the relay's queue for its turn to write
        self.next_at = 0.0  # not written again before this (the settle time)
        self.wrote_at = now  # last write that sent something (heartbeats count from it)
        self.blocked_at = 0.0  # a write found the socket full since then (0: not blocked)
        self.closed = False


class Relay:
    def __init__(self, channel: socket.socket, heartbeat_s: float, writes_per_s: float, settle_s: float,
                 drain_s: float, send_buffer: int):
        self.channel = channel
        self.heartbeat_s = heartbeat_s
        self.writes_per_s = max(1.0, writes_per_s)
        self.settle_s = settle_s
        self.drain_s = drain_s
        self.send_buffer = send_buffer
        self.epoll = select.epoll()
        self.by_fd: dict[int, Stream] = {}
        self.by_id: dict[int, Stream] = {}
        self.queue: deque[Stream] = deque()  # streams with bytes to write, oldest first
        self.tokens = 1.0
        self.bucket = max(1.0, self.writes_per_s * settle_s)
        self.refilled_at = time.monotonic()
        self.closed: list[int] = []  # ids to report to the server
        self.outbox: deque[bytes] = deque()  # reports the channel could not take yet
        self.running = True

    # ---- the loop ----
    def run(self) -> None:
        self.channel.setblocking(False)
        self.epoll.register(self.channel.fileno(), select.EPOLLIN)
        housekeeping_at = time.monotonic() + HOUSEKEEPING_S
        gc.freeze()  # what exists now is never collected: later collections look only at new objects
        while self.running:
            now = time.monotonic()
            timeout = housekeeping_at - now
            if self.queue:
                first = self.queue[0]
                timeout = min(timeout, max(first.next_at - now, (1.0 - self.tokens) / self.writes_per_s))
            for fd, mask in self.epoll.poll(max(0.0, timeout)):
                if fd == self.channel.fileno():
                    if mask & select.EPOLLIN or not mask & select.EPOLLOUT:
                        self.read_channel()
                    if mask & select.EPOLLOUT:
                        self.flush_outbox()
                    continue
                s = self.by_fd.get(fd)
                if s is None:
                    continue
                if mask & (select.EPOLLIN | select.EPOLLRDHUP | select.EPOLLHUP | select.EPOLLERR):
                    self.read_client(s)
                if mask & select.EPOLLOUT and not s.closed:
                    self.write(s, time.monotonic())
            now = time.monotonic()
            self.write_due(now)
            if now >= housekeeping_at:
                self.housekeeping(now)
                housekeeping_at = now + HOUSEKEEPING_S
            self.report_closed()
        for s in list(self.by_fd.values()):
            self.finish(s)  # the server is gone: end every stream (clients reconnect with Last-Event-ID)

    def read_channel(self) -> None:
        while True:
            try:
                message, fds, flags, _ = socket.recv_fds(self.channel, MAX_MESSAGE + 64, 1)
            except BlockingIOError:
                return
            except OSError:
                message, fds = b"", []
            if not message:
                self.running = False  # the server closed its end, or died
                return
            kind = message[:1]
            if kind == EVENT:
                (event_id,) = EVENT_HEAD.unpack_from(message, 1)
                self.event(event_id, message[1 + EVENT_HEAD.size:])
            elif kind == DATA:
                (stream_id,) = ID.unpack_from(message, 1)
                s = self.by_id.get(stream_id)
                if s is not None:
                    self.add(s, message[1 + ID.size:])
            elif kind == OPEN:
                stream_id, last_id, name_length, head_length = OPEN_HEAD.unpack_from(message, 1)
                if not fds:
                    self.closed.append(stream_id)
                    continue
                s = self.open(fds[0], stream_id, last_id)
                at = 1 + OPEN_HEAD.size + name_length
                self.add(s, message[at:at + head_length])
                s.framed = 1  # the head goes as it is; the body after it in chunks
                if len(message) > at + head_length:
                    self.add(s, message[at + head_length:])

    def open(self, fd: int, stream_id: int, last_id: int) -> Stream:
        sock = socket.socket(fileno=fd)
        sock.setblocking(False)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self.send_buffer)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        s = Stream(sock, stream_id, last_id, time.monotonic())
        self.by_fd[s.fd] = s
        self.by_id[stream_id] = s
        self.epoll.register(s.fd, READABLE)
        return s

    def event(self, event_id: int, frame: bytes) -> None:
        over = []
        size = len(frame)
        for s in self.by_fd.values():
            if event_id <= s.last_id:
                continue  # already in its replay
            s.last_id = event_id
            s.pending.append(frame)
            s.size += size
            if s.size > PENDING_CAP:
                over.append(s)
            elif not s.queued and not s.blocked_at:
                s.queued = True
                self.queue.append(s)
        for s in over:
            self.close(s, reset=True)

    def add(self, s: Stream, data: bytes) -> None:
        s.pending.append(data)
        s.size += len(data)
        if not s.queued and not s.blocked_at:
            s.queued = True
            self.queue.append(s)

    def write_due(self, now: float) -> None:
        """Write the streams waiting their turn, oldest first, as far as the budget of writes allows."""
        self.tokens = min(self.bucket, self.tokens + (now - self.refilled_at) * self.writes_per_s)
        self.refilled_at = now
        queue = self.queue
        while queue and self.tokens >= 1.0:
            s = queue[0]
            if s.closed:
                queue.popleft()
                continue
            if s.next_at > now:
                return
            queue.popleft()
            s.queued = False
            self.tokens -= 1.0
            self.write(s, now)

    def write(self, s: Stream, now: float) -> None:
        pending = s.pending
        if not pending:
            return
        self.frame(s)
        try:
            sent = s.sock.sendmsg(pending[:IOV_MAX])
        except BlockingIOError:
            sent = 0
        except OSError:
            self.close(s)
            return
        if sent:
            s.size -= sent
            s.wrote_at = now
            i = 0
            while i < len(pending) and sent >= len(pending[i]):
                sent -= len(pending[i])
                i += 1
            del pending[:i]
            s.framed -= i
            if sent:
                pending[0] = memoryview(pending[0])[sent:]
        s.next_at = now + self.settle_s
        if s.pending:
            if not s.blocked_at or sent:
                if not s.blocked_at:
                    self.epoll.modify(s.fd, WRITABLE)
                s.blocked_at = now  # the drain time counts from the last progress
        elif s.blocked_at:
            s.blocked_at = 0.0
            self.epoll.modify(s.fd, READABLE)

    @staticmethod
    def frame(s: Stream) -> None:
        """What came since the last write becomes one chunk."""
        pending = s.pending
        if s.framed < len(pending):
            tail = pending[s.framed:]
            line = b"%x\r\n" % sum(map(len, tail))
            pending[s.framed:] = [line, *tail, b"\r\n"]
            s.size += len(line) + 2
            s.framed = len(pending)

    def finish(self, s: Stream) -> None:
        """End the stream properly (the last chunk) if its socket takes it now, and close it."""
        if not s.blocked_at:
            self.frame(s)
            s.pending.append(b"0\r\n\r\n")
            s.framed = len(s.pending)
            try:
                s.sock.sendmsg(s.pending[:IOV_MAX])
            except OSError:
                pass
        self.close(s)

    def read_client(self, s: Stream) -> None:
        """An event-stream client sends nothing after its request: readable means it closed or reset."""
        try:
            data = s.sock.recv(4096)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self.close(s)

    def housekeeping(self, now: float) -> None:
        stalled = []
        quiet_since = now - self.heartbeat_s
        for s in self.by_fd.values():
            if s.blocked_at:
                if now - s.blocked_at > self.drain_s:
                    stalled.append(s)
            elif not s.size and s.wrote_at <= quiet_since:
                s.wrote_at = now  # counted from now, not again at the next round while it waits its turn
                self.add(s, HEARTBEAT)
        for s in stalled:
            self.close(s, reset=True)

    def close(self, s: Stream, reset: bool = False) -> None:
        if s.closed:
            return
        s.closed = True
        s.pending = []
        s.framed = 0
        del self.by_fd[s.fd]
        del self.by_id[s.id]
        try:
            self.epoll.unregister(s.fd)
        except OSError:
            pass
        if reset:
            try:  # SO_LINGER 0: a reset, the kernel frees the unsent bytes now
                s.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
        s.sock.close()
        self.closed.append(s.id)

    def report_closed(self) -> None:
        if not self.closed:
            return
        ids, self.closed = self.closed, []
        per_message = MAX_MESSAGE // ID.size
        for i in range(0, len(ids), per_message):
            self.outbox.append(CLOSED + b"".join(ID.pack(x) for x in ids[i:i + per_message]))
        self.flush_outbox()

    def flush_outbox(self) -> None:
        while self.outbox:
            try:
                self.channel.send(self.outbox[0])
            except BlockingIOError:
                self.epoll.modify(self.channel.fileno(), select.EPOLLIN | select.EPOLLOUT)
                return
            except OSError:
                self.running = False
                return
            self.outbox.popleft()
        self.epoll.modify(self.channel.fileno(), select.EPOLLIN)


def main(argv: list[str]) -> None:
    """argv: channel descriptor, heartbeat s, writes per s, settle s, drain s, send buffer bytes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the server, which ends the relay
    logging.basicConfig(level=logging.INFO, format="relay %(levelname)s %(message)s")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # a descriptor per stream
    fd, heartbeat_s, writes_per_s, settle_s, drain_s, send_buffer = argv
    channel = socket.socket(fileno=int(fd))
    Relay(channel, float(heartbeat_s), float(writes_per_s), float(settle_s), float(drain_s), int(send_buffer)).run()
    os._exit(0)  # nothing left to flush; skip the interpreter's teardown of thousands of objects


if __name__ == "__main__":
    main(sys.argv[1:])
