"""Queue server under load, against the floor of its stack: tickets per second, call-next latency,
how both grow with the queue, and call → SSE fan-out to 200 boards.

    .venv/bin/python bench/server_load.py                 # defaults below
    .venv/bin/python bench/server_load.py --tickets 4000 --subscribers 300

Real servers in subprocesses on 127.0.0.1, each with a fresh SQLite file (WAL, synchronous=FULL: every
acknowledged write is on disk): `hall server` (gevent), and the floor (bench/floor_app.py: a minimal
Flask app on the same gevent server and socket settings whose POST /api/v1/tickets is one INSERT + COMMIT).
Both send a Server-Timing header (queue_server/serving/server_timing.py): the server's own time per request.
Each phase opens the windows it uses. Phases:
  1. issue: 1, 8 and 50 kiosk clients take numbers as fast as they can, from ours and from the floor,
     one after the other → tickets/s, POST latency p50/p99 and the ratio ours / floor;
  2. call at a realistic load: 40 windows call next / start / serve 5-15 s / finish (an idle window asks
     again every 0.5 s) while a kiosk issues 3 tickets a second to ours and another as many to the floor,
     all from processes of their own (bench/lean_client.py: http.client, kept-alive connections) →
     call-next p50/p99 as the client saw it and as the server spent it (head + app), with the server's
     spans (CPU, write lock, commit, fsync), for calls that found a ticket and calls that found none;
     `--client threads` runs the former load of threads in this process (requests, one GIL);
  3. queue length: with 0, 200, 2,000 and 10,000 tickets waiting, one kiosk takes 100 numbers and one
     window calls / starts / finishes 100 times → POST /tickets and call-next p50/p99;
  4. call at saturation: 40 windows call next / start / finish without pause while 10 kiosks keep
     issuing → call-next latency p50/p99 and calls/s;
  5. fan-out: 200 clients hold the event stream open; one window calls 100 times, 100 ms apart →
     time from sending call-next to the `called` event at each subscriber (p50/p99 over all
     subscriber × call pairs) and to the last of the 200 (p50/p99 over calls).
Everything runs on one machine, so the clients compete with the servers for the CPU: compare ours with
the floor within one run, not across runs; the server-side figures are what the clients' share does not
blur.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import lean_client  # noqa: E402  (bench/, beside this file)

from hall_client.client import HallClient  # noqa: E402
from queue_server.hall import Hall  # noqa: E402
from queue_server.hall_config import load_config  # noqa: E402
from queue_server.ops import accounts, live  # noqa: E402
from queue_server.ops import tickets as ticket_ops  # noqa: E402
from queue_server.ops import windows as window_ops  # noqa: E402
from queue_server.ops.accounts import Principal  # noqa: E402
from queue_server.ops.stats import percentile  # noqa: E402  (nearest rank, as the server's statistics)
from queue_server.testing.server_process import ServerProcess  # noqa: E402

FRONT_ZONES = ["commerce", "public", "economy", "social", "construction", "special"]


def ms(values: list[float]) -> str:
    return f"p50 {percentile(values, 50) * 1000:6.2f} ms  p99 {percentile(values, 99) * 1000:6.2f} ms"


def seed(db: Path, windows: int) -> tuple[dict[int, str], str]:
    """Staff signed in (session tokens) per window, and a kiosk token."""
    hall = Hall(config=load_config(), db_path=db)
    sessions = {}
    for no in range(1, windows + 1):
        accounts.add_user(hall, f"w{no}", f"window-{no}-pw", "staff")
        sessions[no] = accounts.login(hall, f"w{no}", f"window-{no}-pw")["token"]
    kiosk = accounts.add_device(hall, "kiosk-bench", "kiosk")
    hall.close()
    return sessions, kiosk


def phase_issue(url: str, kiosk: str, clients: int, tickets: int, label: str = "1. issue  ",
                quiet: bool = False) -> tuple[float, list[float]]:
    latencies: list[float] = []

    def work(k: int) -> None:
        c = HallClient(url, kiosk, timeout=30)
        for i in range(tickets // clients + (k < tickets % clients)):
            t0 = time.perf_counter()
            c.take_number(FRONT_ZONES[(k + i) % len(FRONT_ZONES)])
            latencies.append(time.perf_counter() - t0)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(work, range(clients)))
    elapsed = time.perf_counter() - t0
    if not quiet:
        print(f"{label} {clients:2d} clients, {len(latencies)} tickets in {elapsed:5.1f} s: "
              f"{len(latencies) / elapsed:6.0f} tickets/s   POST /tickets {ms(latencies)}")
    return len(latencies) / elapsed, latencies


class FloorProcess(ServerProcess):
    """bench/floor_app.py in a subprocess, started and stopped like the hall server."""

    def start(self, wait: float = 20.0) -> FloorProcess:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, str(ROOT / "bench" / "floor_app.py"), "--db", str(self.db_path),
                 "--port", str(self.port), "--threads", str(self.threads)],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/api/v1/health", timeout=0.5).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.05)
        raise RuntimeError("floor server did not start in time: " + self.log_path.read_text()[-3000:])


def phase_versus_floor(url: str, floor_url: str, kiosk: str) -> None:
    print("1. issue, ours vs the floor (one INSERT + COMMIT per request, same server settings)")
    for target in (url, floor_url):  # warm both up (imports, caches, connections) before measuring either
        phase_issue(target, kiosk, 4, 100, quiet=True)
    for clients, tickets in ((1, 300), (8, 1600), (50, 2000)):
        ours, ours_lat = phase_issue(url, kiosk, clients, tickets, quiet=True)
        floor, floor_lat = phase_issue(floor_url, kiosk, clients, tickets, quiet=True)
        print(f"   {clients:2d} clients: ours {ours:5.0f} tickets/s ({ms(ours_lat)})   floor {floor:5.0f} tickets/s "
              f"({ms(floor_lat)})   ours/floor {ours / floor:4.2f}")


def stats(records: list, what: str, status: int | None = None) -> dict[str, list[float]]:
    """Client-seen and server (head + app) milliseconds of the records of one kind (and status), and each of the
    server's spans (server_timing.py: head, app, cpu, lock, commit, fsync)."""
    rows = [r for r in records if r[0] == what and (status is None or r[1] == status)]
    timed = [r[3] for r in rows if "app" in r[3]]
    out = {"client": [r[2] for r in rows], "server": [t.get("head", 0.0) + t["app"] for t in timed]}
    for span in ("head", "app", "cpu", "lock", "commit", "fsync"):  # per request: 0 where it had none of it
        out[span] = [t.get(span, 0.0) for t in timed] if any(span in t for t in timed) else []
    return out


