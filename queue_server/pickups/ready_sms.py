"""The text that tells a licence's holder it is ready (统一出件), queued in the SMS outbox when it becomes ready.

Only when the hall sends SMS and the back office registered the holder's mobile number with the licence. The
text is the pickup notice's (pickups/notice.py: code, place, date); the clear number moves from
`licence_phones` into the outbox row, which keeps it until the text is sent.
"""

from __future__ import annotations

from queue_server.clock import to_iso
from queue_server.codes.keyfile import KeyStore
from queue_server.hall import Hall
from queue_server.pickups import licences
from queue_server.pickups.notice import sms_text


def queuer(hall: Hall, keys: KeyStore) -> licences.OnReady:
    """What licences.create / import_csv / mark_ready run inside the write that makes a licence ready."""

    def queue(db, row: dict) -> None:
        if not hall.config.sms.enabled:
            return
        found = db.execute("SELECT phone, masked FROM licence_phones WHERE licence_id = ? AND phone IS NOT NULL",
                           [row["id"]]).fetchone()
        if found is None:
            return
        now = to_iso(hall.now())
        db.execute("INSERT OR IGNORE INTO notifications (licence_id, kind, phone, masked, body, state, attempts,"
                   " next_at, created_at) VALUES (?, 'licence_ready', ?, ?, ?, 'pending', 0, ?, ?)",
                   [row["id"], found[0], found[1], sms_text(hall, row, licences.codes(hall, keys, row)), now, now])
        db.execute("UPDATE licence_phones SET phone = NULL WHERE licence_id = ?", [row["id"]])

    return queue
