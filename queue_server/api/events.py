"""GET /api/v1/events: the live server-sent-events stream.

Each event carries its log id; a client that reconnects with Last-Event-ID
(or ?last_event_id=) gets everything it missed, from memory or the database,
then the live stream. Staff and managers get events whole; everyone else gets
only public fields (core/public_fields.py) and a replay that starts no earlier
than the current service day. A comment line every few seconds keeps proxies open and
lets the server notice clients that went away.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, request, stream_with_context

from queue_server.api.helpers import hall
from queue_server.api.viewer import sees_everything
from queue_server.broker import LiveEvent
from queue_server.core.public_fields import public_event
from queue_server.errors import BadRequest

bp = Blueprint("events", __name__)


def _format(e: LiveEvent) -> str:
    return f"id: {e.id}\nevent: {e.kind}\ndata: {json.dumps(e.data, ensure_ascii=False)}\n\n"


def _public(e: LiveEvent) -> LiveEvent | None:
    data = public_event(e.kind, e.data)
    return None if data is None else LiveEvent(e.id, e.kind, data)


def start_of_today(h) -> int:
    """The id before the current service day's first event: public replay reaches back no further."""
    first = h.store.read().execute("SELECT min(id) FROM events WHERE at >= ?", [h.day_started_at()]).fetchone()[0]
    return (first - 1) if first else h.broker.last_id


def _from_db(h, last_id: int) -> list[LiveEvent]:
    rows = h.store.read().query("SELECT id, kind, data FROM events WHERE id > ? ORDER BY id LIMIT 1000", [last_id])
    return [LiveEvent(r["id"], r["kind"], json.loads(r["data"] or "{}")) for r in rows]


@bp.get("/events")
def events():
    h = hall()
    raw = request.headers.get("Last-Event-ID") or request.args.get("last_event_id")
    if raw is None or raw == "":
        last_id = h.broker.last_id
    else:
        try:
            last_id = int(raw)
        except ValueError:
            raise BadRequest("Last-Event-ID must be an event id (a whole number)", code="bad_event_id") from None
    heartbeat = float(current_app.config.get("SSE_HEARTBEAT_S", 10))
    whole = sees_everything()
    if not whole:
        last_id = max(last_id, start_of_today(h))

    def stream():
        nonlocal last_id
        yield f"retry: 2000\n: connected, last id {last_id}\n\n"
        while not h.broker.closed:
            batch = h.broker.since(last_id)
            if batch is None:
                batch = _from_db(h, last_id)
            if batch:
                last_id = batch[-1].id
                shown = batch if whole else [p for p in map(_public, batch) if p is not None]
                if shown:
                    yield "".join(_format(e) for e in shown)
                continue
            if not h.broker.wait(last_id, heartbeat):
                yield ": heartbeat\n\n"

    return Response(stream_with_context(stream()), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
