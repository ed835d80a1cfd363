"""The hall's devices for the manager (/admin/accounts): list with last seen, register, revoke, rotate the token.

    GET  /api/v1/devices                   name, kind, window, created, revoked, last seen
    POST /api/v1/devices                   {"name", "kind", "window"?}: 201 with the token and its setup code
    POST /api/v1/devices/{name}/revoke     the token stops working at once
    POST /api/v1/devices/{name}/rotate     a new token (the old one stops working), with its setup code

A token is shown once, in the answer that made it, with the setup code a new box reads: the device file's
[device] and [server] tables as text and as a QR code (inline SVG).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from queue_server.api.helpers import field, hall, json_body, requires
from queue_server.errors import BadRequest, NotFound
from queue_server.ops import accounts, devices

bp = Blueprint("devices", __name__)


def _known(name: str) -> dict:
    rows = list(hall().store.read().query("SELECT * FROM devices WHERE name = ?", [name]))
    if not rows:
        raise NotFound(f"there is no device {name!r}", code="device_not_found")
    return rows[0]


def _with_setup(name: str, kind: str, token: str) -> dict:
    text = devices.setup_text(name, kind, request.host_url, token)
    return {"name": name, "kind": kind, "token": token, "setup": text, "setup_qr_svg": devices.setup_qr_svg(text)}


@bp.get("/devices")
@requires("manager")
def list_devices():
    return jsonify(devices.list_devices(hall()))


@bp.post("/devices")
@requires("manager")
def add():
    body = json_body()
    name = field(body, "name", str, required=True).strip()
    kind = field(body, "kind", str, required=True)
    window = field(body, "window", int, lo=1, hi=9999)
    if not name or not name.isprintable():
        raise BadRequest("name must be printable text, e.g. kiosk-02", code="bad_field", field="name")
    token = accounts.add_device(hall(), name, kind, window)
    return jsonify(_with_setup(name, kind, token) | {"window": window}), 201


@bp.post("/devices/<name>/revoke")
@requires("manager")
def revoke(name: str):
    _known(name)
    accounts.revoke_device(hall(), name)
    return jsonify({"name": name, "revoked": True})


@bp.post("/devices/<name>/rotate")
@requires("manager")
def rotate(name: str):
    row = _known(name)
    token = accounts.rotate_device(hall(), name)
    return jsonify(_with_setup(name, row["kind"], token) | {"window": row["window"]})
