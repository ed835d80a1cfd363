"""Shared fixtures: the app in process (`app`, `client`), a real server on loopback when the process matters
(`live_server`, `server`), both on a copy of one seeded database (`seeded`), a virtual screen and a browser."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from queue_server.app import create_app
from queue_server.testing.seeding import Seeded, seed
from tests.support.live_server import serve_copy

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> tuple[Path, Seeded]:
    """One seeded database per test session; each test gets its own copy (password hashing is slow)."""
    db = tmp_path_factory.mktemp("template") / "hall.db"
    return db, seed(db)


@pytest.fixture(scope="session")
def seeded(seeded_template) -> Seeded:
    """The accounts and device tokens every test database starts with (see queue_server.testing.seeding)."""
    return seeded_template[1]


def app_on_copy(folder: Path, seeded_template: tuple[Path, Seeded]) -> Flask:
    db = folder / "hall.db"
    shutil.copy(seeded_template[0], db)
    return create_app(db_path=db)


@pytest.fixture
def app(tmp_path, seeded_template) -> Iterator[Flask]:
    """The queue server in this process on its own copy of the seeded database (as flaskr's `app`)."""
    app = app_on_copy(tmp_path, seeded_template)
    yield app
    app.extensions["hall"].close()


@pytest.fixture
def client(app):
    return app.test_client(use_cookies=False)  # an API caller: bearer tokens, no cookie jar


@pytest.fixture(scope="module")
def module_app(tmp_path_factory, seeded_template) -> Iterator[Flask]:
    """One in-process app per test module, for tests that share a hall's day (distinct windows and zones)."""
    app = app_on_copy(tmp_path_factory.mktemp("app"), seeded_template)
    yield app
    app.extensions["hall"].close()


@pytest.fixture
def live_server(tmp_path, seeded_template):
    """A fresh server process with its own database (4 staff, a manager, a kiosk, a display, button and pad 1)."""
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
    # Xvfb picks a free display itself and writes its number to the pipe once it accepts clients:
    # no race with another test run for a display number, no guess at how long it takes to start.
    read_end, write_end = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1920x1920x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(write_end,))
    os.close(write_end)
    with os.fdopen(read_end) as ready:
        if not select.select([ready], [], [], 120)[0]:
            proc.kill()
            raise RuntimeError("Xvfb did not start")
        number = ready.readline().strip()
    if not number:
        raise RuntimeError(f"Xvfb exited with {proc.wait()}")
    display = f":{number}"
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
