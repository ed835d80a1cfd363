"""The citizen's link to a ticket: `{public base_url}/t/{token}`, printed as the ticket's QR.

The token is 22 random bytes (176 bits); the database keeps only its SHA-256. It is bound to one ticket and
valid until the end of that ticket's service day plus one more day (so a service can be rated the next day).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from queue_server.clock import from_iso, to_iso
from queue_server.errors import NotFound

TOKEN_BYTES = 22


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_expires(day: str, tz: ZoneInfo) -> datetime:
    """Midnight at the end of the day after the ticket's service day, hall time."""
    return datetime.combine(date.fromisoformat(day) + timedelta(days=2), time(0), tzinfo=tz)


def create_link(db: Database, ticket: dict, tz: ZoneInfo, now: datetime) -> str:
    """A new token for `ticket` (inside the caller's transaction); shown once, in the issue answer."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.execute("INSERT INTO ticket_links (token_hash, ticket_id, expires_at, created_at) VALUES (?, ?, ?, ?)",
               [_digest(token), ticket["id"], to_iso(link_expires(ticket["day"], tz)), to_iso(now)])
    return token


def status_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/t/{token}"


def ticket_of(db: Database, token: str, now: datetime) -> int:
    """The ticket id behind a token, or 404 (unknown, altered or expired links all look the same)."""
    if not token or len(token) > 100:
        raise NotFound("this ticket link is not valid; scan the QR code on your ticket again", code="bad_ticket_link")
    row = db.execute("SELECT ticket_id, expires_at FROM ticket_links WHERE token_hash = ?",
                     [_digest(token)]).fetchone()
    if row is None:
        raise NotFound("this ticket link is not valid; scan the QR code on your ticket again", code="bad_ticket_link")
    if from_iso(row[1]) <= now:
        raise NotFound("this ticket link has expired (links last until the day after the service)",
                       code="ticket_link_expired")
    return row[0]