def ms3(values: dict[str, list[float]]) -> str:
    """p50 / p99 as the client saw it and as the server spent it (values in milliseconds)."""
    def pair(v: list[float]) -> str:
        return f"{percentile(v, 50):5.1f} / {percentile(v, 99):5.1f}" if v else "   -  /   -  "

    return f"client {pair(values['client'])}  server {pair(values['server'])} ms (n={len(values['client'])})"


def spans(values: dict[str, list[float]]) -> str:
    """The server's spans p50 / p99: reading the request, the application, the loop's CPU meanwhile, waiting for
    the write lock, for the commit, and the COMMIT itself."""
    return "   ".join(f"{name} {percentile(values[name], 50):4.1f} / {percentile(values[name], 99):4.1f}"
                       for name in ("head", "app", "cpu", "lock", "commit", "fsync") if values[name])


def realistic_plan(url: str, floor_url: str | None, kiosk: str, sessions: dict[int, str], windows: int,
                   rate: float, procs: int, lockstep: bool) -> list[list[tuple]]:
    """Windows spread over `procs` processes, ours' kiosk and the floor's each in a process of their own.
    Unless `lockstep`, each window starts at its own moment within the first idle interval (staff do not
    press call-next in step; started together, 40 idle windows poll in bursts of 40 every 0.5 s)."""
    idle_s = 0.5
    rng = random.Random(14)
    plan: list[list[tuple]] = [[] for _ in range(procs)]
    for no in range(1, windows + 1):
        offset = 0.0 if lockstep else rng.uniform(0, idle_s)
        plan[no % procs].append(("window", url, no, sessions[no], (5.0, 15.0), idle_s, offset))
    plan.append([("issuer", url, kiosk, rate, "issue")])
    if floor_url:
        plan.append([("issuer", floor_url, kiosk, rate, "floor")])
    return plan


