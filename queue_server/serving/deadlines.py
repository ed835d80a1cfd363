"""gevent's WSGI handler with deadlines, so a slow or silent client cannot hold a connection.

- The request head (request line and headers) must arrive whole within `head_s`, counted from
  the connection's opening or, on a kept-alive connection, from the next request's first byte.
- A kept-alive connection waits at most `idle_s` for that first byte, then it is closed.
- The body is read before the application runs, within `body_grace_s + size / body_min_rate`,
  so the application never waits on a client; a body over `max_body` is left unread (the app
  answers 413) and the connection closed.
- Any single socket read or write waits at most `socket_s` (a client that stops reading).
- While an event stream (text/event-stream) is sent, the socket is watched: when the client
  closes it, the stream ends at once (not at the next heartbeat), so its per-address slot is free.
- An event stream whose client does not read is dropped, not fed: its socket's send buffer is capped
  (STREAM_SEND_BUFFER), and a write the kernel cannot take gets `stream_drain_s` to drain, then the
  connection is reset (its unsent bytes freed with it). The client resumes with Last-Event-ID. Without
  this, every stalled stream held its pending chunk twice (the chunk and gevent's chunked copy of it) for
  up to `socket_s`, and a larger one at each write: 5,000 unread streams took the server to 1.4 GB.

- An anonymous event stream that the view marked (serving/handover.py) is handed to the stream relay once the app
  has returned its status and headers: the relay gets the connection's descriptor, the response head (chunked,
  `Connection: close`) and the replay; this process closes its own descriptor without writing (closing one
  descriptor does not end the connection while the relay holds its duplicate).

Too slow: a 408 JSON answer when the client may still read it, and the connection is closed.
"""

from __future__ import annotations

import errno
import io
import json
import logging
import socket
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import formatdate
from typing import Any

import gevent
from gevent import Timeout
from gevent.pywsgi import Input
from gevent.socket import wait_read, wait_write

from queue_server.serving.handover import HANDOVER, Handover
from queue_server.serving.server_timing import TimedHandler
from queue_server.settings import (
    HTTP_BODY_GRACE_S,
    HTTP_BODY_MIN_RATE_BPS,
    HTTP_HEAD_TIMEOUT_S,
    HTTP_IDLE_TIMEOUT_S,
    HTTP_SOCKET_TIMEOUT_S,
)

log = logging.getLogger(__name__)

# An event stream's kernel send buffer (Linux doubles it): room for hundreds of events; a client that
# lets it fill is not reading. Without the cap, autotuning lets each unread stream hold up to 4 MB.
STREAM_SEND_BUFFER = 64 * 1024


@dataclass(frozen=True, slots=True)
class Deadlines:
    head_s: float = HTTP_HEAD_TIMEOUT_S.default
    idle_s: float = HTTP_IDLE_TIMEOUT_S.default
    body_min_rate: float = HTTP_BODY_MIN_RATE_BPS.default
    body_grace_s: float = HTTP_BODY_GRACE_S.default
    socket_s: float = HTTP_SOCKET_TIMEOUT_S.default
    max_body: int = 1024 * 1024
    stream_drain_s: float = 5.0  # an event-stream write the kernel cannot take must drain within this, or it is dropped

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Deadlines:
        def get(setting):
            return float(config.get(setting.name, setting.default))

        return cls(head_s=get(HTTP_HEAD_TIMEOUT_S), idle_s=get(HTTP_IDLE_TIMEOUT_S),
                   body_min_rate=get(HTTP_BODY_MIN_RATE_BPS), body_grace_s=get(HTTP_BODY_GRACE_S),
                   socket_s=get(HTTP_SOCKET_TIMEOUT_S), max_body=int(config.get("MAX_CONTENT_LENGTH") or cls.max_body))

    def body_budget_s(self, length: int | None) -> float:
        return self.body_grace_s + (length if length is not None else self.max_body) / self.body_min_rate


