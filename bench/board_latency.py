"""Latency from call-next returning to the call showing on the boards, with 40 windows calling.

    .venv/bin/python bench/board_latency.py               # the full minute
    .venv/bin/python bench/board_latency.py --seconds 15  # shorter

A real server (subprocess, fresh SQLite file) with 40 staff signed on at windows 1..40; each
window calls the next ticket, serves it for a random 3-9 s (start, finish) and calls again, for
the whole run. Measured per call, from the moment call-next returned to the caller:
  (a) the `called` event arriving at a board's client (HallClient.events),
  (b) the Kivy wall board (display/app.py, own process under Xvfb) setting the number on a label,
  (c) the web board (/board in headless Chromium) putting the number into the DOM.
All on one machine, so time.time() / Date.now() share a clock. Negative values mean the event
reached the board before the HTTP answer reached the caller (the server publishes on commit).
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from display.testing.driver_client import BoardDriver  # noqa: E402
from hall_client.client import ApiError, HallClient  # noqa: E402
from queue_server.hall import Hall  # noqa: E402
from queue_server.hall_config import load_config  # noqa: E402
from queue_server.ops import accounts  # noqa: E402
from queue_server.ops.stats import percentile  # noqa: E402  (nearest rank, as the server's statistics)
from queue_server.testing.server_process import ServerProcess  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]



def seed(db: Path, windows: int) -> tuple[dict[str, str], str]:
    hall = Hall(config=load_config(), db_path=db)
    staff = {f"staff{i}": f"pass-{i}-word" for i in range(1, windows + 1)}
    for name, password in staff.items():
        accounts.add_user(hall, name, password, "staff")
    kiosk = accounts.add_device(hall, "kiosk-01", "kiosk")
    hall.close()
    return staff, kiosk


def start_xvfb() -> subprocess.Popen | None:
    if os.environ.get("DISPLAY"):
        return None
    if not shutil.which("Xvfb"):
        raise SystemExit("Xvfb is missing (Debian package xvfb); or run with --no-kivy")
    n = next(n for n in range(150, 200) if not os.path.exists(f"/tmp/.X11-unix/X{n}"))
    proc = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if os.path.exists(f"/tmp/.X11-unix/X{n}"):
            break
        time.sleep(0.05)
    os.environ["DISPLAY"] = f":{n}"
    return proc


def issue_tickets(url: str, token: str, zones: list[str], count: int) -> None:
    kiosk = HallClient(url, token)
    for i in range(count):
        kiosk.take_number(zones[i % len(zones)])


class EventWatcher(threading.Thread):
    """(a): a board's client on the event stream; first arrival time of each called number."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.client = HallClient(url)
        self.seen: dict[str, float] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        last = self.client.board()["last_event_id"]
        while not self.stop.is_set():
            try:
                for ev in self.client.events(last, read_timeout=30):
                    last = ev.id
                    if ev.kind == "called":
                        self.seen.setdefault(ev.data["ticket"]["number"], time.time())
                    if self.stop.is_set():
                        return
            except ApiError:
                time.sleep(0.2)


def sign_on(url: str, window: int, user: str, password: str) -> HallClient:
    staff = HallClient(url, timeout=30)
    staff.login(user, password)
    staff.open_window(window)
    return staff


def window_loop(staff: HallClient, window: int, until: float, calls: list, errors: list,
                service: tuple[float, float]) -> None:
    rnd = random.Random(window)
    time.sleep(rnd.uniform(0, service[1]))  # windows do not all start on the same tick
    while time.time() < until:
        try:
            ticket = staff.call_next(window)
            returned = time.time()
            if ticket is None:
                time.sleep(1)
                continue
            calls.append((ticket["number"], returned, window))
            time.sleep(rnd.uniform(*service))
            staff.window_action(window, "start")
            staff.window_action(window, "finish")
        except ApiError as e:
            errors.append(f"window {window}: {e.code} {e.message}")
            time.sleep(1)


