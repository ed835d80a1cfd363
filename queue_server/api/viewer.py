"""Who is looking at a public endpoint: staff and managers see everything, anyone else only public fields."""

from __future__ import annotations

from flask import g

from queue_server.api.helpers import bearer_token, hall
from queue_server.core.public_fields import public_window
from queue_server.errors import HallError
from queue_server.ops.accounts import authenticate


def sees_everything() -> bool:
    """Staff and managers (by token or login cookie); devices and anonymous callers are public viewers."""
    if "sees_everything" not in g:
        token = bearer_token()
        try:
            g.sees_everything = bool(token) and authenticate(hall(), token).kind in ("staff", "manager")
        except HallError:
            g.sees_everything = False
    return g.sees_everything


def windows_for_viewer(windows: list[dict]) -> list[dict]:
    return windows if sees_everything() else [public_window(w) for w in windows]
