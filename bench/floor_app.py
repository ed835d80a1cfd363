"""The floor for bench/server_load.py: the least a server can do per ticket on this stack.

A minimal Flask app whose POST /api/v1/tickets does one INSERT and one COMMIT into SQLite (WAL,
synchronous=FULL, one connection behind a lock, as the hall's writer) and answers 201 with JSON, served
by cheroot with the hall server's settings. No authentication, no numbering, no estimate, no event.

    .venv/bin/python bench/floor_app.py --db /tmp/floor.db --port 8123 --threads 300
"""

from __future__ import annotations

import argparse
import sqlite3
import threading
import time

from cheroot.wsgi import Server
from flask import Flask, jsonify, request


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
    ap.add_argument("--threads", type=int, default=300)
    args = ap.parse_args()
    # The same cheroot settings as queue_server/serving/serve.py.
    server = Server(("127.0.0.1", args.port), create_floor_app(args.db), numthreads=args.threads,
                    request_queue_size=1024, shutdown_timeout=2, timeout=30)
    server.safe_start()


if __name__ == "__main__":
    main()