def report(name: str, calls: list[tuple[str, float, int]], seen: dict[str, float]) -> None:
    lat = [(seen[n] - t) * 1000 for n, t, _ in calls if n in seen]
    missing = sum(1 for n, _, _ in calls if n not in seen)
    if not lat:
        print(f"{name:<34} no calls seen ({missing} missing)")
        return
    print(f"{name:<34} n={len(lat):>4}  p50={percentile(lat, 50):7.1f} ms  p99={percentile(lat, 99):7.1f} ms"
          f"  max={max(lat):7.1f} ms  min={min(lat):6.1f} ms  missing={missing}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0, help="how long the windows keep calling (default 60)")
    ap.add_argument("--windows", type=int, default=40)
    ap.add_argument("--service", type=float, nargs=2, default=(3.0, 9.0), metavar=("MIN", "MAX"),
                    help="seconds a window serves a ticket before calling the next (uniform)")
    ap.add_argument("--kivy-notice", choices=["scroll", "page"], default="scroll",
                    help="the Kivy board's notice line (scrolling redraws every frame)")
    ap.add_argument("--no-kivy", action="store_true", help="skip the Kivy board")
    ap.add_argument("--no-web", action="store_true", help="skip the web board")
    args = ap.parse_args()

    cfg = load_config()
    windows = [w for w in cfg.windows if w.number <= args.windows][: args.windows]
    tmp = Path(tempfile.mkdtemp(prefix="board-bench-"))
    xvfb = None if args.no_kivy else start_xvfb()
    staff, kiosk_token = seed(tmp / "hall.db", len(windows))
    expected = int(len(windows) * args.seconds / (sum(args.service) / 2) * 1.3) + len(windows) * 2
    homes = [w.zones[0] for w in windows]
    board = page = pw = browser = None
    with ServerProcess(tmp / "hall.db") as server:
        t0 = time.time()
        issue_tickets(server.url, kiosk_token, homes, expected)
        print(f"{len(windows)} windows, {args.seconds:.0f} s, {expected} tickets issued in {time.time() - t0:.1f} s")
        watcher = EventWatcher(server.url)
        watcher.start()
        if not args.no_kivy:
            board = BoardDriver(server.url, "--notice", args.kivy_notice)
            board.wait(online=True)
        if not args.no_web:
            from playwright.sync_api import sync_playwright

            pw = sync_playwright().start()
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(server.url + "/board")
            page.wait_for_selector("body[data-online='1']")
        with ThreadPoolExecutor(8) as pool:  # sign-on first: password hashing is slow on purpose
            clients = list(pool.map(lambda iw: sign_on(server.url, iw[1].number, f"staff{iw[0] + 1}",
                                                       staff[f"staff{iw[0] + 1}"]), enumerate(windows)))
        calls: list[tuple[str, float, int]] = []
        errors: list[str] = []
        until = time.time() + args.seconds
        threads = [threading.Thread(target=window_loop, daemon=True,
                                    args=(client, w.number, until, calls, errors, tuple(args.service)))
                   for client, w in zip(clients, windows, strict=True)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        time.sleep(3)  # let the last calls arrive
        watcher.stop.set()
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"{len(calls)} calls ({len(calls) / args.seconds:.1f}/s), {len(errors)} errors"
              + (f": {errors[:3]}" if errors else ""))
        report("(a) event at a board's client", calls, watcher.seen)
        if board is not None:
            answer = board.send("seen")
            report(f"(b) Kivy board widget ({args.kivy_notice})", calls, answer["seen"])
            print(f"    (Kivy board frame rate at the end: {answer['fps']} fps)")
            board.close()
        if page is not None:
            shown = page.evaluate("window.boardShown")
            report("(c) web board DOM shows it", calls, {n: ms / 1000 for n, ms in shown.items()})
            browser.close()
            pw.stop()
    if xvfb is not None:
        xvfb.terminate()
        xvfb.wait()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
