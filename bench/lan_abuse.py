"""The queue server against what a stranger on the hall's LAN can hold open, on loopback only.

    .venv/bin/python bench/lan_abuse.py                          # defaults below (about 3 minutes)
    .venv/bin/python bench/lan_abuse.py --streams 1000 5000 --slowloris 1000 --samples 100

A real `hall server` (gevent, default limits) on 127.0.0.1 with a fresh SQLite file. For each case
— nothing open, N idle anonymous event streams (20 per client address, the default limit, so from
N/20 addresses 127.0.x.y), and N slowloris clients (one header byte every 5 s each, reconnecting
when cut, as an attacker would) — it measures POST /api/v1/tickets and call-next p50/p99 (one
client, one request after the other); the server's resident memory, OS threads and CPU seconds while
measuring; and the same of its stream relay, the child process that holds anonymous event streams
(`--no-relay` runs the server with SSE_RELAY 0: every stream in the server process). Prints figures,
asserts nothing; the client sockets, the bench and the server share the machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hall_client.client import HallClient  # noqa: E402
from queue_server.hall import Hall  # noqa: E402
from queue_server.hall_config import load_config  # noqa: E402
from queue_server.ops import accounts  # noqa: E402
from queue_server.ops.stats import percentile  # noqa: E402
from queue_server.testing.raw_clients import connect, loopback_address, open_stream, status_of  # noqa: E402
from queue_server.testing.server_process import ServerProcess  # noqa: E402

PER_ADDRESS = 20  # the server's default SSE_MAX_STREAMS_PER_CLIENT
SLOWLORIS_HEAD = b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"".join(
    f"X-Slow-{i}: {'y' * 40}\r\n".encode() for i in range(40))  # 2 KB: 3 hours at a byte every 5 s
SLOWLORIS_PERIOD_S = 5.0
CASE_LIMIT_S = 120.0  # a case that has not finished its samples by then stops and says so


def ms(values: list[float]) -> str:
    if not values:
        return "no answer"
    return f"p50 {percentile(values, 50) * 1000:7.1f} ms  p99 {percentile(values, 99) * 1000:7.1f} ms"


def seed(db: Path) -> tuple[str, str]:
    hall = Hall(config=load_config(), db_path=db)
    accounts.add_user(hall, "bench", "bench-window-pw", "staff")
    session = accounts.login(hall, "bench", "bench-window-pw")["token"]
    kiosk = accounts.add_device(hall, "kiosk-bench", "kiosk")
    hall.close()
    return session, kiosk


def process_status(pid: int) -> dict[str, str]:
    return dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)


def relay_of(pid: int) -> int | None:
    """The stream relay: the server's child process (none with SSE_RELAY 0, or on a branch without it)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return None
    return int(children[0]) if children else None


