"""Who is looking at a public endpoint: staff and managers see everything, anyone else only public fields."""

from __future__ import annotations

from flask import g

from queue_server.api.helpers import bearer_token, hall
from queue_server.core.public_fields import public_window
from queue_server.errors import HallError
from queue_server.ops.accounts import Principal, authenticate


def viewer() -> Principal | None:
    """Who makes this request, by token or login cookie (looked up once per request); None: anonymous."""
    if "viewer" not in g:
        token = bearer_token()
        try:
            g.viewer = authenticate(hall(), token) if token else None
        except HallError:
            g.viewer = None
    return g.viewer


def viewer_kind() -> str | None:
    """The caller's kind (staff, manager or device); None: anonymous."""
    p = viewer()
    return p.kind if p else None


def viewer_device() -> str | None:
    """The name of the device making this request (by its token), None for people and strangers."""
    p = viewer()
    return p.name if p and p.kind == "device" else None


def sees_everything() -> bool:
    """Staff and managers (by token or login cookie); devices and anonymous callers are public viewers."""
    return viewer_kind() in ("staff", "manager")


def windows_for_viewer(windows: list[dict]) -> list[dict]:
    return windows if sees_everything() else [public_window(w) for w in windows]