def phase_realistic(url: str, floor_url: str, kiosk: str, sessions: dict[int, str], windows: int, rate: float,
                    seconds: float, procs: int = 4, mode: str = "together", lockstep: bool = False) -> None:
    """Windows serve 5-15 s per citizen while tickets arrive at `rate` a second (a busy real hall); the floor
    takes as many tickets, at the same time (`together`) or right after (`alternate`), so its latency shows what
    the machine and its disk allow. The load comes from separate processes (bench/lean_client.py); each figure
    is p50 / p99 as the client saw it and as the server spent it (Server-Timing: head + app)."""
    open_windows(url, sessions, windows)
    warm_up(url, floor_url, kiosk, sessions[1])
    if mode == "together":
        records = lean_client.run(realistic_plan(url, floor_url, kiosk, sessions, windows, rate, procs, lockstep),
                                  seconds)
    else:
        records = lean_client.run(realistic_plan(url, None, kiosk, sessions, windows, rate, procs, lockstep),
                                  seconds)
        records += lean_client.run([[("issuer", floor_url, kiosk, rate, "floor")]], seconds)
    calls = stats(records, "call-next")
    called = stats(records, "call-next", 200)
    issued, floor = stats(records, "issue"), stats(records, "floor")
    print(f"2. call    {windows} windows serving 5-15 s, {rate:.0f} tickets/s for {seconds:.0f} s, load from "
          f"{procs + 1 + (mode == 'together')} processes, floor {mode}{', lockstep' if lockstep else ''} "
          f"(load average {os.getloadavg()[0]:.1f}), p50 / p99:\n"
          f"   ours call-next        {ms3(calls)}\n"
          f"     server spans        {spans(calls)}\n"
          f"     of which a ticket   {ms3(called)}\n"
          f"       server spans      {spans(called)}\n"
          f"     of which none (204) {ms3(stats(records, 'call-next', 204))}\n"
          f"   ours start / finish   {ms3(stats(records, 'start'))} / {ms3(stats(records, 'finish'))}\n"
          f"   ours POST /tickets    {ms3(issued)}\n"
          f"     server spans        {spans(issued)}\n"
          f"   floor POST /tickets   {ms3(floor)}\n"
          f"     server spans        {spans(floor)} (its COMMIT runs on the event loop: in cpu or app)")


def warm_up(url: str, floor_url: str, kiosk: str, session: str) -> None:
    """A few untimed requests of each kind first, so that no first-of-its-kind request lands in a p99 of ~90."""
    k, w = HallClient(url, kiosk), HallClient(url, session)
    for _ in range(3):
        k.take_number("commerce")
        t = w.call_next(1)
        w.window_action(1, "start", ticket_id=t["id"])
        w.window_action(1, "finish", ticket_id=t["id"])
        HallClient(floor_url, kiosk).take_number("commerce")


def open_windows(url: str, sessions: dict[int, str], windows: int) -> None:
    """Sign each window's staff member on (again: a window already open by them stays open)."""
    for no in range(1, windows + 1):
        HallClient(url, sessions[no]).open_window(no)


