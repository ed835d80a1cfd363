"""Shared fixtures: a real server on loopback with seeded accounts, and a virtual screen."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from queue_server.testing.seeding import Seeded, seed
from tests.support.live_server import serve_copy

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> tuple[Path, Seeded]:
    """One seeded database per test session; each test gets its own copy (password hashing is slow)."""
    db = tmp_path_factory.mktemp("template") / "hall.db"
    return db, seed(db)


@pytest.fixture
def live_server(tmp_path, seeded_template):
    """A fresh server process with its own database (4 staff, a manager, a kiosk, a display, button 1)."""
    yield from serve_copy(tmp_path, seeded_template)


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
    from tests.support.web_pages import module_server

    yield from module_server(tmp_path_factory, seeded_template)


@pytest.fixture(scope="module")
def browser():
    """Headless Debian chromium, one per test module."""
    from tests.support.web_pages import module_browser

    yield from module_browser()
