"""`hall demo` end to end: a real server on loopback with accounts, devices and windows that work."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from hall_client.client import HallClient
from kiosk.device_config import load_device
from queue_server.testing.server_process import free_port


def start_demo(workdir: Path, port: int, *args: str, env: dict | None = None) -> subprocess.Popen:
    with open(workdir / "demo.log", "ab") as log:  # the child keeps its own copy of the descriptor
        return subprocess.Popen([sys.executable, "-m", "queue_server.cli", "demo", "--port", str(port), *args],
                                cwd=workdir, stdout=log, stderr=subprocess.STDOUT,
                                env=dict(os.environ, PYTHONUNBUFFERED="1", **(env or {})))


def wait_for(predicate, what: str, workdir: Path, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except requests.RequestException:
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen; demo log:\n{(workdir / 'demo.log').read_text()[-3000:]}")


def stop(proc: subprocess.Popen) -> int:
    proc.send_signal(signal.SIGINT)
    return proc.wait(20)


def test_demo_runs_the_sample_hall_with_working_accounts_and_devices(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = start_demo(tmp_path, port, "--no-screens")
    try:
        board = wait_for(lambda: (b := requests.get(url + "/api/v1/board", timeout=2).json())["calls"] and b,
                         "a first call on the board", tmp_path)
        assert sum(z["waiting"] for z in board["zones"]) > 0
        # The banner comes after the first calls (the demo's windows call before it prints).
        log = wait_for(lambda: "/dashboard" in (t := (tmp_path / "demo.log").read_text()) and t, "the banner",
                       tmp_path)
        for page in ("/board", "/console", "/dashboard"):
            assert url + page in log
            page = requests.get(url + page, timeout=5)  # staff pages answer 401 with their sign-in form
            assert page.status_code in (200, 401) and page.headers["Content-Type"].startswith("text/html")
        # A rating pad for each worked window, its printed address signing it in as that window's pad.
        pads = re.findall(r"/rate/window/(\d+)\?device=(\S+)", log)
        assert len(pads) == 4
        for window, token in pads:
            r = requests.get(f"{url}/api/v1/ratings/pad/{window}", headers={"Authorization": f"Bearer {token}"},
                             timeout=5)
            assert r.status_code == 200 and r.json()["window"] == int(window)
        # The kiosk device file it wrote carries a token the server accepts.
        kiosk = load_device(tmp_path / "var" / "demo" / "kiosk.toml")
        ticket = HallClient(kiosk.server_url, kiosk.token).take_number("commerce")
        assert ticket["number"].startswith("A")
        phone = requests.get(ticket["status_url"], timeout=5)  # the ticket's QR opens on this machine
        assert ticket["status_url"].startswith(url + "/t/") and ticket["number"] in phone.text
        # The printed accounts sign in.
        assert HallClient(url).login("manager", "demo1234")
        staff = HallClient(url)
        staff.login("staff01", "demo1234")
        assert staff.open_window(2)["state"] == "open"
    finally:
        assert stop(proc) == 0
    # A second run on the same database starts again, with fresh device tokens.
    old_token = kiosk.token
    proc = start_demo(tmp_path, port, "--no-screens")
    try:
        wait_for(lambda: requests.get(url + "/api/v1/health", timeout=2).ok, "the restart", tmp_path)
        kiosk = load_device(tmp_path / "var" / "demo" / "kiosk.toml")
        assert kiosk.token != old_token
        assert HallClient(url, kiosk.token).take_number("public")["number"].startswith("B")
    finally:
        assert stop(proc) == 0


def log_text(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def processes_mentioning(text: str) -> dict[int, str]:
    """pid -> command line of the live processes whose command line contains `text`."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in cmd and state != "Z":
            found[int(entry.name)] = cmd
    return found


def test_demo_with_a_screen_opens_a_kiosk_and_a_wall_display(tmp_path, xvfb):
    port = free_port()
    devices = str(tmp_path / "var" / "demo")
    proc = start_demo(tmp_path, port, env={"DISPLAY": xvfb})
    try:
        wait_for(lambda: len(processes_mentioning(devices)) == 2, "kiosk and display processes", tmp_path)
        screens = processes_mentioning(devices)
        assert sorted(c.split(" --device")[0].rsplit(" ", 1)[1] for c in screens.values()) == ["display", "kiosk"]
        # Both screens come up and follow the server's event stream, and are still the same processes
        # (a bad device file or a crash would end them at once).
        wait_for(lambda: all("/api/v1/events" in log_text(Path(devices) / f"{w}.log") for w in ("kiosk", "display")),
                 "kiosk and display following the event stream", tmp_path, timeout=90)
        assert processes_mentioning(devices).keys() == screens.keys(), \
            [(tmp_path / "var" / "demo" / f"{w}.log").read_text()[-2000:] for w in ("kiosk", "display")]
    finally:
        assert stop(proc) == 0
    # Stopping the demo closes its screens.
    wait_for(lambda: not processes_mentioning(devices), "the screens closing", tmp_path, timeout=15)