def phase_realistic_threads(url: str, floor_url: str, kiosk: str, sessions: dict[int, str], windows: int,
                            rate: float, seconds: float) -> None:
    """The former phase 2: every window and both kiosks as threads of this one process (requests.Session, one
    GIL), all windows started together; client-side times only. Kept to compare with the lean client."""
    call_lat: list[float] = []
    issue_lat: list[float] = []
    floor_lat: list[float] = []
    stop = threading.Event()

    def window(no: int) -> None:
        rng = random.Random(no)
        c = HallClient(url, sessions[no], timeout=30)
        while not stop.is_set():
            t0 = time.perf_counter()
            t = c.call_next(no)
            call_lat.append(time.perf_counter() - t0)
            if t is None:
                stop.wait(0.5)
                continue
            c.window_action(no, "start", ticket_id=t["id"])
            stop.wait(rng.uniform(5, 15))
            c.window_action(no, "finish", ticket_id=t["id"])

    def issuer(target: str, latencies: list[float]) -> None:
        c = HallClient(target, kiosk, timeout=30)
        i = 0
        start = time.perf_counter()
        while not stop.is_set():
            t0 = time.perf_counter()
            c.take_number(FRONT_ZONES[i % len(FRONT_ZONES)])
            latencies.append(time.perf_counter() - t0)
            i += 1
            stop.wait(max(0.0, start + i / rate - time.perf_counter()))

    open_windows(url, sessions, windows)
    threads = [threading.Thread(target=window, args=(no,)) for no in range(1, windows + 1)]
    threads.append(threading.Thread(target=issuer, args=(url, issue_lat)))
    threads.append(threading.Thread(target=issuer, args=(floor_url, floor_lat)))
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    print(f"2. call    (one process, requests, threads) {windows} windows serving 5-15 s, {rate:.0f} tickets/s for "
          f"{seconds:.0f} s (load average {os.getloadavg()[0]:.1f}): call-next {ms(call_lat)} ({len(call_lat)} "
          f"calls)   POST /tickets {ms(issue_lat)}\n"
          f"          at the same time, the floor's POST /tickets {ms(floor_lat)}")


def phase_queue_length(url: str, floor_url: str, kiosk: str, session: str, levels: tuple[int, ...]) -> None:
    """Window 1 (open, serving commerce first) and one kiosk, with `level` tickets waiting."""
    print("3. queue length: one kiosk takes 100 numbers, window 1 calls/starts/finishes 100 times (one client each)")
    c = HallClient(url, session, timeout=30)
    c.open_window(1)  # each phase opens what it needs (open already by the same staff member: stays open)
    for level in levels:
        waiting = sum(z["waiting"] for z in HallClient(url).board()["zones"])
        if level > waiting:
            phase_issue(url, kiosk, 50, level - waiting, quiet=True)
        waiting = sum(z["waiting"] for z in HallClient(url).board()["zones"])
        k = HallClient(url, kiosk, timeout=30)
        issue_lat, call_lat = [], []
        for _ in range(100):  # window 1's home zone, so that each of its calls below finds one
            t0 = time.perf_counter()
            k.take_number("commerce")
            issue_lat.append(time.perf_counter() - t0)
        for _ in range(100):
            t0 = time.perf_counter()
            t = c.call_next(1)
            call_lat.append(time.perf_counter() - t0)
            c.window_action(1, "start", ticket_id=t["id"])
            c.window_action(1, "finish", ticket_id=t["id"])
        _, floor_lat = phase_issue(floor_url, kiosk, 1, 100, quiet=True)
        print(f"   {waiting:6d} waiting: POST /tickets {ms(issue_lat)}   call-next {ms(call_lat)}   "
              f"(floor POST now {ms(floor_lat)})")


