"""Run the central app under gevent's WSGI server, as the hall's server runs (psycopg waits cooperatively)."""

from __future__ import annotations

import logging
import signal

from queue_server.central.app import create_central_app
from queue_server.central.db import pool as make_pool


def serve_central(dsn: str, host: str, port: int) -> None:
    import gevent
    from gevent.pywsgi import WSGIServer

    pool = make_pool(dsn)
    app = create_central_app(pool)
    server = WSGIServer((host, port), app, log=None, error_log=logging.getLogger("queue_server.central.http"))
    for sig in (signal.SIGTERM, signal.SIGINT):
        gevent.signal_handler(sig, gevent.spawn, lambda: server.stop(timeout=2.0))
    server.start()
    try:
        server.serve_forever()
    finally:
        pool.close()
