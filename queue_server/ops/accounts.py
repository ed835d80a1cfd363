"""Who is asking: staff and manager accounts, staff sessions, per-device tokens.

Passwords are stored as werkzeug scrypt hashes; session and device tokens are
random and stored only as SHA-256 digests, so a copied database holds no usable token.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from werkzeug.security import check_password_hash, generate_password_hash

from queue_server.clock import from_iso, to_iso
from queue_server.errors import BadRequest, Conflict, Unauthorized
from queue_server.hall import Hall

ROLES = ("staff", "manager")
DEVICE_KINDS = ("kiosk", "display", "button", "backoffice", "pad")
WINDOW_DEVICE_KINDS = ("button", "pad")  # bound to one window (--window N)
SESSION_HOURS = 14


@dataclass(frozen=True)
class Principal:
    kind: str  # "staff", "manager" or "device"
    name: str
    device_kind: str | None = None
    window: int | None = None

    @property
    def is_manager(self) -> bool:
        return self.kind == "manager"

    @property
    def actor(self) -> tuple[str, str]:
        return (self.device_kind or self.kind, self.name)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(hall: Hall, username: str, password: str, role: str) -> None:
    if role not in ROLES:
        raise BadRequest(f"role must be one of {', '.join(ROLES)}")
    if not username or not username.isprintable() or len(username) > 64:
        raise BadRequest("user name must be 1-64 printable characters")
    if len(password) < 6:
        raise BadRequest("password must have at least 6 characters")
    with hall.store.write() as db:
        db["users"].upsert({"username": username, "password_hash": generate_password_hash(password),
                            "role": role, "created_at": to_iso(hall.now())}, pk="username")


def login(hall: Hall, username: str, password: str) -> dict:
    rows = list(hall.store.read().query("SELECT * FROM users WHERE username = ?", [username]))
    if not rows or not check_password_hash(rows[0]["password_hash"], password):
        raise Unauthorized("wrong user name or password", code="bad_credentials")
    token = secrets.token_urlsafe(32)
    now = hall.now()
    with hall.store.write() as db:
        db["sessions"].insert({"token_hash": _digest(token), "username": username, "created_at": to_iso(now),
                               "expires_at": to_iso(now + timedelta(hours=SESSION_HOURS))})
    return {"token": token, "username": username, "role": rows[0]["role"]}


def logout(hall: Hall, token: str) -> None:
    with hall.store.write() as db:
        db.execute("DELETE FROM sessions WHERE token_hash = ?", [_digest(token)])


def add_device(hall: Hall, name: str, kind: str, window: int | None = None) -> str:
    """Register a device and return its new token (shown once)."""
    if kind not in DEVICE_KINDS:
        raise BadRequest(f"device kind must be one of {', '.join(DEVICE_KINDS)}")
    if kind in WINDOW_DEVICE_KINDS and window is None:
        raise BadRequest(f"a {kind} device belongs to one window: give --window N")
    token = secrets.token_urlsafe(32)
    with hall.store.write() as db:
        if list(db.query("SELECT 1 FROM devices WHERE name = ? AND revoked_at IS NULL", [name])):
            raise Conflict(f"device {name!r} exists; revoke it first to issue a new token")
        db["devices"].upsert({"name": name, "kind": kind, "token_hash": _digest(token), "window": window,
                              "created_at": to_iso(hall.now()), "revoked_at": None}, pk="name")
    return token


def revoke_device(hall: Hall, name: str) -> None:
    with hall.store.write() as db:
        db.execute("UPDATE devices SET revoked_at = ? WHERE name = ?", [to_iso(hall.now()), name])


def authenticate(hall: Hall, token: str) -> Principal:
    """The principal behind a bearer token, or Unauthorized."""
    digest = _digest(token)
    db = hall.store.read()
    rows = list(db.query(
        "SELECT s.username, s.expires_at, u.role FROM sessions s JOIN users u USING (username)"
        " WHERE s.token_hash = ?", [digest],
    ))
    if rows:
        if from_iso(rows[0]["expires_at"]) < hall.now():
            raise Unauthorized("your session has expired; please log in again", code="session_expired")
        return Principal(kind=rows[0]["role"], name=rows[0]["username"])
    rows = list(db.query("SELECT * FROM devices WHERE token_hash = ? AND revoked_at IS NULL", [digest]))
    if rows:
        d = rows[0]
        return Principal(kind="device", name=d["name"], device_kind=d["kind"], window=d["window"])
    raise Unauthorized("unknown or revoked token", code="bad_token")
