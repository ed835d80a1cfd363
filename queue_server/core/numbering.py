"""Ticket numbers: a zone's prefix letter and a daily sequence (A001, A002 …).

Numbers restart at local midnight in the hall's time zone, so the service day
of a ticket is its local date, never the UTC date.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def service_day(moment: datetime, tz: ZoneInfo) -> date:
    """The hall's local date at an aware moment."""
    if moment.tzinfo is None:
        raise ValueError("service_day needs an aware datetime")
    return moment.astimezone(tz).date()


def format_number(prefix: str, seq: int) -> str:
    """A001 … A999, then A1000: never wraps, so a busy day never repeats a number."""
    if seq < 1:
        raise ValueError("sequence numbers start at 1")
    return f"{prefix}{seq:03d}"
