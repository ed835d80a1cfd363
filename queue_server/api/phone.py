"""The citizen's phone, behind the ticket's unguessable link (the printed QR): public, one ticket only.

    GET  /api/v1/t/{token}          the ticket's public view (number, zone, place, wait, window, may it be rated)
    GET  /api/v1/t/{token}/events   server-sent `status` events: that view again whenever it changes
    POST /api/v1/t/{token}/rating   好差评 from the phone: {"score","reason"?,"comment"?,"contact"?}, once

The stream carries nothing about other tickets: each hall event only makes the server look at this ticket
again and send its view when something the citizen sees has changed.
"""

from __future__ import annotations

import json

from flask import Blueprint, current_app, jsonify

from queue_server.api.events import limited_stream, stream_pace
from queue_server.api.helpers import hall, json_body
from queue_server.broker import LiveEvent
from queue_server.errors import HallError
from queue_server.ops.phone_view import phone_view
from queue_server.ops.ticket_links import ticket_of
from queue_server.ops.tickets import load_ticket
from queue_server.ratings import ops as rating_ops

bp = Blueprint("phone", __name__)


def view_of(token: str) -> dict:
    h = hall()
    db = h.store.read()
    return phone_view(h, db, load_ticket(db, ticket_of(db, token, h.now())))


@bp.get("/t/<token>")
def status(token: str):
    return jsonify(view_of(token))


@bp.get("/t/<token>/events")
def events(token: str):
    h = hall()
    first = view_of(token)  # a bad or expired link is a 404 before the stream starts
    heartbeat = float(current_app.config["SSE_HEARTBEAT_S"])

    pace = stream_pace()  # a citizen's phone is anonymous: it shares the fan-out budget

    def stream():
        last_id = h.broker.last_id
        sent = None
        view = first
        with pace:
            yield "retry: 3000\n\n"
            while not h.broker.closed:
                shown = {k: v for k, v in view.items() if k != "now"}
                if shown != sent:
                    sent = shown
                    yield f"event: status\ndata: {json.dumps(view, ensure_ascii=False)}\n\n"
                    pace.wrote()
                if pace.wait(last_id, heartbeat):  # one look per burst of events
                    batch = h.broker.since(last_id)
                    last_id = h.broker.last_id
                    if batch is not None and not any(_concerns(e, view) for e in batch):
                        continue  # other zones' events: this ticket's place and wait did not change
                else:
                    yield ": heartbeat\n\n"  # and look again: the estimate and the link's expiry move with time
                try:
                    view = view_of(token)
                except HallError:  # the link expired while the page was open
                    yield "event: gone\ndata: {}\n\n"
                    return

    return limited_stream(stream)


def _concerns(e: LiveEvent, view: dict) -> bool:
    """Could this hall event change what the phone shows: its own ticket, its zone, or the windows?"""
    if e.kind in ("window", "rated"):
        return True
    ticket = e.data.get("ticket") or {}
    zone = view["zone"]
    return ticket.get("number") == view["number"] or zone in (ticket.get("zone"), e.data.get("from_zone"),
                                                              e.data.get("to_zone"))


@bp.post("/t/<token>/rating")
def rate(token: str):
    h = hall()
    ticket_id = ticket_of(h.store.read(), token, h.now())
    rating = rating_ops.rate(h, ticket_id, json_body(), source="phone")
    return jsonify({"rated": True, "score": rating["score"], "followup": rating["followup_id"] is not None}), 201
