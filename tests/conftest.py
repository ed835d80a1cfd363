"""Shared fixtures: a real server on loopback with seeded accounts, and a virtual screen."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from queue_server.hall import Hall
from queue_server.hall_config import load_config
from queue_server.ops import accounts
from tests.hall_server import ServerProcess

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@dataclass
class Seeded:
    """Accounts and device tokens created in a test database before its server starts."""

    manager: tuple[str, str] = ("boss", "boss-pass-1")
    staff: dict[str, str] = field(default_factory=dict)  # username -> password
    devices: dict[str, str] = field(default_factory=dict)  # device name -> token


def seed(db_path: Path, n_staff: int = 4, buttons: tuple[int, ...] = (1,)) -> Seeded:
    hall = Hall(config=load_config(), db_path=db_path)
    s = Seeded()
    accounts.add_user(hall, *s.manager, "manager")
    for i in range(1, n_staff + 1):
        s.staff[f"staff{i}"] = f"pass-{i}-word"
        accounts.add_user(hall, f"staff{i}", s.staff[f"staff{i}"], "staff")
    s.devices["kiosk-01"] = accounts.add_device(hall, "kiosk-01", "kiosk")
    s.devices["display-01"] = accounts.add_device(hall, "display-01", "display")
    for w in buttons:
        s.devices[f"button-{w}"] = accounts.add_device(hall, f"button-{w}", "button", window=w)
        s.devices[f"pad-{w}"] = accounts.add_device(hall, f"pad-{w}", "pad", window=w)
    hall.close()
    return s


@dataclass
class LiveServer:
    proc: ServerProcess
    seeded: Seeded

    @property
    def url(self) -> str:
        return self.proc.url


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> tuple[Path, Seeded]:
    """One seeded database per test session; each test gets its own copy (password hashing is slow)."""
    db = tmp_path_factory.mktemp("template") / "hall.db"
    return db, seed(db)


@pytest.fixture
def live_server(tmp_path, seeded_template):
    """A fresh server process with its own database (4 staff, a manager, a kiosk, a display, button and pad 1)."""
    db = tmp_path / "hall.db"
    shutil.copy(seeded_template[0], db)
    with ServerProcess(db) as proc:
        yield LiveServer(proc, seeded_template[1])


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def xvfb():
    """A virtual X screen (Xvfb) for Kivy windows; yields the DISPLAY value."""
    if not shutil.which("Xvfb"):
        raise RuntimeError("Xvfb is missing: run ./hall setup (Debian package xvfb)")
    for n in range(90, 140):
        if not os.path.exists(f"/tmp/.X11-unix/X{n}") and not os.path.exists(f"/tmp/.X{n}-lock"):
            break
    display = f":{n}"
    proc = subprocess.Popen(["Xvfb", display, "-screen", "0", "1920x1920x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if os.path.exists(f"/tmp/.X11-unix/X{n}"):
            break
        time.sleep(0.05)
    old = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = display
    yield display
    proc.terminate()
    proc.wait(timeout=5)
    if old is None:
        os.environ.pop("DISPLAY", None)
    else:
        os.environ["DISPLAY"] = old


@pytest.fixture(scope="module")
def server(tmp_path_factory, seeded_template):
    """One real server per test module (pages and API tests that share a hall's day)."""
    from tests.web_pages import module_server

    yield from module_server(tmp_path_factory, seeded_template)


@pytest.fixture(scope="module")
def browser():
    """Headless Debian chromium, one per test module."""
    from tests.web_pages import module_browser

    yield from module_browser()
