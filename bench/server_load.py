"""Queue server under load: tickets per second, call-next latency, and call → SSE fan-out to 200 boards.

    .venv/bin/python bench/server_load.py                 # defaults below
    .venv/bin/python bench/server_load.py --tickets 4000 --subscribers 300

A real server (`hall server`, cheroot, subprocess) on 127.0.0.1 with a fresh SQLite file (WAL,
synchronous=FULL: every acknowledged write is on disk). Three phases:
  0. one kiosk alone takes 200 numbers (latency without contention);
  1. issue: 50 kiosk clients take numbers as fast as they can → tickets/s, POST latency p50/p99;
  2. call: 40 windows call next / start / finish while 10 kiosks keep issuing (50 clients at once)
     → call-next latency p50/p99 and calls/s;
  3. fan-out: 200 clients hold the event stream open; one window calls 100 times, 100 ms apart →
     time from sending call-next to the `called` event at each subscriber (p50/p99 over all
     subscriber × call pairs) and to the last of the 200 (p50/p99 over calls).
Everything runs on one machine, so the client threads compete with the server for the CPU: the
figures are an upper bound on what a hall's dedicated server would show.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hall_client.client import HallClient  # noqa: E402
from queue_server.hall import Hall  # noqa: E402
from queue_server.hall_config import load_config  # noqa: E402
from queue_server.ops import accounts  # noqa: E402
from queue_server.ops.stats import percentile  # noqa: E402  (nearest rank, as the server's statistics)
from queue_server.testing.server_process import ServerProcess  # noqa: E402

FRONT_ZONES = ["commerce", "public", "economy", "social", "construction", "special"]


def ms(values: list[float]) -> str:
    return f"p50 {percentile(values, 50) * 1000:7.1f} ms   p99 {percentile(values, 99) * 1000:7.1f} ms"


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


def phase_issue(url: str, kiosk: str, clients: int, tickets: int, label: str = "1. issue  ") -> None:
    latencies: list[float] = []
    per_client = tickets // clients

    def work(k: int) -> None:
        c = HallClient(url, kiosk, timeout=30)
        for i in range(per_client):
            t0 = time.perf_counter()
            c.take_number(FRONT_ZONES[(k + i) % len(FRONT_ZONES)])
            latencies.append(time.perf_counter() - t0)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(work, range(clients)))
    elapsed = time.perf_counter() - t0
    waiting = sum(z["waiting"] for z in HallClient(url).board()["zones"])
    print(f"{label} {clients} clients, {len(latencies)} tickets in {elapsed:5.1f} s: "
          f"{len(latencies) / elapsed:6.0f} tickets/s   POST /tickets {ms(latencies)}   ({waiting} now waiting)")


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
    print(f"2. call    {windows} windows + {kiosks} kiosks for {seconds:.0f} s: {len(call_lat) / seconds:5.0f} "
          f"call-next/s   call-next {ms(call_lat)}   POST /tickets {ms(issue_lat)}")


def phase_fanout(url: str, kiosk: str, session: str, subscribers: int, calls: int) -> None:
    """One window (no 1, already open) calls `calls` times; every subscriber times each `called` event."""
    received: list[dict[int, float]] = [{} for _ in range(subscribers)]
    ready = threading.Barrier(subscribers + 1, timeout=120)
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
            if ev.kind == "called":
                received[i][ev.data["ticket"]["id"]] = time.perf_counter()
                if len(received[i]) == calls:
                    return

    threads = [threading.Thread(target=subscribe, args=(i,), daemon=True) for i in range(subscribers)]
    for t in threads:
        t.start()
    ready.wait()
    c = HallClient(url, session, timeout=30)
    sent: dict[int, float] = {}
    for _ in range(calls):
        t0 = time.perf_counter()
        t = c.call_next(1)
        sent[t["id"]] = t0
        c.window_action(1, "start", ticket_id=t["id"])
        c.window_action(1, "finish", ticket_id=t["id"])
        time.sleep(0.1)
    for t in threads:
        t.join(60)
    each = [got[tid] - t0 for got in received for tid, t0 in sent.items() if tid in got]
    last = [max(got[tid] for got in received if tid in got) - t0 for tid, t0 in sent.items()]
    complete = sum(len(got) == calls for got in received)
    print(f"3. fan-out {subscribers} subscribers ({complete} got all {calls} calls): "
          f"call → event {ms(each)}   call → last subscriber {ms(last)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tickets", type=int, default=2000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--windows", type=int, default=40)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--subscribers", type=int, default=200)
    ap.add_argument("--calls", type=int, default=100)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="hall-bench-"))
    try:
        db = folder / "hall.db"
        sessions, kiosk = seed(db, args.windows)
        threads = max(args.clients, args.subscribers) + args.windows + 60
        with ServerProcess(db, threads=threads) as proc:
            print(f"server: {proc.url}, {threads} threads, database {db}")
            phase_issue(proc.url, kiosk, 1, 200, label="0. alone  ")
            phase_issue(proc.url, kiosk, args.clients, args.tickets)
            phase_call(proc.url, kiosk, sessions, args.windows, args.clients - args.windows, args.seconds)
            phase_fanout(proc.url, kiosk, sessions[1], args.subscribers, args.calls)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
