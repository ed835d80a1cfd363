"""Every setting of the hall software, with its default and what it is for (datasette's model).

Server settings are Flask config keys: a default here, then an environment variable where one is named,
then what the caller passes to `create_app(settings=...)` (the CLI passes its options). Device settings are
read by the kiosk, display and tools. README.md documents each one; a test keeps the two in step.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    env: str | None = None  # an environment variable that sets it (below what the caller passes)
    scope: str = "server"  # server | device | tests


# The serving model's limits: what one client on the hall's LAN may hold, and for how long. Each is also a
# `hall server` option.
SSE_MAX_STREAMS_PER_CLIENT = Setting(
    "SSE_MAX_STREAMS_PER_CLIENT", 20,
    "Open event streams (GET /api/v1/events) one client address may hold; beyond it the answer is 429.")
SSE_MAX_STREAMS = Setting(
    "SSE_MAX_STREAMS", 10_000,
    "Open event streams the whole server may hold, relayed or not (in the server process about 70-150 KB each); "
    "beyond it the answer is 503.")
SSE_PUBLIC_WRITES_PER_S = Setting(
    "SSE_PUBLIC_WRITES_PER_S", 2000.0,
    "Writes per second all anonymous event streams share: with more open than this, each writes less often "
    "(2.5 s apart with 5,000 open), so requests do not wait behind the fan-out.", env="HALL_SSE_PUBLIC_WRITES_PER_S")
SSE_RELAY = Setting(
    "SSE_RELAY", 1,
    "1: the gevent server hands anonymous event streams to a stream relay process (serving/relay.py); 0: it "
    "writes every stream itself.", env="HALL_SSE_RELAY")
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

SETTINGS: tuple[Setting, ...] = (
    Setting("HALL_CONFIG_PATH", None, "the hall's TOML file (zones, matters, windows, rules); the CLI's --config"),
    Setting("HALL_CALENDAR_DIR", None,
            "folder of the hall calendar (YYYY.toml: holidays, 调休 working days); default: calendar/ beside the hall "
            "file, else config/calendar", env="HALL_CALENDAR_DIR"),
    Setting("APPOINTMENTS_CONFIG_DIR", None,
            "folder of appointments.toml; default: the folder of the hall file"),
    Setting("PICKUP_KEY_FILE", None,
            "signing keys of pickup and appointment codes (JSON, 0600); default: <database>.keys.json"),
    Setting("PICKUP_MAX_WRONG_PER_MINUTE", 5,
            "wrong typed pickup or check-in codes a kiosk, and a client address, may try per minute"),
    Setting("LOGIN_PER_ADDRESS_PER_MINUTE", 60, "sign-in attempts one client address may make per minute (429 beyond)"),
    Setting("LOGIN_PER_USER_PER_MINUTE", 10, "sign-in attempts for one user name per minute, from anywhere (429)"),
    Setting("LOGIN_CONCURRENT_CHECKS", 4, "password checks run at once (each takes about 32 MiB for scrypt)"),
    Setting("LOGIN_WAITING_CHECKS", 64, "sign-ins that may wait for a password check; beyond, 503 at once"),
    Setting("LOGIN_CHECK_WAIT_S", 20.0, "seconds a sign-in waits for a password check before a 503"),
    Setting("LOCKER", None, "the pickup locker: 'serial:/dev/ttyUSB0[:BAUD]' or 'none'", env="HALL_LOCKER"),
    Setting("SSE_HEARTBEAT_S", 10.0, "seconds between heartbeat comments on idle event streams",
            env="HALL_SSE_HEARTBEAT_S"),
    Setting("RATING_PAD_SHOWS_S", 180, "seconds a window's rating pad offers the ticket just finished there"),
    Setting("HALL_LOG_FORMAT", "auto", "server logs: json (JSON lines with hall, request and ticket ids), text, or "
            "auto (json under systemd, where JOURNAL_STREAM is set)", env="HALL_LOG_FORMAT"),
    Setting("SMS_WORKER", True, "run the SMS notifier beside the server when [sms] enabled (tests drive it by hand)"),
    Setting("MAX_CONTENT_LENGTH", 1024 * 1024, "largest request body in bytes (413 beyond)"),
    SSE_MAX_STREAMS_PER_CLIENT, SSE_MAX_STREAMS, SSE_PUBLIC_WRITES_PER_S, SSE_RELAY, HTTP_HEAD_TIMEOUT_S,
    HTTP_IDLE_TIMEOUT_S,
    HTTP_BODY_MIN_RATE_BPS, HTTP_BODY_GRACE_S, HTTP_SOCKET_TIMEOUT_S,
    Setting("HALL_DEVICE_TOKEN", None, "a device's token, instead of [server] token in its device file",
            env="HALL_DEVICE_TOKEN", scope="device"),
    Setting("KIOSK_LOG_LEVEL", "info", "the kiosk's Kivy log level", env="KIOSK_LOG_LEVEL", scope="device"),
    Setting("HALL_CENTRAL_PG", None, "the central service's PostgreSQL (libpq DSN or URL) for `hall central` "
            "commands given no --pg", env="HALL_CENTRAL_PG", scope="city"),
    Setting("HALL_CENTRAL_TOKEN", None, "the hall's token at the central service for `hall ship` given no --token "
            "(kept out of the process list)", env="HALL_CENTRAL_TOKEN", scope="city"),
    Setting("HALL_CENTRAL_FAULT", None, "fault injection: 'exit_after_commit:N' kills the central service after its "
            "N-th committed batch, before it answers", env="HALL_CENTRAL_FAULT", scope="tests"),
    Setting("HALL_SHIPPER_FAULT", None, "fault injection: 'hang_after_post:N' stops a shipper dead once the centre "
            "answered its N-th batch (the test then kills it)", env="HALL_SHIPPER_FAULT", scope="tests"),
    Setting("HALL_QR_BLACKBOX", None, "folder of real QR photos for the scanner tests (default: shared/qr-blackbox "
            "beside the repository)", env="HALL_QR_BLACKBOX", scope="tests"),
)


def server_settings(overrides: Mapping[str, Any] | None = None,
                    environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """The server's settings: defaults, then the environment, then `overrides`."""
    out: dict[str, Any] = {}
    for s in SETTINGS:
        if s.scope != "server":
            continue
        value = s.default
        if s.env and environ.get(s.env):
            value = type(s.default)(environ[s.env]) if s.default is not None else environ[s.env]
        out[s.name] = value
    out.update(overrides or {})
    return out


def device_setting(name: str, environ: Mapping[str, str] = os.environ) -> Any:
    """A device or test setting: its environment variable, else its default."""
    s = next(s for s in SETTINGS if s.name == name)
    return environ.get(s.env or s.name) or s.default
