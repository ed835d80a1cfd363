"""`hall purge`: personal data that only served the citizen on the day is removed after N days (default 30).

Ticket links (the tokens behind printed QR codes), the contact numbers left with ratings, the phone numbers
given for SMS (masked copy, hash and outbox), the appointment desk's notes (call-back numbers) and the phones
of decided cases go; numbers, zones, times and scores stay for the statistics.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from queue_server.clock import to_iso

if TYPE_CHECKING:
    from queue_server.hall import Hall

PURGE_AFTER_DAYS = 30


def purge(hall: Hall, days: int = PURGE_AFTER_DAYS) -> dict[str, int]:
    """Remove personal data older than `days`; returns how many rows of each kind were purged."""
    if days < 0:
        raise ValueError("days must be 0 or more")
    cutoff = to_iso(hall.now() - timedelta(days=days))
    out: dict[str, int] = {}
    with hall.store.write() as db:
        out["ticket_links"] = db.execute("DELETE FROM ticket_links WHERE created_at < ?", [cutoff]).rowcount
        out["rating_contacts"] = db.execute(
            "UPDATE ratings SET contact = NULL WHERE contact IS NOT NULL AND at < ?", [cutoff]).rowcount
        tables = set(db.table_names())
        if "ticket_phones" in tables:
            out["phone_numbers"] = db.execute("DELETE FROM ticket_phones WHERE created_at < ?", [cutoff]).rowcount
        if "licence_phones" in tables:
            out["licence_phone_numbers"] = db.execute("DELETE FROM licence_phones WHERE created_at < ?",
                                                      [cutoff]).rowcount
        if "appointments" in tables and "note" in db["appointments"].columns_dict:  # the desk's call-back numbers
            out["appointment_notes"] = db.execute(
                "UPDATE appointments SET note = NULL WHERE note IS NOT NULL AND slot_end < ?", [cutoff]).rowcount
        if "cases" in tables:  # a decided case keeps its record (name, masked ID); the phone only served notices
            out["case_phones"] = db.execute(
                "UPDATE cases SET phone = NULL WHERE phone IS NOT NULL AND state IN ('done', 'denied', 'refused')"
                " AND coalesce(decided_at, accepted_at) < ?", [cutoff]).rowcount
        if "notifications" in tables:
            out["notifications"] = db.execute(
                "UPDATE notifications SET phone = NULL, body = NULL WHERE phone IS NOT NULL AND created_at < ?",
                [cutoff]).rowcount
    return out