def cpu_s(pid: int | None) -> float:
    """User + system CPU seconds the process has used."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_figures(pid: int, cpu_before: tuple[float, float]) -> str:
    """RSS and threads now; CPU seconds used since `cpu_before` (server, relay)."""
    status = process_status(pid)
    rss_mb = int(status["VmRSS"].split()[0]) / 1024
    relay = relay_of(pid)
    out = f"server RSS {rss_mb:6.1f} MB, {int(status['Threads']):3d} threads, CPU {cpu_s(pid) - cpu_before[0]:5.2f} s"
    if relay is not None:
        try:
            rss = int(process_status(relay)["VmRSS"].split()[0]) / 1024
        except OSError:
            return out
        out += f" | relay RSS {rss:6.1f} MB, CPU {cpu_s(relay) - cpu_before[1]:5.2f} s"
    return out


def measure(url: str, kiosk: str, session: str, samples: int) -> tuple[list[float], list[float], int]:
    """Ticket POST and call-next latencies (seconds); and how many requests got no answer in time."""
    k = HallClient(url, kiosk, timeout=30)
    w = HallClient(url, session, timeout=30)
    posts: list[float] = []
    calls: list[float] = []
    failed = 0
    deadline = time.monotonic() + CASE_LIMIT_S
    for _ in range(samples):
        if time.monotonic() > deadline:
            break
        t0 = time.perf_counter()
        try:
            k.take_number("commerce")
            posts.append(time.perf_counter() - t0)
        except Exception:  # a figure, not a crash: count it
            failed += 1
    for _ in range(samples):
        if time.monotonic() > deadline:
            break
        t0 = time.perf_counter()
        try:
            t = w.call_next(1)
            calls.append(time.perf_counter() - t0)
            if t:
                w.window_action(1, "start", ticket_id=t["id"])
                w.window_action(1, "finish", ticket_id=t["id"])
        except Exception:
            failed += 1
    return posts, calls, failed


def still_open(streams: list[socket.socket]) -> int:
    """How many of these streams the server has not dropped (TCP state ESTABLISHED, seen without reading)."""
    return sum(1 for s in streams if s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0] == 1)


def open_streams(port: int, n: int) -> tuple[list[socket.socket], int]:
    streams, refused = [], 0
    for i in range(n):
        try:
            s, got = open_stream(port, loopback_address(i // PER_ADDRESS), timeout=30)
        except OSError:
            refused += 1
            continue
        if status_of(got) == 200:
            streams.append(s)
        else:
            refused += 1
            s.close()
    return streams, refused


class Slowloris:
    """n connections each sending one more header byte every few seconds; reconnecting when cut."""

    def __init__(self, port: int, n: int):
        self.port = port
        self.sockets: list[tuple[socket.socket, int]] = []
        self.cut = 0
        self._stop = threading.Event()
        for i in range(n):
            self.sockets.append((self._connect(i), 0))
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _connect(self, i: int) -> socket.socket:
        s = connect(self.port, loopback_address(i // PER_ADDRESS), timeout=5)
        s.setblocking(False)
        return s

    def _run(self) -> None:
        while not self._stop.wait(SLOWLORIS_PERIOD_S):
            for i, (s, sent) in enumerate(self.sockets):
                try:
                    s.send(SLOWLORIS_HEAD[sent:sent + 1])
                    self.sockets[i] = (s, sent + 1)
                    if s.recv(1, socket.MSG_PEEK) in (b"", b"H"):  # the server's 408, or closed
                        raise ConnectionError
                except BlockingIOError:
                    pass
                except OSError:
                    s.close()
                    self.cut += 1
                    try:
                        self.sockets[i] = (self._connect(i), 0)
                    except OSError:
                        pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(SLOWLORIS_PERIOD_S * 4)
        for s, _ in self.sockets:
            s.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--streams", type=int, nargs="*", default=[1000, 5000])
    ap.add_argument("--slowloris", type=int, default=1000)
    ap.add_argument("--samples", type=int, default=100)
    ap.add_argument("--no-relay", action="store_true", help="every event stream in the server process (SSE_RELAY 0)")
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # thousands of client sockets
    tmp = Path(tempfile.mkdtemp(prefix="hall-bench-abuse-"))
    try:
        db = tmp / "hall.db"
        session, kiosk = seed(db)
        with ServerProcess(db, env={"HALL_SSE_RELAY": "0"} if args.no_relay else None) as proc:
            HallClient(proc.url, session).open_window(1)
            pid = proc.proc.pid
            print(f"gevent server, default limits; {args.samples} ticket POSTs then {args.samples} call-nexts per case")

            def report(label: str, extra: str = "") -> None:
                cpu = cpu_s(pid), cpu_s(relay_of(pid))
                posts, calls, failed = measure(proc.url, kiosk, session, args.samples)
                print(f"{label:<26} POST /tickets {ms(posts)} | call-next {ms(calls)} | {server_figures(pid, cpu)}"
                      f"{' | ' + str(failed) + ' without answer' if failed else ''}{extra}", flush=True)

            report("no open connections")
            for n in args.streams:
                t0 = time.monotonic()
                streams, refused = open_streams(proc.port, n)
                opened = time.monotonic() - t0
                report(f"{len(streams)} open streams",
                       f" | opened in {opened:.1f} s from {-(-n // PER_ADDRESS)} addresses"
                       f"{', ' + str(refused) + ' refused' if refused else ''}")
                # The clients never read: the server drops a stream once its send buffer is full (deadlines.py).
                print(f"{'':<26} streams the server had not dropped at the end of the case: {still_open(streams)}",
                      flush=True)
                for s in streams:
                    s.close()
            swarm = Slowloris(proc.port, args.slowloris)
            time.sleep(SLOWLORIS_PERIOD_S * 5)  # past the head deadline: the first ones were cut and came back
            report(f"{args.slowloris} slowloris clients")
            swarm.close()
            print(f"slowloris connections cut by the head deadline and reopened: {swarm.cut}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