def phase_in_process(db: Path, levels: tuple[int, ...]) -> None:
    """The server's own work per operation, without HTTP and without the disk (synchronous=OFF on a scratch
    file): what the writer holds its lock for, and whether it grows with the queue."""
    print("6. in process, no fsync: issue_ticket, call_next (+ start, finish), board, per call")
    hall = Hall(config=load_config(), db_path=db)
    hall.store.conn.execute("PRAGMA synchronous=OFF")
    staff = Principal("staff", "bench")
    window_ops.open_window(hall, 1, staff)
    issued = 0
    for level in levels:
        while issued < level:
            ticket_ops.issue_ticket(hall, zone=FRONT_ZONES[issued % len(FRONT_ZONES)], actor=("kiosk", "bench"))
            issued += 1
        issue, call, read = [], [], []
        for _ in range(200):
            t0 = time.perf_counter()
            ticket_ops.issue_ticket(hall, zone="commerce", actor=("kiosk", "bench"))
            issue.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            window_ops.call_next(hall, 1, staff)
            call.append(time.perf_counter() - t0)
            window_ops.ticket_action(hall, 1, "start", staff, {})
            window_ops.ticket_action(hall, 1, "finish", staff, {})
            t0 = time.perf_counter()
            live.board(hall)
            read.append(time.perf_counter() - t0)
        print(f"   {level:6d} waiting: issue {ms(issue)}   call-next {ms(call)}   board {ms(read)}")
    hall.close()


