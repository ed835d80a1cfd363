"""Raw-socket clients for a loopback server: open event streams, slowloris heads, slow bodies.

Loopback owns all of 127.0.0.0/8, so binding a client socket to 127.0.0.2, 127.0.0.3, … gives the
server distinct client addresses on one machine.
"""

from __future__ import annotations

import socket
import time


def loopback_address(n: int) -> str:
    """The n-th distinct client address: 127.0.0.2 … 127.0.0.251, then 127.0.1.2 …"""
    return f"127.0.{n // 250}.{n % 250 + 2}"


def connect(port: int, source: str = "127.0.0.1", timeout: float = 30.0) -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def read_until(s: socket.socket, marker: bytes, timeout: float = 30.0) -> bytes:
    """Bytes read until marker appears, the peer closes, or the timeout passes."""
    data = b""
    deadline = time.monotonic() + timeout
    while marker not in data and time.monotonic() < deadline:
        s.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            part = s.recv(65536)
        except TimeoutError:
            break
        except OSError:  # reset by the server
            break
        if not part:
            break
        data += part
    return data


def read_to_end(s: socket.socket, timeout: float = 30.0) -> tuple[bytes, bool]:
    """Everything until the peer closes; (data, closed) — closed False when the timeout passed first."""
    data = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        s.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            part = s.recv(65536)
        except TimeoutError:
            continue
        except OSError:
            return data, True
        if not part:
            return data, True
        data += part
    return data, False


def request_head(method: str, path: str, headers: dict[str, str] | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def open_stream(port: int, source: str = "127.0.0.1", timeout: float = 30.0,
                path: str = "/api/v1/events") -> tuple[socket.socket, bytes]:
    """A GET of an event stream; returns the socket and what came back: the head, and for a 200 the
    stream's first line (so the stream is open on the server when this returns)."""
    s = connect(port, source, timeout)
    s.sendall(request_head("GET", path, {"Accept": "text/event-stream"}))
    data = read_until(s, b"\r\n\r\n", timeout)
    if data.startswith(b"HTTP/1.1 200"):
        data += read_until(s, b"retry", timeout) if b"retry" not in data else b""
    else:
        data += read_until(s, b"}", timeout) if b"}" not in data else b""
    return s, data


def status_of(response: bytes) -> int:
    return int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/") else 0


def body_of(response: bytes) -> bytes:
    return response.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in response else b""


def slowloris(port: int, source: str = "127.0.0.1") -> socket.socket:
    """A connection that has sent only the start of a request head (and will send no more itself)."""
    s = connect(port, source)
    s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    return s
