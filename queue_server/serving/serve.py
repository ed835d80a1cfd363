"""Run the app under gevent's WSGI server: one greenlet per connection, deadlines on slow clients.

An open event stream costs a greenlet and a socket, not a thread, so thousands of idle streams
leave ticket issue and call-next answering. The process must be monkey-patched first (the `hall`
entry does it for the server commands; see queue_server/serving/green.py). SQLite calls do not yield, and
`Store.write()` keeps one writer: greenlets queue on its lock, events publish in commit order.
"""

from __future__ import annotations

import logging
import resource
import signal
import threading

from flask import Flask

from queue_server.serving import green
from queue_server.serving.deadlines import DeadlineHandler, Deadlines

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

    def stop() -> None:
        hall.broker.close()  # ends every open event stream
        server.stop(timeout=STOP_GRACE_S)

    for sig in (signal.SIGTERM, signal.SIGINT):
        gevent.signal_handler(sig, gevent.spawn, stop)
    server.start()
    if ready is not None:
        ready.set()
    try:
        server.serve_forever()
    finally:
        hall.close()


def _raise_open_files_limit() -> None:
    """Every connection is a descriptor: allow as many as the system lets this process have."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError) as e:
            log.warning("open files limit stays at %s: %s", soft, e)
