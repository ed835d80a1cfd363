"""The city link under load: events/s ingested from 20 halls, steady lag, catch-up after an outage, the hall's
ticket POST p99 while its shipper drains a backlog, PostgreSQL size per million events.

    .venv/bin/python bench/central_ingest.py                      # defaults below (about 4 minutes)
    .venv/bin/python bench/central_ingest.py --events-per-hall 50000 --outage 600

Real processes on 127.0.0.1: a private PostgreSQL cluster (fsync on: the real cost of a commit), the central
service (`hall central serve`, gevent + psycopg pool), `hall ship` shippers, one real `hall server`. Phases:
  1. ingest: 20 hall databases, each with --events-per-hall events of the hall's real shape (an `issued` event
     with its ticket), shipped at once by 20 shippers (batches of 2,000) → events/s (first to last commit at
     the centre, and wall time with the shippers' start), then the size of the events partitions and their
     indexes per million events;
  2. steady lag: one hall server takes --rate tickets a second for --steady seconds with its shipper running
     (polling every 0.5 s) → event time to central commit time, p50 / p99;
  3. outage: the central service is stopped for --outage seconds while the hall keeps taking tickets at the
     same rate, then started → time until the centre has every event (catch-up);
  4. drain: the hall is stopped, a backlog of --backlog events (a long WAN outage) is appended to its log, it
     starts again; ticket POST latency at --rate/s with the shipper caught up, then while it drains the backlog
     → POST p50 / p99 both ways, and the drain's events/s.
Everything shares one machine (and its 2 cores with the clients): compare within a run.
"""

from __future__ import annotations

import argparse
import json
import secrets
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from queue_server.central import accounts  # noqa: E402
from queue_server.central.db import connect  # noqa: E402
from queue_server.central.schema import migrate  # noqa: E402
from queue_server.hall import Hall  # noqa: E402
from queue_server.hall_config import load_config  # noqa: E402
from queue_server.testing.central_process import CentralProcess, ShipperProcess, config_with_code  # noqa: E402
from queue_server.testing.postgres import PgCluster  # noqa: E402
from queue_server.testing.seeding import seed  # noqa: E402
from queue_server.testing.server_process import SAMPLE_CONFIG, ServerProcess  # noqa: E402


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def synthetic_events(conn: sqlite3.Connection, n: int, start: datetime) -> None:
    """`n` events shaped like the hall's `issued` events (ticket fields, waiting count, estimate), 1 s apart."""
    rows = []
    first = conn.execute("SELECT coalesce(max(ticket_id), 0) FROM events").fetchone()[0] + 1
    for i in range(n):
        at = (start + timedelta(seconds=i)).isoformat(timespec="microseconds")
        tid = first + i
        ticket = {"id": tid, "number": f"A{tid % 1000:03d}", "zone": "commerce", "matter": "A01", "bundle": None,
                  "priority": None, "source": "kiosk-01", "state": "waiting", "issued_at": at, "called_at": None,
                  "started_at": None, "finished_at": None, "window": None, "recalls": 0, "transfers": 0,
                  "original_zone": "commerce", "note": None, "extra": {}}
        data = json.dumps({"ticket": ticket, "waiting": {"commerce": i % 40}, "estimated_wait_s": 600, "at": at},
                          ensure_ascii=False)
        rows.append((at, "issued", tid, ticket["number"], "commerce", None, "device", "kiosk-01", None, data))
    conn.executemany("INSERT INTO events (at, kind, ticket_id, number, zone, window, actor_kind, actor, reason, data)"
                     " VALUES (?,?,?,?,?,?,?,?,?,?)", rows)


def set_identity(db: Path, code: str) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                     [("hall_code", code), ("epoch", secrets.token_hex(8)), ("parent_epoch", ""), ("fork_id", "0")])
    conn.close()


def marks_reached(dsn: str, targets: dict[str, int]) -> bool:
    with psycopg.connect(dsn) as conn:
        got = dict(conn.execute("SELECT e.hall, e.last_id FROM epochs e JOIN halls h ON h.code = e.hall"
                                " AND h.epoch = e.epoch").fetchall())
    return all(got.get(code, 0) >= last for code, last in targets.items())


