"""Run the app under gevent's WSGI server: one greenlet per connection, deadlines on slow clients.

An open event stream costs a greenlet and a socket, not a thread, so thousands of idle streams
leave ticket issue and call-next answering. The process must be monkey-patched first (the `hall`
entry does it for the server commands; see queue_server/serving/green.py). SQLite calls do not yield, and
`Store.write()` keeps one writer: greenlets queue on its lock, events publish in commit order.

Anonymous event streams (phones, browser boards, strangers on the LAN) are handed to a stream relay, a child
process started here (serving/relay.py; SSE_RELAY 0 keeps them in this process): thousands of them then cost this
process no greenlet, no memory and no write per event, only one message to the relay per event.
"""

from __future__ import annotations

import gc
import logging
import resource
import signal
import threading

from flask import Flask

from queue_server.serving import green
from queue_server.serving.deadlines import STREAM_SEND_BUFFER, DeadlineHandler, Deadlines
from queue_server.serving.relay_link import RelayLink
from queue_server.settings import SSE_PUBLIC_WRITES_PER_S, SSE_RELAY

log = logging.getLogger(__name__)

STOP_GRACE_S = 2.0  # open connections get this long to end after SIGTERM/SIGINT, then they are cut
LISTEN_BACKLOG = 1024


def serve(app: Flask, host: str = "127.0.0.1", port: int = 8000, ready: threading.Event | None = None) -> None:
    if not green.patched():
        # The app's locks and conditions were made before: patching now would leave real ones that block the loop.
        raise RuntimeError("serve() needs a gevent-patched process: call green.patch_process() before create_app()")
    import gevent
    from gevent.pywsgi import WSGIServer

    _raise_open_files_limit()
    server = WSGIServer((host, port), app, handler_class=DeadlineHandler, backlog=LISTEN_BACKLOG,
                        log=None, error_log=logging.getLogger("queue_server.http"),
                        environ={"SERVER_NAME": "hall-queue-server"})
    server.deadlines = Deadlines.from_config(app.config)
    hall = app.extensions["hall"]
    server.relay = relay = _start_relay(app, server.deadlines)

    def stop() -> None:
        hall.broker.close()  # ends every open event stream
        if relay is not None:
            relay.close()  # ends the relayed ones
        server.stop(timeout=STOP_GRACE_S)

    for sig in (signal.SIGTERM, signal.SIGINT):
        gevent.signal_handler(sig, gevent.spawn, stop)
    _settle_garbage_collector()
    server.start()
    if ready is not None:
        ready.set()
    try:
        server.serve_forever()
    finally:
        if relay is not None:
            relay.close()
        hall.close()


def _start_relay(app: Flask, deadlines: Deadlines) -> RelayLink | None:
    if not int(app.config.get(SSE_RELAY.name, SSE_RELAY.default)):
        return None
    relay = RelayLink(app.extensions["event_stream_slots"], heartbeat_s=float(app.config["SSE_HEARTBEAT_S"]),
                      writes_per_s=float(app.config[SSE_PUBLIC_WRITES_PER_S.name]),
                      drain_s=deadlines.stream_drain_s, send_buffer=STREAM_SEND_BUFFER)
    try:
        relay.start()
    except OSError as e:  # the server still serves every stream itself
        log.error("stream relay could not start, event streams stay in the server process: %s", e)
        return None
    app.extensions["hall"].broker.listeners.append(relay.publish)
    app.extensions["stream_relay"] = relay
    return relay


def _settle_garbage_collector() -> None:
    """Keep the collector's full passes short: they stop the one event loop, so every request waits them out.

    What exists at start (modules, the app, the hall's live state as rebuilt) lives as long as the process:
    frozen, no full pass scans it again. Without this a full pass took 40-70 ms (bench/README.md) and set the
    p99 of whatever request it fell in.
    """
    gc.collect()
    gc.freeze()


def _raise_open_files_limit() -> None:
    """Every connection is a descriptor: allow as many as the system lets this process have."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError) as e:
            log.warning("open files limit stays at %s: %s", soft, e)
