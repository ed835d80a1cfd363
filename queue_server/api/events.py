"""GET /api/v1/events: the live server-sent-events stream.

Each event carries its log id; a client that reconnects with Last-Event-ID
(or ?last_event_id=) gets everything it missed, from memory or the database,
then the live stream. Staff and managers get events whole; everyone else gets
only public fields (core/public_fields.py) and a replay that starts no earlier
than the current service day. Both frames of an event are formatted once, when it
is logged. A comment line every few seconds keeps proxies open and lets the server
notice clients that went away. Anonymous streams write no more often than the fan-out
budget allows (queue_server/stream_pace.py). One client address holds at most
SSE_MAX_STREAMS_PER_CLIENT streams at once (429 beyond), the server SSE_MAX_STREAMS (503 beyond).

In the gevent server an anonymous stream leaves the server process once checked: the handler hands its connection,
head and replay to the stream relay (serving/relay.py), which writes it from then on; the code below streams it
only when no relay runs (test clients, a relay being restarted) and for staff, manager and device streams.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Blueprint, Response, current_app, request, stream_with_context

from queue_server.api.helpers import error_response, hall
from queue_server.api.viewer import sees_everything, viewer_device, viewer_kind
from queue_server.broker import LiveEvent
from queue_server.core.input_checks import INT_MAX, INT_MIN
from queue_server.errors import BadRequest
from queue_server.serving.handover import HANDOVER, Handover
from queue_server.serving.stream_slots import StreamSlots
from queue_server.settings import SSE_MAX_STREAMS, SSE_MAX_STREAMS_PER_CLIENT
from queue_server.stream_pace import StreamPace

bp = Blueprint("events", __name__)


def _from_db(h, last_id: int) -> list[LiveEvent]:
    rows = h.store.read().query("SELECT id, kind, data FROM events WHERE id > ? ORDER BY id LIMIT 1000", [last_id])
    return [LiveEvent.of(r["id"], r["kind"], json.loads(r["data"] or "{}"), r["data"] or "{}") for r in rows]


def _after(h, last_id: int) -> list[LiveEvent]:
    """The next events after last_id: from the broker's memory, or the database when memory no longer reaches back."""
    batch = h.broker.since(last_id)
    return _from_db(h, last_id) if batch is None else batch


def _opening(last_id: int) -> bytes:
    return f"retry: 2000\n: connected, last id {last_id}\n\n".encode()


def start_of_today(h) -> int:
    """The id before the current service day's first event: public replay reaches back no further."""
    first = h.store.read().execute("SELECT min(id) FROM events WHERE at >= ?", [h.day_started_at()]).fetchone()[0]
    return (first - 1) if first else h.broker.last_id


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
        if not INT_MIN <= last_id <= INT_MAX:  # SQLite compares nothing larger
            raise BadRequest(f"Last-Event-ID must be an event id up to {INT_MAX}", code="bad_event_id")
    heartbeat = float(current_app.config["SSE_HEARTBEAT_S"])
    whole = sees_everything()
    if not whole:
        last_id = max(last_id, start_of_today(h))
    pace = stream_pace()
    device = viewer_device()
    first_id = last_id
    relayed = relay_takes_it()

    def stream():
        nonlocal last_id
        with pace, present(h, device):
            yield _opening(last_id)
            while not h.broker.closed:
                batch = _after(h, last_id)
                if batch:
                    last_id = batch[-1].id
                    chunk = b"".join(e.sse if whole else e.public_sse for e in batch)  # formatted once, when logged
                    if chunk:
                        yield chunk
                        pace.wrote()
                    continue
                if not pace.wait(last_id, heartbeat):
                    yield b": heartbeat\n\n"

    return limited_stream(stream, (lambda: public_replay(h, first_id)) if relayed else None)


def relay_takes_it() -> bool:
    """Whether this stream goes to the stream relay: anonymous (public frames only, no presence) and a relay running."""
    relay = current_app.extensions.get("stream_relay")
    return relay is not None and relay.alive and viewer_kind() is None


def public_replay(h, last_id: int) -> tuple[list[bytes], int]:
    """A relayed stream's first frames: the retry line, then the public frames after last_id up to the broker's last
    event (from memory or the database, as a stream in this process reads them); and the id it reached."""
    frames = [_opening(last_id)]
    while last_id < h.broker.last_id:
        batch = _after(h, last_id)
        if not batch:
            break
        last_id = batch[-1].id
        frames.extend(e.public_sse for e in batch if e.public_sse)
    return frames, last_id


@contextmanager
def present(h, device: str | None) -> Iterator[None]:
    """A kiosk or display is up while its stream is open: the dashboard reports one that dropped off."""
    if device is None:
        yield
        return
    h.presence.opened(device)
    try:
        yield
    finally:
        h.presence.closed(device, h.now().timestamp())


def stream_pace() -> StreamPace:
    """The pace of a stream opened by this request: anonymous ones share the fan-out budget."""
    budget = current_app.extensions["fanout_budget"] if viewer_kind() is None else None
    return StreamPace(hall().broker, budget)


def limited_stream(stream: Callable[[], Iterator[str | bytes]],
                   replay: Callable[[], tuple[list[bytes], int]] | None = None) -> Response:
    """An event-stream response, counted against its client address and the server: at most
    SSE_MAX_STREAMS_PER_CLIENT open streams (the hall's and the phone pages' together) per address, 429
    beyond; at most SSE_MAX_STREAMS on the server (memory stays bounded), 503 beyond. With `replay`, the
    server's handler may hand the stream to the relay, which then gives the slot back when it ends."""
    slots: StreamSlots = current_app.extensions["event_stream_slots"]
    limit = int(current_app.config[SSE_MAX_STREAMS_PER_CLIENT.name])
    total = int(current_app.config[SSE_MAX_STREAMS.name])
    address = request.remote_addr or "unknown"
    refused = slots.take(address, limit, total)
    if refused == "address":
        response = error_response(429, "too_many_streams",
                                  f"此地址打开的实时事件流过多（最多 {limit} 个），请关闭一些后再试 / "
                                  f"too many open event streams from this address (at most {limit})")
        response.headers["Retry-After"] = "10"
        return response
    if refused == "server":
        response = error_response(503, "streams_full",
                                  f"服务器的实时事件流已满（最多 {total} 个），请稍后再试 / "
                                  f"the server holds all the event streams it may (at most {total}); try again later")
        response.headers["Retry-After"] = "30"
        return response
    response = Response(stream_with_context(stream()), mimetype="text/event-stream",
                        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    if replay is None:
        response.call_on_close(lambda: slots.give_back(address))  # the server closes the response when the stream ends
        return response
    handover = Handover(address, replay)
    request.environ[HANDOVER] = handover
    response.call_on_close(lambda: handover.relayed or slots.give_back(address))
    return response
