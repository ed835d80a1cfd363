"""Tickets: taking a number, looking one up, cancelling it, putting a no-show back in the queue, and how a
ticket is shown outside the server."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from sqlite_utils import Database

from queue_server.clock import epoch, to_iso
from queue_server.core.dispatch import Waiting
from queue_server.core.estimate import expected_wait_s
from queue_server.core.numbering import format_number
from queue_server.core.ticket_states import WAITING_STATES, IllegalTransition, TicketFacts, next_state
from queue_server.errors import BadRequest, Conflict, NotFound
from queue_server.live_state import as_waiting
from queue_server.notify.outbox import register_phone
from queue_server.ops.live import (
    ahead_in_queue,
    position,
    queue_news,
    serving_windows,
    with_wait_words,
    zone_snapshots,
)
from queue_server.ops.ticket_access import check_may_cancel
from queue_server.ops.ticket_links import create_link, status_url

if TYPE_CHECKING:  # the Hall imports public_ticket from here
    from queue_server.hall import Hall
    from queue_server.ops.accounts import Principal

Actor = tuple[str, str]

TICKET_FIELDS = (
    "id", "number", "zone", "matter", "bundle", "priority", "source", "state", "issued_at",
    "called_at", "started_at", "finished_at", "window", "recalls", "transfers", "original_zone",
    "note",
)


def public_ticket(row: dict) -> dict:
    """A ticket as the API shows it (no internal columns)."""
    out = {k: row.get(k) for k in TICKET_FIELDS}
    out["extra"] = json.loads(row["extra"]) if row.get("extra") else {}
    return out


def issue_ticket(
    hall: Hall, *, zone: str, actor: Actor, matter: str | None = None, bundle: str | None = None,
    priority: str | None = None, source: str | None = None, due_at: datetime | None = None,
    extra: dict | None = None, allow_appointment: bool = False, phone: str | None = None,
) -> dict:
    """Take a number. The number is allocated in the same transaction that stores the ticket.

    `phone` (already checked, with the citizen's consent) is kept for the SMS notifications, never in events.
    """
    cfg = hall.config
    if zone not in cfg.zone_codes():
        raise BadRequest(f"unknown zone {zone!r}; choose one of {', '.join(cfg.zone_codes())}",
                         code="unknown_zone")
    if matter is not None:
        try:
            m = cfg.matter(matter)
        except KeyError:
            raise BadRequest(f"unknown matter {matter!r}", code="unknown_matter") from None
        if m.zone != zone:
            raise BadRequest(f"matter {matter} belongs to zone {m.zone!r}, not {zone!r}",
                             code="matter_zone_mismatch")
    if bundle is not None:
        try:
            b = cfg.bundle(bundle)
        except KeyError:
            raise BadRequest(f"unknown bundle {bundle!r}", code="unknown_bundle") from None
        if b.zone != zone:
            raise BadRequest(f"bundle {bundle} is served in zone {b.zone!r}, not {zone!r}",
                             code="bundle_zone_mismatch")
    allowed = set(cfg.rules.priority_classes) | ({"appointment"} if allow_appointment else set())
    if priority is not None and priority not in allowed:
        raise BadRequest(
            f"unknown priority {priority!r}; green-channel classes are {', '.join(cfg.rules.priority_classes)}",
            code="unknown_priority",
        )
    prefix = cfg.zone(zone).prefix
    # The zone's service rate and capacity, read before the write lock is taken (an estimate; it holds for
    # the few milliseconds until the write); only the place in the queue must be counted inside.
    snap = zone_snapshots(hall, None, hall.now(), arriving=zone)[zone]
    with hall.store.write() as db:
        conn = hall.store.conn
        now = hall.now()
        day = hall.today(now)
        if hall.live.days_waiting_before(day):
            _close_previous_days(hall, db, day, now)
        seq = conn.execute(
            "INSERT INTO counters (day, prefix, last) VALUES (?, ?, 1) "
            "ON CONFLICT(day, prefix) DO UPDATE SET last = last + 1 RETURNING last",
            [day, prefix],
        ).fetchone()[0]
        at, ts = to_iso(now), now.timestamp()
        # Its place and estimate before it is stored, so one INSERT holds them: a new ticket has the highest id.
        waiting = Waiting(id=sys.maxsize, zone=zone, queued_at=ts, priority=priority,
                          due_at=due_at.timestamp() if due_at else None)
        ahead = ahead_in_queue(hall, day, waiting, ts)
        est = round(expected_wait_s(ahead, snap))
        row = dict.fromkeys(hall.ticket_columns) | {
            "day": day, "zone": zone, "number": format_number(prefix, seq), "seq": seq,
            "matter": matter, "bundle": bundle, "priority": priority,
            "source": source or actor[1], "state": "waiting", "issued_at": at, "queued_at": at,
            "due_at": to_iso(due_at) if due_at else None, "original_zone": zone,
            "extra": json.dumps(extra, ensure_ascii=False) if extra else None,
            "recalls": 0, "requeued": 0, "transfers": 0, "ahead_at_issue": ahead, "est_wait_s": est,
        }
        cols = [c for c in hall.ticket_columns if c != "id"]
        row["id"] = conn.execute(
            f"INSERT INTO tickets ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [row[c] for c in cols],
        ).lastrowid
        hall.live.add_waiting(row, replace(waiting, id=row["id"]))
        hall.live.arrived(day, zone, ts, row["id"])
        hall.emit(db, kind="issued", at=now, ticket=row, actor=actor,
                  data=queue_news(hall, day, [zone], now) | {"estimated_wait_s": est})
        link = status_url(cfg.public.base_url, create_link(db, row, cfg.tz, now))
        sms_to = register_phone(hall, db, row, phone, now) if phone else None
    out = with_wait_words(public_ticket(row) | {"ahead": ahead, "estimated_wait_s": est, "status_url": link},
                          serving_windows(hall)[zone], "ahead")
    if sms_to:
        out["sms_to"] = sms_to
    return out


def _close_previous_days(hall: Hall, db, day: str, now: datetime) -> None:
    """Tickets still waiting from an earlier service day are cancelled when the new day starts.

    A citizen already called or at a window stays there: the staff member finishes the service.
    """
    stale = list(db.query("SELECT * FROM tickets WHERE day < ? AND state IN ('waiting','transferred')", [day]))
    for r in stale:
        db.execute("UPDATE tickets SET state = 'cancelled', ended_at = ? WHERE id = ?", [to_iso(now), r["id"]])
        hall.live.remove_waiting(r["id"])
        r["state"] = "cancelled"
        hall.emit(db, kind="cancelled", at=now, ticket=r, reason="service day ended",
                  data=queue_news(hall, r["day"], [r["zone"]], now))


def ticket_status(hall: Hall, db: Database, row: dict) -> dict:
    now = hall.now()
    out = public_ticket(row)
    if row["state"] in WAITING_STATES:
        out["ahead"], out["estimated_wait_s"] = position(hall, db, row, now)
        out = with_wait_words(out, serving_windows(hall)[row["zone"]], "ahead")
    else:
        out["ahead"], out["estimated_wait_s"] = 0, 0
    return out


def get_ticket(hall: Hall, ticket_id: int) -> dict:
    db = hall.store.read()
    return ticket_status(hall, db, load_ticket(db, ticket_id))


def load_ticket(db, ticket_id: int) -> dict:
    """The ticket's row (plain SQL: sqlite-utils' get() adds schema lookups), or a 404."""
    cur = db.conn.execute("SELECT * FROM tickets WHERE id = ?", [ticket_id])
    values = cur.fetchone()
    if values is None:
        raise NotFound(f"no ticket with id {ticket_id}", code="ticket_not_found")
    return dict(zip([d[0] for d in cur.description], values, strict=True))


def transition(hall: Hall, row: dict, action: str, now: datetime) -> str:
    """The ticket's next state under the hall's rules, or a 409 Conflict with a plain message."""
    rules = hall.config.rules
    no_show_at = epoch(row.get("ended_at")) if row["state"] == "no_show" else None
    facts = TicketFacts(
        state=row["state"], recalls=row["recalls"] or 0, requeued=bool(row["requeued"]),
        no_show_age_s=(now.timestamp() - no_show_at) if no_show_at else None,
    )
    try:
        return next_state(facts, action, recalls_before_no_show=rules.recalls_before_no_show,
                          no_show_grace_s=rules.no_show_grace_s, number=row["number"])
    except IllegalTransition as e:
        raise Conflict(str(e), code="illegal_transition", state=e.state) from None


def cancel_ticket(hall: Hall, ticket_id: int, *, p: Principal, reason: str | None = None) -> dict:
    """Cancel a waiting ticket; only those `check_may_cancel` allows."""
    actor = p.actor
    with hall.store.write() as db:
        now = hall.now()
        row = load_ticket(db, ticket_id)
        check_may_cancel(db, row, p)
        row["state"] = transition(hall, row, "cancel", now)
        db.execute("UPDATE tickets SET state = ?, ended_at = ? WHERE id = ?", [row["state"], to_iso(now), ticket_id])
        hall.live.remove_waiting(ticket_id)
        hall.emit(db, kind="cancelled", at=now, ticket=row, actor=actor, reason=reason,
                  data=queue_news(hall, row["day"], [row["zone"]], now))
        return ticket_status(hall, db, row)


def requeue_ticket(hall: Hall, ticket_id: int, *, actor: Actor) -> dict:
    """Put a no-show back in the queue (once, within the grace time), behind those waiting now."""
    with hall.store.write() as db:
        now = hall.now()
        row = load_ticket(db, ticket_id)
        if row["day"] != hall.today(now):
            raise Conflict(f"{row['number']} is from an earlier day; please take a new number",
                           code="illegal_transition")
        row["state"] = transition(hall, row, "requeue", now)
        db.execute(
            "UPDATE tickets SET state = 'waiting', requeued = 1, queued_at = ?, window = NULL, ended_at = NULL"
            " WHERE id = ?", [to_iso(now), ticket_id],
        )
        row = load_ticket(db, ticket_id)
        hall.live.add_waiting(row, as_waiting(row))
        hall.emit(db, kind="requeued", at=now, ticket=row, actor=actor,
                  data=queue_news(hall, row["day"], [row["zone"]], now))
        return ticket_status(hall, db, row)
