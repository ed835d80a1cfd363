"""Settings of the HTTP serving model: what one client may hold on the hall's LAN, and for how long.

Each is an app.config key with a default and a help text; `hall server` has an option for each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: Any
    help: str


SSE_MAX_STREAMS_PER_CLIENT = Setting(
    "SSE_MAX_STREAMS_PER_CLIENT", 20,
    "Open event streams (GET /api/v1/events) one client address may hold; beyond it the answer is 429.")
HTTP_HEAD_TIMEOUT_S = Setting(
    "HTTP_HEAD_TIMEOUT_S", 10.0,
    "Seconds a client has to send a whole request head (request line and headers), else it is disconnected.")
HTTP_IDLE_TIMEOUT_S = Setting(
    "HTTP_IDLE_TIMEOUT_S", 30.0,
    "Seconds an idle keep-alive connection may wait for its next request before it is closed.")
HTTP_BODY_MIN_RATE_BPS = Setting(
    "HTTP_BODY_MIN_RATE_BPS", 2048,
    "Slowest accepted request body, in bytes per second (after the grace below), else it is disconnected.")
HTTP_BODY_GRACE_S = Setting(
    "HTTP_BODY_GRACE_S", 10.0,
    "Seconds every request body gets on top of its size divided by the minimum rate.")
HTTP_SOCKET_TIMEOUT_S = Setting(
    "HTTP_SOCKET_TIMEOUT_S", 60.0,
    "Longest a single read or write on a client connection may wait (a client that stops reading a stream).")

SERVING_SETTINGS = (SSE_MAX_STREAMS_PER_CLIENT, HTTP_HEAD_TIMEOUT_S, HTTP_IDLE_TIMEOUT_S, HTTP_BODY_MIN_RATE_BPS,
                    HTTP_BODY_GRACE_S, HTTP_SOCKET_TIMEOUT_S)


def defaults() -> dict[str, Any]:
    return {s.name: s.default for s in SERVING_SETTINGS}
