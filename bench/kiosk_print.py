"""Kiosk benchmark: "take a number" tap → last ticket byte at the printer, and cold start.

    .venv/bin/python bench/kiosk_print.py [--tickets 100] [--starts 3]

Runs the real kiosk app (under Xvfb, started here if there is no DISPLAY) against a real server
on loopback and the printer double (hardware/testing/printer_double.py), driven by real touch events
(kiosk/testing/driver.py). Latency = from the finger lifting off "取号 / Take a number" to the
paper cut command (the ticket's last byte) arriving at the printer socket. Cold start = from
launching the kiosk process to the home screen showing live, enabled zone tiles.
Prints the figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hardware.testing.printer_double import PrinterDouble  # noqa: E402
from kiosk.testing.driver_process import device_file, finish_driver, start_driver  # noqa: E402
from queue_server.testing.seeding import seed  # noqa: E402
from queue_server.testing.server_process import ServerProcess  # noqa: E402


class TimedPrinter(PrinterDouble):
    """The printer double, noting when each paper cut (the end of a ticket) arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.cut_times: list[float] = []
        self._watch = threading.Thread(target=self._watch_cuts, daemon=True)

    def __enter__(self) -> TimedPrinter:
        super().__enter__()
        self._watch.start()
        return self

    def _watch_cuts(self) -> None:
        seen = 0
        while not self._stop.is_set():
            with self._cut:
                self._cut.wait_for(lambda n=seen: self._received.count(b"\x1dV") > n or self._stop.is_set(), 1.0)
                count = self._received.count(b"\x1dV")
            now = time.monotonic()
            while seen < count:
                self.cut_times.append(now)
                seen += 1


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def ensure_display() -> subprocess.Popen | None:
    if os.environ.get("DISPLAY"):
        return None
    display = ":97"
    proc = subprocess.Popen(["Xvfb", display, "-screen", "0", "1920x1920x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    os.environ["DISPLAY"] = display
    return proc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100)
    parser.add_argument("--starts", type=int, default=3)
    args = parser.parse_args()
    xvfb = ensure_display()
    work = Path(tempfile.mkdtemp(prefix="kiosk-bench-"))
    try:
        seeded = seed(work / "hall.db")
        with ServerProcess(work / "hall.db") as server, TimedPrinter() as printer:
            device = device_file(work / "kiosk.toml", server.url, seeded.devices["kiosk-01"], printer.spec)
            starts = []
            for i in range(args.starts):
                out = work / f"start-{i}"
                launched = time.monotonic()
                results = finish_driver(start_driver(device, "start", out, work / "kivy"), out)
                starts.append(results["ready_at"] - launched)
            os.environ["KIOSK_BENCH_N"] = str(args.tickets)
            out = work / "bench"
            results = finish_driver(start_driver(device, "bench", out, work / "kivy", timeout=60 + 3 * args.tickets),
                                    out, timeout=90 + 3 * args.tickets)
            taps = results["take_taps"]
            deadline = time.monotonic() + 10
            while len(printer.cut_times) < len(taps) and time.monotonic() < deadline:
                time.sleep(0.05)
            cuts = printer.cut_times
            if len(cuts) != len(taps):
                raise SystemExit(f"{len(taps)} taps but {len(cuts)} tickets printed")
            latencies = [(c - t) * 1000 for t, c in zip(taps, cuts, strict=True)]
        report = {
            "tickets": len(latencies),
            "tap_to_last_byte_ms": {"p50": round(percentile(latencies, 50), 1),
                                    "p99": round(percentile(latencies, 99), 1),
                                    "mean": round(statistics.mean(latencies), 1),
                                    "max": round(max(latencies), 1)},
            "cold_start_s": {"runs": [round(s, 2) for s in starts], "median": round(statistics.median(starts), 2)},
        }
        print(json.dumps(report, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(timeout=5)


if __name__ == "__main__":
    main()
