"""Halls and city users of the central service: tokens (shown once, stored as SHA-256), passwords, scopes."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import psycopg
from werkzeug.security import check_password_hash, generate_password_hash

from queue_server.ops.accounts import DUMMY_HASH
from queue_server.serving.green import off_loop

ROLES = ("city", "hall-manager")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class CityUser:
    name: str
    role: str
    region: str | None

    def may_see(self, region: str) -> bool:
        """A city manager sees every hall; a hall manager only the halls of their region."""
        return self.role == "city" or region == self.region


def add_hall(conn: psycopg.Connection, code: str, name: str, region: str) -> str:
    """Register a hall (or give it a new token); returns the token, shown only now."""
    token = "hall-" + secrets.token_urlsafe(24)
    conn.execute("INSERT INTO halls (code, name, region, token_hash) VALUES (%s, %s, %s, %s)"
                 " ON CONFLICT (code) DO UPDATE SET name = excluded.name, region = excluded.region,"
                 " token_hash = excluded.token_hash", [code, name, region, token_hash(token)])
    return token


def hall_by_token(conn: psycopg.Connection, token: str) -> str | None:
    row = conn.execute("SELECT code FROM halls WHERE token_hash = %s", [token_hash(token)]).fetchone()
    return row[0] if row else None


def add_user(conn: psycopg.Connection, name: str, role: str, region: str | None, password: str) -> str:
    """Add or reset a city user; returns their API token, shown only now."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if role == "hall-manager" and not region:
        raise ValueError("a hall manager needs --region")
    if len(password) < 8:
        raise ValueError("the password needs at least 8 characters")
    token = "city-" + secrets.token_urlsafe(24)
    conn.execute("INSERT INTO users (name, role, region, password_hash, token_hash) VALUES (%s, %s, %s, %s, %s)"
                 " ON CONFLICT (name) DO UPDATE SET role = excluded.role, region = excluded.region,"
                 " password_hash = excluded.password_hash, token_hash = excluded.token_hash",
                 [name, role, region if role == "hall-manager" else None, generate_password_hash(password),
                  token_hash(token)])
    return token


def user_by_token(conn: psycopg.Connection, token: str) -> CityUser | None:
    row = conn.execute("SELECT name, role, region FROM users WHERE token_hash = %s", [token_hash(token)]).fetchone()
    return CityUser(*row) if row else None


def user_by_name(conn: psycopg.Connection, name: str) -> CityUser | None:
    row = conn.execute("SELECT name, role, region FROM users WHERE name = %s", [name]).fetchone()
    return CityUser(*row) if row else None


def check_password(conn: psycopg.Connection, name: str, password: str) -> CityUser | None:
    """The user if the password is theirs; an unknown name costs the same scrypt work (the hall's dummy hash)."""
    row = conn.execute("SELECT name, role, region, password_hash FROM users WHERE name = %s", [name]).fetchone()
    right = off_loop(check_password_hash, row[3] if row else DUMMY_HASH, password)
    return CityUser(*row[:3]) if row and right else None
