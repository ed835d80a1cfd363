"""The hall's devices as the manager sees them: list with last seen, the setup code a kiosk or pad reads.

Last seen is written on a device's authenticated request, at most once a minute per device (the time of the
last write is kept in memory), so a kiosk polling every second costs one small write a minute.
"""

from __future__ import annotations

import sqlite3

import segno
import tomli_w

from queue_server.clock import to_iso
from queue_server.errors import StorageUnavailable
from queue_server.hall import Hall

SEEN_EVERY_S = 60
# The server's device kinds and the kind of device file (hall_client/device_file.py) each one reads.
FILE_KINDS = {"kiosk": "kiosk", "display": "display", "button": "buttons"}


def note_seen(hall: Hall, name: str) -> None:
    """Record that `name` just made a request (cheap: at most one write per device per minute)."""
    now = hall.now()
    last = hall.device_seen.get(name)
    if last is not None and now.timestamp() - last < SEEN_EVERY_S:
        return
    hall.device_seen[name] = now.timestamp()
    try:
        with hall.store.write() as db:
            db.execute("INSERT INTO device_seen (name, last_seen_at) VALUES (?, ?) ON CONFLICT (name)"
                       " DO UPDATE SET last_seen_at = excluded.last_seen_at", [name, to_iso(now)])
    except (StorageUnavailable, sqlite3.Error):
        pass  # a last-seen time must never fail the device's request


def list_devices(hall: Hall) -> list[dict]:
    return list(hall.store.read().query(
        "SELECT d.name, d.kind, d.window, d.created_at, d.revoked_at, s.last_seen_at FROM devices d"
        " LEFT JOIN device_seen s USING (name) ORDER BY d.revoked_at IS NOT NULL, d.kind, d.name"))


def setup_text(name: str, kind: str, server_url: str, token: str) -> str:
    """The device file's common part ([device], [server]) that a new kiosk, display or button box starts from;
    for a pad or back-office device (no device file) the same two tables carry its address and token."""
    doc: dict = {"device": {"name": name, "kind": FILE_KINDS.get(kind, kind)},
                 "server": {"url": server_url.rstrip("/"), "token": token}}
    return tomli_w.dumps(doc)


def setup_qr_svg(text: str) -> str:
    """The setup text as a QR code, an inline SVG (no file, no external image)."""
    return segno.make(text, error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff")
