"""A device file for a test server and one kiosk app run in a subprocess by the driver (tests and benchmarks)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kiosk.staff_pin import hash_pin

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).resolve().parent / "driver.py"
STAFF_PIN = "2580"  # the test kiosks' staff exit PIN; their device files hold only its hash


def device_file(path: Path, url: str, token: str, printer: str = "none", camera: str = "none",
                orientation: str = "portrait", idle_home_s: float = 60, idle_board_s: float = 180,
                retry_s: float = 0.5) -> Path:
    size = "[1080, 1920]" if orientation == "portrait" else "[1920, 1080]"
    path.write_text(f"""
[device]
name = "kiosk-01"
kind = "kiosk"

[server]
url = "{url}"
token = "{token}"
retry_s = {retry_s}
board_poll_s = 5

[printer]
spec = "{printer}"
paper_mm = 80

[camera]
source = "{camera}"

[screen]
orientation = "{orientation}"
size = {size}
fullscreen = false
zones = ["commerce", "public", "economy", "social", "construction", "special", "consult"]

[idle]
home_after_s = {idle_home_s}
board_after_s = {idle_board_s}

[staff]
exit_pin_hash = "{hash_pin(STAFF_PIN, iterations=1000)}"
""", encoding="utf-8")
    return path


def start_driver(device: Path, scenario: str, out: Path, kivy_home: Path, handshake: Path | None = None,
                 timeout: float = 240) -> subprocess.Popen:
    """The driver in its own process; `timeout` only stops a scenario that hangs (a busy machine is slow)."""
    out.mkdir(parents=True, exist_ok=True)
    kivy_home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, KIVY_NO_ARGS="1", KIVY_HOME=str(kivy_home),
               KIVY_WINDOW="sdl2", PYTHONUNBUFFERED="1")
    args = [sys.executable, str(DRIVER), "--device", str(device), "--scenario", scenario, "--out", str(out),
            "--timeout", str(timeout)]
    if handshake is not None:
        handshake.mkdir(parents=True, exist_ok=True)
        args += ["--handshake", str(handshake)]
    log = open(out / "driver.log", "w")  # noqa: SIM115 - closed with the process by finish_driver
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    proc.log_file = log  # type: ignore[attr-defined]
    return proc


def finish_driver(proc: subprocess.Popen, out: Path, timeout: float = 270) -> dict:
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.log_file.close()  # type: ignore[attr-defined]
    log = (out / "driver.log").read_text(errors="replace")
    results_path = out / "results.json"
    assert results_path.exists(), f"the kiosk driver wrote no results (exit {proc.returncode}):\n{log[-4000:]}"
    results = json.loads(results_path.read_text())
    assert "error" not in results, f"{results['error']}\n--- driver log ---\n{log[-4000:]}"
    assert "Traceback" not in log, log[-4000:]
    return results


def run_driver(device: Path, scenario: str, out: Path, kivy_home: Path, timeout: float = 240) -> dict:
    return finish_driver(start_driver(device, scenario, out, kivy_home, timeout=timeout), out, timeout + 30)
