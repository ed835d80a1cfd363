"""Who may cancel a ticket: the kiosk that issued it, staff whose window has it or serves its zone, a manager.

Ticket ids are sequential, so "anyone signed in may cancel any id" would let one device empty the queue.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from sqlite_utils import Database

from queue_server.errors import Forbidden

if TYPE_CHECKING:  # accounts imports the Hall, which imports the ticket operations
    from queue_server.ops.accounts import Principal


def issued_by(db: Database, ticket_id: int) -> tuple[str, str] | None:
    """(actor kind, actor name) of the `issued` event of a ticket."""
    row = db.execute("SELECT actor_kind, actor FROM events WHERE ticket_id = ? AND kind = 'issued' ORDER BY id LIMIT 1",
                     [ticket_id]).fetchone()
    return (row[0], row[1]) if row else None


def check_may_cancel(db: Database, ticket: dict, p: Principal) -> None:
    """Forbidden unless `p` may cancel `ticket` (see the module's docstring)."""
    if p.is_manager:
        return
    if p.kind == "device":
        if p.device_kind == "kiosk" and issued_by(db, ticket["id"]) == ("kiosk", p.name):
            return
        raise Forbidden(f"{p.name} did not issue {ticket['number']}; a kiosk cancels only its own tickets",
                        code="not_your_ticket")
    for number, zones in db.execute("SELECT number, zones FROM windows WHERE staff = ? AND state != 'closed'",
                                    [p.name]):
        if ticket["window"] == number or ticket["zone"] in json.loads(zones):
            return
    raise Forbidden(f"{ticket['number']} is neither at your window nor in a zone your window serves",
                    code="not_your_ticket")
