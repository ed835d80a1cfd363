"""Who is asking: staff and manager accounts, staff sessions, per-device tokens.

Passwords are stored as werkzeug scrypt hashes; session and device tokens are
random and stored only as SHA-256 digests, so a copied database holds no usable token.
A sign-in with an unknown name checks the password against a dummy hash, so it takes as long as
one with a known name; a changed password or a disabled account ends that user's sessions at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from werkzeug.security import check_password_hash, generate_password_hash

from queue_server.clock import from_iso, to_iso
from queue_server.errors import BadRequest, Conflict, Forbidden, NotFound, TooManyRequests, Unauthorized
from queue_server.hall import Hall
from queue_server.ops import devices, login_lockouts
from queue_server.serving.green import off_loop

ROLES = ("staff", "manager", "backoffice")  # backoffice: the licence and appointment desks
DEVICE_KINDS = ("kiosk", "display", "button", "backoffice", "pad")
WINDOW_DEVICE_KINDS = ("button", "pad")  # bound to one window (--window N)
SESSION_HOURS = 14
MAX_NAME = 64
MAX_PASSWORD = 256  # as the API's input check (core/input_checks.py)
# What an unknown name's password is checked against, so it costs the same scrypt work as a real account
# (werkzeug's default parameters, as every stored hash; the password behind it was random and is gone).
DUMMY_HASH = ("scrypt:32768:8:1$TSGxgi03zYXZL7B3$7f9350cb2588aa736a9ad5d7b605453dd9bd5a2fc91f3292397c8623e32f1d5a8"
              "7df291f23aadfcb8d643a233adcbc2148181fa2fecc326e8c146d58e3268e48")


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


def _check_password_rules(password: str) -> None:
    if len(password) < 6:
        raise BadRequest("password must have at least 6 characters", code="weak_password")
    if len(password) > MAX_PASSWORD:
        raise BadRequest(f"password must have at most {MAX_PASSWORD} characters", code="bad_field")


MAX_PROFILE = 32  # a display name or a staff number (工号)


def staff_profile(db, username: str) -> dict:
    """{"staff_name", "staff_no"} of an account (None where not set): shown on its window's screen."""
    rows = list(db.query("SELECT display_name, staff_no FROM users WHERE username = ?", [username]))
    row = rows[0] if rows else {}
    return {"staff_name": row.get("display_name"), "staff_no": row.get("staff_no")}