def wait_until(cond, timeout: float, step: float = 0.05) -> float:
    start = time.monotonic()
    while not cond():
        if time.monotonic() - start > timeout:
            raise RuntimeError("timed out")
        time.sleep(step)
    return time.monotonic() - start


def last_id(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]


class Kiosk:
    """Takes tickets at a steady rate in a thread and records each POST's latency."""

    def __init__(self, url: str, token: str, rate: float):
        self.url, self.rate = url, rate
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"
        self.latencies: list[tuple[float, float]] = []  # (monotonic start, seconds)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        zones = ["commerce", "public", "economy", "social"]
        n = 0
        next_at = time.monotonic()
        while not self.stop.is_set():
            t0 = time.monotonic()
            r = self.http.post(self.url + "/api/v1/tickets", json={"zone": zones[n % 4]}, timeout=30)
            self.latencies.append((t0, time.monotonic() - t0))
            assert r.status_code == 201, r.text
            n += 1
            next_at += 1 / self.rate
            self.stop.wait(max(0.0, next_at - time.monotonic()))

    def between(self, start: float, end: float) -> list[float]:
        return [d * 1000 for t, d in self.latencies if start <= t < end]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--halls", type=int, default=20)
    ap.add_argument("--events-per-hall", type=int, default=20_000)
    ap.add_argument("--rate", type=float, default=10.0, help="tickets per second at the busy hall")
    ap.add_argument("--steady", type=float, default=30.0, help="seconds of steady shipping measured")
    ap.add_argument("--outage", type=float, default=60.0, help="seconds the central service is down")
    ap.add_argument("--backlog", type=int, default=200_000, help="events appended for the drain phase")
    ap.add_argument("--central-fsync", choices=("on", "off"), default="on",
                    help="off: the centre's PostgreSQL does not fsync, as when it is another machine whose disk the "
                         "hall does not share (the drain phase's POST latency then shows the shipper alone)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-city-"))
    cluster = PgCluster(fast=args.central_fsync == "off").start()
    central = None
    procs: list = []
    try:
        dsn = cluster.create_database("city")
        with connect(dsn) as conn:
            migrate(conn)
        central = CentralProcess(dsn, work / "central.log").start()
        config = load_config()

        # 1. ingest from 20 halls at once
        template = work / "template.db"
        Hall(config=config, db_path=template).close()
        conn = sqlite3.connect(template)
        with conn:
            synthetic_events(conn, args.events_per_hall, datetime.now(UTC) - timedelta(days=1))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the copies below take the main file only
        conn.close()
        targets, shippers = {}, []
        with connect(dsn) as conn:
            for i in range(args.halls):
                code = f"bench-{i:02d}"
                db = work / f"{code}.db"
                shutil.copy(template, db)
                set_identity(db, code)
                token = accounts.add_hall(conn, code, code, f"region-{i % 4}")
                targets[code] = last_id(db)
                shippers.append(ShipperProcess(db, central.url, token, batch=2000, max_backoff_s=0.3))
        # The shippers start while the centre is down (20 Python processes starting at once take many seconds
        # on 2 cores) and retry every 0.3 s at most; the clock starts when the centre answers.
        central.stop()
        for s in shippers:
            s.start("--until-idle")
        wait_until(lambda: all("shipping failed" in s.log_path.read_text() for s in shippers), 300, step=0.2)
        central.start()
        t0 = time.monotonic()
        wall = wait_until(lambda: marks_reached(dsn, targets), 3600, step=0.1)
        for s in shippers:
            assert s.wait(timeout=3600) == 0
        with psycopg.connect(dsn) as conn:
            total, first, last = conn.execute("SELECT count(*), min(received_at), max(received_at) FROM events"
                                              ).fetchone()
            size = conn.execute("SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits"
                                " WHERE inhparent = 'events'::regclass").fetchone()[0]
        size = float(size)
        span = (last - first).total_seconds()
        del t0
        print(f"1. ingest: {total:,} events from {args.halls} halls shipping at once: {total / wall:,.0f} events/s "
              f"from the centre's first answer to the last mark ({wall:.1f} s; between the first and the last "
              f"batch's start {span:.1f} s)")
        print(f"   PostgreSQL events partitions + indexes: {size / 1e6:.0f} MB for {total:,} events = "
              f"{size / total * 1e6 / 1e9:.2f} GB per million events")

        # 2. steady lag at a busy hall
        db = work / "busy.db"
        seeded = seed(db)
        cfg = config_with_code(SAMPLE_CONFIG, work, "busy-hall")
        with connect(dsn) as conn:
            busy_token = accounts.add_hall(conn, "busy-hall", "busy", "region-0")
        server = ServerProcess(db, config=cfg).start()
        procs.append(server)
        shipper = ShipperProcess(db, central.url, busy_token, batch=2000, poll_s=0.5, max_backoff_s=2.0).start()
        procs.append(shipper)
        kiosk = Kiosk(server.url, seeded.devices["kiosk-01"], args.rate)
        kiosk.thread.start()
        steady_from = datetime.now(UTC)
        time.sleep(args.steady)
        steady_to = datetime.now(UTC)
        wait_until(lambda: marks_reached(dsn, {"busy-hall": last_id(db)}), 120)
        with psycopg.connect(dsn) as conn:
            lags = [r[0] for r in conn.execute(
                "SELECT extract(epoch FROM received_at - at) FROM events WHERE hall = 'busy-hall'"
                " AND at >= %s AND at < %s", [steady_from, steady_to])]
        print(f"2. steady lag, {args.rate:g} tickets/s, shipper polling every 0.5 s: event → central commit "
              f"p50 {pct(lags, 50):.2f} s, p99 {pct(lags, 99):.2f} s ({len(lags)} events)")

        # 3. outage and catch-up
        central.stop()
        time.sleep(args.outage)
        behind = last_id(db)
        central.start()
        t_up = time.monotonic()
        caught = wait_until(lambda: marks_reached(dsn, {"busy-hall": behind}), 600)
        print(f"3. outage {args.outage:g} s at {args.rate:g} tickets/s: caught up {caught:.1f} s after the central "
              f"service answered again (backlog ≈ {args.outage * args.rate:.0f} events; the shipper's backoff is "
              f"capped at 2 s here, 30 s by default)")
        del t_up

        # 4. ticket POST latency while the shipper drains a big backlog
        base_from = time.monotonic()
        time.sleep(20)
        base = kiosk.between(base_from, time.monotonic())
        kiosk.stop.set()
        kiosk.thread.join()
        shipper.stop()
        server.stop()
        conn = sqlite3.connect(db)
        with conn:
            synthetic_events(conn, args.backlog, datetime.now(UTC) - timedelta(hours=6))
        conn.close()
        target = last_id(db)
        server.start()
        kiosk = Kiosk(server.url, seeded.devices["kiosk-01"], args.rate)
        kiosk.thread.start()
        time.sleep(2)
        drain_from = time.monotonic()
        shipper.start()
        drained = wait_until(lambda: marks_reached(dsn, {"busy-hall": target}), 1200, step=0.2)
        during = kiosk.between(drain_from, time.monotonic())
        kiosk.stop.set()
        kiosk.thread.join()
        print(f"4. ticket POST at {args.rate:g}/s: shipper caught up p50 {statistics.median(base):.1f} ms, p99 "
              f"{pct(base, 99):.1f} ms ({len(base)} POSTs); while it drains {args.backlog:,} events "
              f"p50 {statistics.median(during):.1f} ms, p99 {pct(during, 99):.1f} ms ({len(during)} POSTs); "
              f"the drain took {drained:.1f} s ({args.backlog / drained:,.0f} events/s with the shipper's start)")
    finally:
        for p in procs:
            p.stop()
        if central:
            central.stop()
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