def phase_call(url: str, kiosk: str, sessions: dict[int, str], windows: int, kiosks: int, seconds: float) -> None:
    call_lat: list[float] = []
    issue_lat: list[float] = []
    stop = threading.Event()

    def window(no: int) -> None:
        c = HallClient(url, sessions[no], timeout=30)
        while not stop.is_set():
            t0 = time.perf_counter()
            t = c.call_next(no)
            call_lat.append(time.perf_counter() - t0)
            if t is None:
                time.sleep(0.05)
                continue
            c.window_action(no, "start", ticket_id=t["id"])
            c.window_action(no, "finish", ticket_id=t["id"])

    def issuer(k: int) -> None:
        c = HallClient(url, kiosk, timeout=30)
        i = 0
        while not stop.is_set():
            t0 = time.perf_counter()
            c.take_number(FRONT_ZONES[(k + i) % len(FRONT_ZONES)])
            issue_lat.append(time.perf_counter() - t0)
            i += 1

    for no in range(1, windows + 1):
        HallClient(url, sessions[no]).open_window(no)
    threads = [threading.Thread(target=window, args=(no,)) for no in range(1, windows + 1)]
    threads += [threading.Thread(target=issuer, args=(k,)) for k in range(kiosks)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    print(f"4. call    {windows} windows + {kiosks} kiosks for {seconds:.0f} s: {len(call_lat) / seconds:5.0f} "
          f"call-next/s   call-next {ms(call_lat)}   POST /tickets {ms(issue_lat)}")


def phase_fanout(url: str, kiosk: str, session: str, subscribers: int, calls: int) -> None:
    """One window (no 1) calls `calls` times; every subscriber times each `called` event."""
    received: list[dict[str, float]] = [{} for _ in range(subscribers)]
    ready = threading.Barrier(subscribers + 1, timeout=120)
    HallClient(url, session).open_window(1)
    # Tickets for window 1's home zone so each call finds one.
    k = HallClient(url, kiosk)
    for _ in range(calls):
        k.take_number("commerce")
    first_id = HallClient(url).board()["last_event_id"]

    def subscribe(i: int) -> None:
        c = HallClient(url, timeout=60)
        stream = c.events(first_id - 1, read_timeout=120)  # the last ticket's `issued` proves the connection
        next(stream)
        ready.wait()
        for ev in stream:
            if ev.kind == "called":  # an anonymous subscriber: public fields only, the ticket by its number
                received[i][ev.data["ticket"]["number"]] = time.perf_counter()
                if len(received[i]) == calls:
                    return

    threads = [threading.Thread(target=subscribe, args=(i,), daemon=True) for i in range(subscribers)]
    for t in threads:
        t.start()
    ready.wait()
    c = HallClient(url, session, timeout=30)
    sent: dict[str, float] = {}
    for _ in range(calls):
        t0 = time.perf_counter()
        t = c.call_next(1)
        sent[t["number"]] = t0
        c.window_action(1, "start", ticket_id=t["id"])
        c.window_action(1, "finish", ticket_id=t["id"])
        time.sleep(0.1)
    for t in threads:
        t.join(60)
    each = [got[tid] - t0 for got in received for tid, t0 in sent.items() if tid in got]
    last = [max(got[tid] for got in received if tid in got) - t0 for tid, t0 in sent.items()]
    complete = sum(len(got) == calls for got in received)
    print(f"5. fan-out {subscribers} subscribers ({complete} got all {calls} calls): "
          f"call → event {ms(each)}   call → last subscriber {ms(last)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tickets", type=int, default=2000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--windows", type=int, default=40)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--subscribers", type=int, default=200)
    ap.add_argument("--calls", type=int, default=100)
    ap.add_argument("--rate", type=float, default=3, help="tickets a second in the realistic phase")
    ap.add_argument("--realistic-seconds", type=float, default=30)
    ap.add_argument("--client", choices=("lean", "threads"), default="lean",
                    help="phase 2's load: lean clients in processes of their own, or the former threads of this one")
    ap.add_argument("--client-procs", type=int, default=4, help="processes the windows are spread over (lean)")
    ap.add_argument("--floor", choices=("together", "alternate"), default="together",
                    help="phase 2: the floor's kiosk at the same time as ours, or right after")
    ap.add_argument("--lockstep", action="store_true", help="phase 2: all windows start (and poll) together")
    ap.add_argument("--levels", default="0,200,2000,10000", help="waiting tickets for phase 3")
    ap.add_argument("--phases", default="1,2,3,4,5,6", help="which phases to run, e.g. 2 for the realistic hall")
    args = ap.parse_args()
    phases = {int(p) for p in args.phases.split(",")}
    folder = Path(tempfile.mkdtemp(prefix="hall-bench-"))
    try:
        threads = max(args.clients, args.subscribers) + args.windows + 60
        db, floor_db, db2 = folder / "hall.db", folder / "floor.db", folder / "hall2.db"
        levels = tuple(int(x) for x in args.levels.split(","))
        with FloorProcess(floor_db, threads=threads) as floor:
            if 1 in phases:
                sessions, kiosk = seed(db, args.windows)
                with ServerProcess(db, threads=threads) as proc:
                    print(f"servers: ours {proc.url}, floor {floor.url}, files in {folder}")
                    phase_versus_floor(proc.url, floor.url, kiosk)
            sessions2, kiosk2 = seed(db2, args.windows)
            # Phase 5's subscribers all come from 127.0.0.1: allow them past the per-address stream limit.
            with ServerProcess(db2, threads=threads,
                               args=("--max-streams-per-client", str(args.subscribers + 10))) as proc2:
                print(f"servers: ours {proc2.url}, floor {floor.url}, files in {folder}")
                if 2 in phases and args.client == "threads":
                    phase_realistic_threads(proc2.url, floor.url, kiosk2, sessions2, args.windows, args.rate,
                                            args.realistic_seconds)
                elif 2 in phases:
                    phase_realistic(proc2.url, floor.url, kiosk2, sessions2, args.windows, args.rate,
                                    args.realistic_seconds, args.client_procs, args.floor, args.lockstep)
                if 3 in phases:
                    phase_queue_length(proc2.url, floor.url, kiosk2, sessions2[1], levels)
                if 4 in phases:
                    phase_call(proc2.url, kiosk2, sessions2, args.windows, args.clients - args.windows, args.seconds)
                if 5 in phases:
                    phase_fanout(proc2.url, kiosk2, sessions2[1], args.subscribers, args.calls)
        if 6 in phases:
            phase_in_process(folder / "hall3.db", levels)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
