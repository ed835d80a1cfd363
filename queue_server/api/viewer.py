"""Who is looking at a public endpoint: staff and managers see everything, anyone else only public fields."""

from __future__ import annotations

from flask import g

from queue_server.api.helpers import bearer_token, hall
from queue_server.core.public_fields import public_window
from queue_server.errors import HallError
from queue_server.ops.accounts import authenticate


def viewer_kind() -> str | None:
    """The caller's kind (staff, manager or a device's kind) by token or login cookie; None: anonymous."""
    if "viewer_kind" not in g:
        token = bearer_token()
        try:
            g.viewer_kind = authenticate(hall(), token).kind if token else None
        except HallError:
            g.viewer_kind = None
    return g.viewer_kind


def viewer_device() -> str | None:
    """The name of the device making this request (by its token), None for people and strangers."""
    token = bearer_token()
    if not token:
        return None
    try:
        p = authenticate(hall(), token)
    except HallError:
        return None
    return p.name if p.kind == "device" else None


def sees_everything() -> bool:
    """Staff and managers (by token or login cookie); devices and anonymous callers are public viewers."""
    return viewer_kind() in ("staff", "manager")


def windows_for_viewer(windows: list[dict]) -> list[dict]:
    return windows if sees_everything() else [public_window(w) for w in windows]
