"""Run the app under cheroot, a production multi-threaded WSGI server.

Server-sent events hold one thread per open stream, so the pool is sized for
hundreds of boards and consoles at once (idle keep-alive connections do not
hold a thread in cheroot).
"""

from __future__ import annotations

import signal
import threading

from cheroot.wsgi import Server
from flask import Flask

DEFAULT_THREADS = 600


def serve(app: Flask, host: str = "127.0.0.1", port: int = 8000, threads: int = DEFAULT_THREADS,
          ready: threading.Event | None = None) -> None:
    server = Server((host, port), app, numthreads=threads, request_queue_size=1024,
                    shutdown_timeout=2, timeout=30)
    server.server_name = "hall-queue-server"
    hall = app.extensions["hall"]

    def stop(*_: object) -> None:
        hall.broker.close()  # ends every open event stream
        threading.Thread(target=server.stop, daemon=True).start()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
    server.prepare()
    if ready is not None:
        ready.set()
    try:
        server.serve()
    finally:
        hall.close()
