"""Tickets: take a number, look one up, cancel, requeue a no-show.

The citizen's own view of a ticket is behind its unguessable link (api/phone.py); ids are sequential, so a
ticket by id is for staff, managers and the kiosk that issued it only.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from queue_server.api.helpers import field, hall, json_body, principal, requires
from queue_server.errors import BadRequest, Forbidden
from queue_server.logs import note_ticket
from queue_server.notify.outbox import add_phone
from queue_server.notify.phones import mask, normalise
from queue_server.ops.opening import check_open
from queue_server.ops.ticket_access import issued_by
from queue_server.ops.tickets import cancel_ticket, get_ticket, issue_ticket, requeue_ticket

bp = Blueprint("tickets", __name__)


@bp.post("/tickets")
@requires("kiosk", "staff", "manager")
def take_number():
    body = json_body()
    p = principal()
    zone = field(body, "zone", str, required=True)
    check_open(hall(), zone)  # walk-ins only within the zone's opening hours (409 closed, with the next hours)
    phone = sms_phone(body)
    ticket = issue_ticket(
        hall(),
        zone=zone,
        matter=field(body, "matter", str),
        bundle=field(body, "bundle", str),
        priority=field(body, "priority", str),
        source=field(body, "source", str) or p.name,
        actor=p.actor,
        phone=phone,
    )
    note_ticket(ticket["id"])
    return jsonify(ticket), 201


def sms_phone(body: dict) -> str | None:
    """The optional mobile number for SMS: only with the citizen's consent and a gateway switched on."""
    raw = field(body, "phone", str)
    if not raw:
        return None
    if field(body, "sms_consent", bool) is not True:
        raise BadRequest("a phone number needs the citizen's consent: send \"sms_consent\": true",
                         code="sms_consent_missing")
    if not hall().config.sms.enabled:
        raise BadRequest("this hall sends no SMS; take the number without a phone", code="sms_disabled")
    try:
        phone = normalise(raw)
    except ValueError as e:
        raise BadRequest(str(e), code="bad_phone") from None
    body["phone"] = mask(phone)  # the manager audit log records request bodies (the same cached dict)
    return phone


@bp.post("/tickets/<int:ticket_id>/sms")
@requires("kiosk", "staff", "manager")
def sms_reminder(ticket_id: int):
    """After printing: the issuing kiosk adds the citizen's mobile number (with consent) for SMS reminders."""
    h = hall()
    p = principal()
    if p.kind == "device" and issued_by(h.store.read(), ticket_id) != ("kiosk", p.name):
        raise Forbidden("a kiosk may add a number only to the tickets it issued", code="not_your_ticket")
    phone = sms_phone(json_body())
    if phone is None:
        raise BadRequest("send the citizen's mobile number as \"phone\"", code="missing_field")
    return jsonify({"sms_to": add_phone(h, ticket_id, phone)})


@bp.get("/tickets/<int:ticket_id>")
@requires("kiosk", "staff", "manager")
def ticket_status(ticket_id: int):
    h = hall()
    p = principal()
    if p.kind == "device" and issued_by(h.store.read(), ticket_id) != ("kiosk", p.name):
        raise Forbidden("a kiosk may look up only the tickets it issued", code="not_your_ticket")
    return jsonify(get_ticket(h, ticket_id))


@bp.post("/tickets/<int:ticket_id>/cancel")
@requires("kiosk", "staff", "manager")
def cancel(ticket_id: int):
    body = json_body()
    return jsonify(cancel_ticket(hall(), ticket_id, p=principal(), reason=field(body, "reason", str)))


@bp.post("/tickets/<int:ticket_id>/requeue")
@requires("staff", "manager", "kiosk")
def requeue(ticket_id: int):
    return jsonify(requeue_ticket(hall(), ticket_id, actor=principal().actor))