def _answer(status: str, code: str, message: str) -> tuple[str, bytes]:
    body = json.dumps({"error": code, "message": message}, ensure_ascii=False).encode()
    head = (f"HTTP/1.1 {status}\r\nContent-Type: application/json; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    return status.split()[0], head + body


HEAD_TOO_SLOW = _answer("408 Request Timeout", "request_timeout",
                        "请求头发送太慢，连接已关闭 / the request head took too long; the connection is closed")
BODY_TOO_SLOW = _answer("408 Request Timeout", "request_timeout",
                        "请求内容发送太慢，连接已关闭 / the request body came too slowly; the connection is closed")


class DeadlineHandler(TimedHandler):
    """Set as the WSGIServer's handler_class; the server carries a `deadlines` attribute. Every response carries
    the server's own time for it (server_timing.py)."""

    _head_timer: Timeout | None = None
    _body_timer: Timeout | None = None
    _watcher: gevent.Greenlet | None = None
    _requests_done = 0
    _streaming = False  # the response is an event stream: unread writes are dropped, not kept

    @property
    def deadlines(self) -> Deadlines:
        return getattr(self.server, "deadlines", None) or Deadlines()

    def handle(self) -> None:
        self.socket.settimeout(self.deadlines.socket_s)
        # Responses go out as they are written: with Nagle, a body written after its head waits for the
        # client's delayed ACK (40 ms on Linux) on a kept-alive connection.
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().handle()

    def handle_one_request(self):
        if self.rfile.closed:
            return None
        if self._requests_done and not self._next_request_begins():
            return None  # idle keep-alive connection: closed without a word
        head = Timeout(self.deadlines.head_s)
        self._head_timer = head
        head.start()
        try:
            return super().handle_one_request()
        except Timeout as t:
            if t is head:
                log.info("request head from %s too slow: disconnected", self._peer())
                return HEAD_TOO_SLOW
            if t is self._body_timer:
                log.info("request body from %s too slow: disconnected", self._peer())
                return BODY_TOO_SLOW
            raise
        except OSError:  # the client went away mid-request
            return None
        finally:
            head.close()
            self._requests_done += 1

    def _next_request_begins(self) -> bool:
        """Wait up to the idle timeout for the first byte of the next request."""
        try:
            with Timeout(self.deadlines.idle_s, False):
                return bool(self.rfile.peek(1))
        except OSError:
            return False
        return False

    def read_request(self, raw_requestline: str):
        ok = super().read_request(raw_requestline)
        if self._head_timer is not None:
            self._head_timer.cancel()  # the head is in; the body has its own deadline
        return ok

    def get_environ(self) -> dict:
        env = super().get_environ()
        chunked = env.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked"
        length = self.content_length
        if not chunked and not length:
            return env
        limits = self.deadlines
        if length is not None and length > limits.max_body:
            # The application answers 413 without reading; nothing of the body is read or discarded.
            self.wsgi_input = Input(self.rfile, 0)
            self.close_connection = True
            return env
        self._body_timer = Timeout(limits.body_budget_s(length))
        self._body_timer.start()
        try:
            body = self._read_body(env["wsgi.input"], limits.max_body + 1)
        finally:
            self._body_timer.close()
        if len(body) > limits.max_body:
            self.close_connection = True  # a chunked body over the limit: the rest stays unread
        env["wsgi.input"] = io.BytesIO(body)
        env["CONTENT_LENGTH"] = str(len(body))
        env.pop("HTTP_TRANSFER_ENCODING", None)
        self.wsgi_input = Input(self.rfile, 0)  # already read: nothing left to discard after the response
        return env

    def start_response(self, status, headers, exc_info=None):
        write = super().start_response(status, headers, exc_info)
        streams = any(k.lower() == "content-type" and v.startswith("text/event-stream") for k, v in headers)
        if streams and self._watcher is None and HANDOVER not in self.environ:
            self._streaming = True
            try:
                self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, STREAM_SEND_BUFFER)
            except OSError:
                pass
            self._watcher = gevent.spawn(self._end_stream_when_client_leaves, gevent.getcurrent())
        return write

    def run_application(self):
        """As gevent's, except that a stream the view marked for the relay is handed to it instead of written here."""
        assert self.result is None
        self.begin_timing()
        try:
            self.result = self.application(self.environ, self.start_response)
            handover = self.environ.get(HANDOVER)
            if handover is None or not self._hand_over(handover):
                self.process_result()
        finally:
            close = getattr(self.result, "close", None)
            self.result = None
            if close is not None:
                close()  # for a relayed stream: the generator never started; its slot stays taken (the relay's)

    def _hand_over(self, handover: Handover) -> bool:
        relay = getattr(self.server, "relay", None)
        if relay is None or self.code != 200 or self.request_version != "HTTP/1.1":  # the relay sends it chunked
            return False
        if not relay.hand_over(self.socket.fileno(), handover.address, self._relay_head(), handover.replay):
            return False
        handover.relayed = True
        self.close_connection = True  # handle() then closes this descriptor: no write, no shutdown
        return True

    def _relay_head(self) -> bytes:
        """The final status and headers (every after_request header applied), for a chunked body on a connection
        that ends with the stream."""
        skip = {b"connection", b"transfer-encoding", b"content-length", b"keep-alive"}
        lines = [b"HTTP/1.1 " + self.status]
        lines += [k + b": " + v for k, v in self.response_headers if k.lower() not in skip]
        if self.provided_date is None:
            lines.append(b"Date: " + formatdate(usegmt=True).encode())
        lines += [b"Transfer-Encoding: chunked", b"Connection: close"]
        return b"\r\n".join(lines) + b"\r\n\r\n"

    def _write(self, data) -> None:
        """An event stream's chunk goes out as its size line, itself and CRLF in one sendmsg, without the
        copy gevent makes to join them (that copy was half of what a stalled stream held)."""
        if not (self._streaming and self.response_use_chunked) or not data:
            return super()._write(data)
        self._send_stream([b"%x\r\n" % len(data), data, b"\r\n"])

    def _send_stream(self, parts: list) -> None:
        """Send every part, waiting at most `stream_drain_s` for the client to make room; else the client is
        not reading: reset the connection (the kernel frees its unsent bytes) and end the stream."""
        total = sum(len(p) for p in parts)
        views = [memoryview(p) for p in parts]
        sock = self.socket
        drain_s = self.deadlines.stream_drain_s
        try:
            while views:
                try:
                    sent = sock._sock.sendmsg(views)  # the raw socket: gevent's would wait up to socket_s
                except BlockingIOError:
                    sent = 0
                while views and sent >= len(views[0]):
                    sent -= len(views[0])
                    views.pop(0)
                if views:
                    views[0] = views[0][sent:]
                    wait_write(sock.fileno(), timeout=drain_s, timeout_exc=_Stalled())
        except _Stalled:
            log.info("event stream to %s not read for %.0f s: dropped", self._peer(), drain_s)
            self._reset()
            self.status = "stream dropped: the client does not read"
            raise ConnectionResetError(errno.ECONNRESET, "event stream client does not read") from None
        except OSError as ex:
            self.status = f"socket error: {ex}"
            if self.code > 0:
                self.code = -self.code
            raise
        self.response_length += total

    def _reset(self) -> None:
        """Close with a reset (SO_LINGER 0): the unsent bytes are freed now, not kept for a client that never reads."""
        self.close_connection = True
        try:
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass

    def _sendall(self, data) -> None:
        """As WSGIHandler's, without the size query gevent's sendall makes before every send (a system call
        per write: with thousands of event streams a third of the fan-out's cost); one send usually takes all."""
        view = memoryview(data)
        try:
            while view:
                view = view[self.socket.send(view):]  # gevent waits for room within the socket's timeout
        except OSError as ex:
            self.status = f"socket error: {ex}"
            if self.code > 0:
                self.code = -self.code
            raise
        self.response_length += len(data)

    def handle_one_response(self):
        try:
            return super().handle_one_response()
        finally:
            if self._watcher is not None:
                # Blocking: its watcher on the descriptor must stop before the socket closes (libev aborts the
                # process on an I/O watcher whose descriptor was closed under it).
                self._watcher.kill(block=True)
                self._watcher = None

    def _end_stream_when_client_leaves(self, streaming: gevent.Greenlet) -> None:
        """An event-stream client sends nothing more: readable means it closed (or reset) the connection."""
        try:
            wait_read(self.socket.fileno())
            gone = not self.socket.recv(1, socket.MSG_PEEK)
        except OSError:
            gone = True
        if gone:
            self.close_connection = True
            streaming.kill(block=False)  # GreenletExit in the stream: the response closes, its slot is given back

    @staticmethod
    def _read_body(stream, limit: int) -> bytes:
        parts = []
        size = 0
        while size < limit:
            part = stream.read(min(65536, limit - size))
            if not part:
                break
            parts.append(part)
            size += len(part)
        return b"".join(parts)

    def _peer(self) -> str:
        address = self.client_address
        return str(address[0]) if isinstance(address, tuple) else str(address)


class _Stalled(Exception):
    """An event stream's write found no room within the drain time."""
