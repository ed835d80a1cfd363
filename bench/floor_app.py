"""The floor for bench/server_load.py: the least a server can do per ticket on this stack.

A minimal Flask app whose POST /api/v1/tickets does one INSERT and one COMMIT into SQLite (WAL,
synchronous=FULL, one connection behind a lock, as the hall's writer) and answers 201 with JSON, served
by gevent's WSGI server in a patched process, with TCP_NODELAY and the Server-Timing header, as `hall server`
is. No authentication, no numbering, no estimate, no event.

    .venv/bin/python bench/floor_app.py --db /tmp/floor.db --port 8123
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()  # as the hall server's process is, before anything else is imported

import argparse  # noqa: E402
import socket  # noqa: E402
import sqlite3  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from flask import Flask, jsonify, request  # noqa: E402
from gevent.pywsgi import WSGIServer  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from queue_server.serving.server_timing import TimedHandler  # noqa: E402


class FloorHandler(TimedHandler):
    """gevent's handler with the hall server's Server-Timing header and its TCP_NODELAY (queue_server/serving/
    deadlines.py): without it a kept-alive connection's response waits for the client's delayed ACK, 40 ms,
    and the floor measured that, not its INSERT (it did before: 48 ms a request with one client, not 1)."""

    def handle(self) -> None:
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().handle()


def create_floor_app(db_path: str) -> Flask:
    conn = sqlite3.connect(db_path, check_same_thread=False, isolation_level=None, timeout=10)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS tickets (id INTEGER PRIMARY KEY, zone TEXT, issued_at REAL)")
    lock = threading.Lock()
    app = Flask("floor")

    @app.post("/api/v1/tickets")
    def take_number():
        zone = (request.get_json(silent=True) or {}).get("zone")
        with lock:
            conn.execute("BEGIN IMMEDIATE")
            tid = conn.execute("INSERT INTO tickets (zone, issued_at) VALUES (?, ?)", [zone, time.time()]).lastrowid
            conn.execute("COMMIT")
        return jsonify({"id": tid, "zone": zone}), 201

    @app.get("/api/v1/health")
    def health():
        return jsonify({"ok": True})

    return app


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--threads", type=int, default=0, help="ignored (a greenlet per connection)")
    args = ap.parse_args()
    # The same server and backlog as queue_server/serving/serve.py (without its deadlines: the floor is bare).
    WSGIServer(("127.0.0.1", args.port), create_floor_app(args.db), handler_class=FloorHandler, backlog=1024,
               log=None).serve_forever()


if __name__ == "__main__":
    main()
