"""A lean load client for bench/server_load.py: http.client with keep-alive, in processes of its own.

One Python process driving 40 windows and the kiosks through requests.Session puts every request behind one
GIL and ~0.5 ms of requests' own work, and that time is counted against the server. Here each process holds
a few windows (threads) with one kept-alive HTTP connection each, and every request records what the client
saw and what the server said it spent (`Server-Timing`: head, app).

Records are tuples (what, status, client_ms, timing), what being "call-next", "start", "finish" or the name
given to an issuer ("issue", "floor"), timing the server's Server-Timing header as {name: ms} ("head", "app",
and within app the store's "lock" and "commit"; empty when the server sent none).
"""

from __future__ import annotations

import http.client
import json
import multiprocessing as mp
import random
import threading
import time
from urllib.parse import urlsplit

from queue_server.serving.server_timing import HEADER, parse

ZONES = ["commerce", "public", "economy", "social", "construction", "special"]
Record = tuple[str, int, float, dict[str, float]]


class Lean:
    """One kept-alive connection; `call` sends a JSON request and times it."""

    def __init__(self, url: str, token: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def call(self, what: str, path: str, body: dict, out: list[Record]) -> dict | None:
        data = json.dumps(body).encode()
        for attempt in (1, 2):  # a kept-alive connection the server closed: reconnect once
            t0 = time.perf_counter()
            try:
                self.conn.request("POST", path, data, self.headers)
                r = self.conn.getresponse()
                raw = r.read()
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                if attempt == 2:
                    raise
                continue
            client_ms = (time.perf_counter() - t0) * 1000
            out.append((what, r.status, client_ms, parse(r.getheader(HEADER) or "")))
            if r.status >= 400:
                raise RuntimeError(f"{what}: HTTP {r.status} {raw[:300]!r}")
            return json.loads(raw) if raw else None
        return None


def _window(url: str, no: int, token: str, serve_s: tuple[float, float], idle_s: float, offset_s: float,
            begin: float, stop: threading.Event, out: list[Record]) -> None:
    """From begin + offset_s: call next; serve the citizen 5-15 s (start, wait, finish); when nobody waits, try
    again after idle_s."""
    rng = random.Random(no)
    c = Lean(url, token)
    base = f"/api/v1/windows/{no}"
    stop.wait(max(0.0, begin + offset_s - time.time()))
    while not stop.is_set():
        t = c.call("call-next", base + "/call-next", {}, out)
        if t is None:
            stop.wait(idle_s)
            continue
        c.call("start", base + "/start", {"ticket_id": t["id"]}, out)
        # At the end every window still serving finishes at once: not timed (no hall does that), but done, so
        # the window is free for the phases after.
        stopped = stop.wait(rng.uniform(*serve_s))
        c.call("finish", base + "/finish", {"ticket_id": t["id"]}, [] if stopped else out)


def _issuer(url: str, token: str, rate: float, what: str, begin: float, stop: threading.Event,
            out: list[Record]) -> None:
    """Take `rate` numbers a second, on a fixed schedule (a late one does not push the next ones back); the
    records are named `what`."""
    c = Lean(url, token)
    i = 0
    stop.wait(max(0.0, begin - time.time()))
    start = time.perf_counter()
    while not stop.is_set():
        c.call(what, "/api/v1/tickets", {"zone": ZONES[i % len(ZONES)]}, out)
        i += 1
        stop.wait(max(0.0, start + i / rate - time.perf_counter()))


def _process(jobs: list[tuple], begin: float, seconds: float, results: mp.Queue) -> None:
    """Run this process's windows and issuers as threads from `begin` for `seconds`; put their records."""
    out: list[Record] = []
    stop = threading.Event()
    threads = []
    for job in jobs:
        target = _window if job[0] == "window" else _issuer
        threads.append(threading.Thread(target=target, args=(*job[1:], begin, stop, out)))
    for t in threads:
        t.start()
    time.sleep(max(0.0, begin + seconds - time.time()))
    stop.set()
    for t in threads:
        t.join()
    results.put(out)


def run(plan: list[list[tuple]], seconds: float, start_in: float = 3.0) -> list[Record]:
    """Run each list of jobs in a process of its own, all from the same moment; every process's records.

    Jobs: ("window", url, no, token, (lo_s, hi_s), idle_s, offset_s) or ("issuer", url, token, rate, what)."""
    ctx = mp.get_context("spawn")
    results: mp.Queue = ctx.Queue()
    begin = time.time() + start_in  # the processes start (import) before then
    procs = [ctx.Process(target=_process, args=(jobs, begin, seconds, results), daemon=True) for jobs in plan]
    for p in procs:
        p.start()
    records: list[Record] = []
    for _ in procs:
        records += results.get(timeout=seconds + start_in + 120)
    for p in procs:
        p.join(30)
    return records
