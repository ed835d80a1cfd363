"""Helpers for the web-page tests: one server and one headless Chromium per test module, and small API calls."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests
from playwright.sync_api import Browser, Page, sync_playwright

from queue_server.testing.seeding import Seeded
from tests.support.live_server import LiveServer, serve_copy

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
WEB_ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "web"


def module_server(tmp_path_factory, seeded_template: tuple[Path, Seeded]) -> Iterator[LiveServer]:
    yield from serve_copy(tmp_path_factory.mktemp("web"), seeded_template)


def module_browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def shot(page: Page, name: str, full_page: bool = False) -> Path:
    WEB_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = WEB_ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def page_errors(page: Page) -> list[str]:
    """JavaScript errors of the page, collected as they happen (a test asserts the list stays empty)."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def sign_in(page: Page, url: str, path: str, user: str, password: str) -> None:
    page.goto(url + path)
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("#login-btn")


@dataclass
class Api:
    """requests against the live server with one bearer token."""

    url: str
    token: str | None = None

    @classmethod
    def login(cls, url: str, user: str, password: str) -> Api:
        r = requests.post(url + "/api/v1/login", json={"username": user, "password": password}, timeout=10)
        r.raise_for_status()
        return cls(url, r.json()["token"])

    def call(self, method: str, path: str, body: dict | None = None, **params) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return requests.request(method, self.url + path, json=body, params=params or None, headers=headers,
                                timeout=10)

    def ok(self, method: str, path: str, body: dict | None = None, **params):
        r = self.call(method, path, body, **params)
        assert r.status_code < 300, (r.status_code, r.text)
        return r.json() if r.content else None


def serve_one(kiosk: Api, staff: Api, window: int, zone: str = "commerce", matter: str | None = None) -> dict:
    """Take a number and serve it to the end at `window` (already opened by `staff`); returns the ticket."""
    t = kiosk.ok("POST", "/api/v1/tickets", {"zone": zone, "matter": matter})
    called = staff.ok("POST", f"/api/v1/windows/{window}/call-next")
    assert called["id"] == t["id"], "the test expects an empty queue for this window's zones"
    staff.ok("POST", f"/api/v1/windows/{window}/start", {"ticket_id": t["id"]})
    return staff.ok("POST", f"/api/v1/windows/{window}/finish", {"ticket_id": t["id"]})