def _profile_field(value: object, what: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not value.isprintable() or len(value) > MAX_PROFILE:
        raise BadRequest(f"{what} must be text of at most {MAX_PROFILE} printable characters", code="bad_field")
    return value.strip() or None


def set_profile(hall: Hall, username: str, display_name: object, staff_no: object) -> dict:
    """The name and 工号 a window screen shows while this account serves there (either may be empty)."""
    fields = {"display_name": _profile_field(display_name, "display_name"),
              "staff_no": _profile_field(staff_no, "staff_no")}
    with hall.store.write() as db:
        _user(db, username)
        db["users"].update(username, fields)
        shown = {"staff_name": fields["display_name"], "staff_no": fields["staff_no"]}
        for w in hall.live.windows():  # a window this account serves now shows the new name at once
            if w.get("staff") == username and w.get("state") != "closed":
                hall.live.update_window(w["number"], shown)
    return {"username": username} | fields


def add_user(hall: Hall, username: str, password: str, role: str, *, display_name: str | None = None,
             staff_no: str | None = None) -> None:
    if role not in ROLES:
        raise BadRequest(f"role must be one of {', '.join(ROLES)}")
    if not username or not username.isprintable() or len(username) > MAX_NAME:
        raise BadRequest(f"user name must be 1-{MAX_NAME} printable characters")
    _check_password_rules(password)
    hashed = off_loop(generate_password_hash, password)  # scrypt: not under the write lock, not on the loop
    with hall.store.write() as db:
        row = {"username": username, "password_hash": hashed, "role": role, "created_at": to_iso(hall.now())}
        if display_name or staff_no:
            row |= {"display_name": _profile_field(display_name, "display_name"),
                    "staff_no": _profile_field(staff_no, "staff_no")}
        db["users"].upsert(row, pk="username")
        db.execute("DELETE FROM sessions WHERE username = ?", [username])  # a reset password ends old sessions


def check_login_input(username: str, password: str) -> None:
    """Refuse over-long input before any counting or hashing (a name is kept in the rate windows)."""
    if len(username) > MAX_NAME or len(password) > MAX_PASSWORD:
        raise BadRequest(f"user name (at most {MAX_NAME} characters) or password (at most {MAX_PASSWORD}) too long",
                         code="bad_field")


def login(hall: Hall, username: str, password: str) -> dict:
    now = hall.now()
    wait = login_lockouts.locked_for(hall.store.read(), username, now)
    if wait:
        raise TooManyRequests(f"too many wrong passwords for this user name; try again in {wait} s, or ask the "
                              "hall manager to unlock it", code="account_locked", retry_after_s=wait)
    rows = list(hall.store.read().query("SELECT * FROM users WHERE username = ?", [username]))
    user = rows[0] if rows else None
    right = off_loop(check_password_hash, user["password_hash"] if user else DUMMY_HASH, password)
    if not (right and user):
        with hall.store.write() as db:
            login_lockouts.record_failure(db, username, now)
        raise Unauthorized("wrong user name or password", code="bad_credentials")
    if user.get("disabled_at"):
        raise Forbidden("this account is disabled; ask the hall manager", code="account_disabled")
    token = secrets.token_urlsafe(32)
    with hall.store.write() as db:
        login_lockouts.clear(db, username)
        db["sessions"].insert({"token_hash": _digest(token), "username": username, "created_at": to_iso(now),
                               "expires_at": to_iso(now + timedelta(hours=SESSION_HOURS))})
    return {"token": token, "username": username, "role": user["role"]}


def logout(hall: Hall, token: str) -> None:
    with hall.store.write() as db:
        db.execute("DELETE FROM sessions WHERE token_hash = ?", [_digest(token)])


def _user(db, username: str) -> dict:
    rows = list(db.query("SELECT * FROM users WHERE username = ?", [username]))
    if not rows:
        raise NotFound(f"there is no user {username!r}", code="user_not_found")
    return rows[0]


def list_users(hall: Hall) -> list[dict]:
    """Every account with its state: disabled, failures in a row, seconds left of a lock, open sessions."""
    db = hall.store.read()
    now = hall.now()
    locks = login_lockouts.lock_states(db, now)
    sessions = dict(db.execute("SELECT username, count(*) FROM sessions WHERE expires_at > ? GROUP BY username",
                               [to_iso(now)]).fetchall())
    out = []
    for r in db.query("SELECT username, role, created_at, disabled_at FROM users ORDER BY role, username"):
        lock = locks.get(r["username"], {})
        out.append({**r, "failures": lock.get("failures", 0), "locked_for_s": lock.get("locked_for_s", 0),
                    "sessions": sessions.get(r["username"], 0)})
    return out


def set_password(hall: Hall, username: str, password: str) -> int:
    """A new password; every session of the user ends. Returns how many ended."""
    _check_password_rules(password)
    new_hash = off_loop(generate_password_hash, password)
    with hall.store.write() as db:
        _user(db, username)
        db.execute("UPDATE users SET password_hash = ? WHERE username = ?", [new_hash, username])
        login_lockouts.clear(db, username)
        return db.execute("DELETE FROM sessions WHERE username = ?", [username]).rowcount


def set_disabled(hall: Hall, username: str, disabled: bool) -> int:
    """Disable (every session ends at once) or enable an account; returns how many sessions ended."""
    with hall.store.write() as db:
        user = _user(db, username)
        if not disabled:
            db.execute("UPDATE users SET disabled_at = NULL WHERE username = ?", [username])
            return 0
        others = db.execute("SELECT count(*) FROM users WHERE role = 'manager' AND disabled_at IS NULL"
                            " AND username != ?", [username]).fetchone()[0]
        if user["role"] == "manager" and not user["disabled_at"] and others == 0:
            raise Conflict("this is the only manager account left; add another manager first",
                           code="last_manager")
        db.execute("UPDATE users SET disabled_at = coalesce(disabled_at, ?) WHERE username = ?",
                   [to_iso(hall.now()), username])
        return db.execute("DELETE FROM sessions WHERE username = ?", [username]).rowcount


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


def new_user(hall: Hall, username: str, password: str, role: str) -> None:
    """A new account (the admin page): refused when the name is taken (add_user would reset it)."""
    if list(hall.store.read().query("SELECT 1 FROM users WHERE username = ?", [username])):
        raise Conflict(f"there is already a user {username!r}", code="user_exists")
    add_user(hall, username, password, role)


def set_role(hall: Hall, username: str, role: str) -> None:
    """Staff or manager; the last active manager stays one. Sessions read the role live, so it applies at once."""
    if role not in ROLES:
        raise BadRequest(f"role must be one of {', '.join(ROLES)}", code="bad_field", field="role")
    with hall.store.write() as db:
        user = _user(db, username)
        if user["role"] == "manager" and role != "manager" and not user["disabled_at"]:
            others = db.execute("SELECT count(*) FROM users WHERE role = 'manager' AND disabled_at IS NULL"
                                " AND username != ?", [username]).fetchone()[0]
            if others == 0:
                raise Conflict("this is the only manager account left; add another manager first",
                               code="last_manager")
        db.execute("UPDATE users SET role = ? WHERE username = ?", [role, username])


def _device(db, name: str) -> dict:
    rows = list(db.query("SELECT * FROM devices WHERE name = ?", [name]))
    if not rows:
        raise NotFound(f"there is no device {name!r}", code="device_not_found")
    return rows[0]


def rotate_device(hall: Hall, name: str) -> str:
    """A new token for a device (the old one stops working at once); a revoked device comes back with it."""
    token = secrets.token_urlsafe(32)
    with hall.store.write() as db:
        _device(db, name)
        db.execute("UPDATE devices SET token_hash = ?, revoked_at = NULL WHERE name = ?", [_digest(token), name])
    return token


def revoke_device(hall: Hall, name: str) -> None:
    with hall.store.write() as db:
        db.execute("UPDATE devices SET revoked_at = ? WHERE name = ?", [to_iso(hall.now()), name])


def authenticate(hall: Hall, token: str) -> Principal:
    """The principal behind a bearer token, or Unauthorized."""
    digest = _digest(token)
    conn = hall.store.read().conn  # plain SQL: on every request, sqlite-utils' query() adds a savepoint
    session = conn.execute(
        "SELECT s.username, s.expires_at, u.role FROM sessions s JOIN users u USING (username)"
        " WHERE s.token_hash = ? AND u.disabled_at IS NULL", [digest],
    ).fetchone()
    if session:
        username, expires_at, role = session
        if from_iso(expires_at) < hall.now():
            raise Unauthorized("your session has expired; please log in again", code="session_expired")
        return Principal(kind=role, name=username)
    device = conn.execute("SELECT name, kind, window FROM devices WHERE token_hash = ? AND revoked_at IS NULL",
                          [digest]).fetchone()
    if device:
        devices.note_seen(hall, device[0])
        return Principal(kind="device", name=device[0], device_kind=device[1], window=device[2])
    raise Unauthorized("unknown or revoked token", code="bad_token")
