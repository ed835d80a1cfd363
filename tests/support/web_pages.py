"""Helpers for the web-page tests: one server and one headless Chromium per test module, screenshots, sign-in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Browser, Page, expect, sync_playwright

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


def sign_in(page: Page, url: str, path: str, user: str, password: str, accepted: bool = True) -> None:
    """Sign in through the page's form. `accepted`: the server takes the password, and the form reloads the
    page with the session cookie set; this returns once the reloaded page's scripts have run (a click before
    then lands on a button with no listener yet and is lost). Refused: the form stays, with its error."""
    page.goto(url + path)
    page.fill("#username", user)
    page.fill("#password", password)
    if not accepted:
        page.click("#login-btn")
        return
    with page.expect_navigation(wait_until="load"):
        page.click("#login-btn")


def signed_in_page(browser: Browser, url: str, path: str, user: str, password: str, ready: str,
                   **context: object) -> Iterator[Page]:
    """A module's page: a desk-sized Chinese browser context signed in at `path`, yielded once `ready` (a
    selector) is visible; on teardown the page must have raised no JavaScript error."""
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN", **context)
    page = ctx.new_page()
    errors = page_errors(page)
    sign_in(page, url, path, user, password)
    expect(page.locator(ready).first).to_be_visible()
    yield page
    assert errors == []
    ctx.close()
