"""The pages' session: the server sets an HttpOnly SameSite=Strict cookie at sign-in and clears it at
sign-out; a write that rides on the cookie needs this server's Origin or the page's CSRF token."""

from __future__ import annotations

import http.server
import re
import threading
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from queue_server.api.session_cookie import csrf_token
from queue_server.app import create_app
from queue_server.ops import accounts
from queue_server.testing.server_process import free_port
from tests.support.api import Api
from tests.support.web_pages import page_errors, shot, sign_in

STATIC = Path(__file__).resolve().parents[1] / "queue_server" / "pages" / "static"


@pytest.fixture
def app(tmp_path):
    app = create_app(db_path=tmp_path / "hall.db")
    accounts.add_user(app.extensions["hall"], "li", "li-pass-1", "staff")
    return app


def signed_in(app):
    c = app.test_client()
    r = c.post("/api/v1/login", json={"username": "li", "password": "li-pass-1"})
    return c, r


def test_sign_in_sets_an_httponly_strict_cookie_and_sign_out_clears_it(app):
    c, r = signed_in(app)
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith(f"hall_token={r.json['token']};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert c.get("/api/v1/me").json["name"] == "li"
    r = c.post("/api/v1/logout", headers={"Origin": "http://localhost"})
    assert r.status_code == 200
    assert re.search(r"hall_token=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)", r.headers["Set-Cookie"])
    assert c.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize("headers, status", [
    ({}, 403),
    ({"Origin": "http://localhost:9000"}, 403),  # another port of the same host
    ({"Origin": "null"}, 403),
    ({"X-CSRF-Token": "0" * 64}, 403),
    ({"Origin": "http://localhost"}, 200),
])
def test_cookie_writes_need_this_origin(app, headers, status):
    c, _ = signed_in(app)
    r = c.post("/api/v1/windows/1/open", headers=headers)
    assert r.status_code == status, r.json
    if status == 403:
        assert r.json["error"] == "csrf"


def test_cookie_writes_pass_with_the_page_csrf_token_and_bearer_calls_need_none(app):
    c, r = signed_in(app)
    token = r.json["token"]
    page = c.get("/console").get_data(as_text=True)
    assert f'<meta name="csrf-token" content="{csrf_token(token)}">' in page
    assert c.post("/api/v1/windows/1/open", headers={"X-CSRF-Token": csrf_token(token)}).status_code == 200
    api = app.test_client(use_cookies=False)
    assert api.post("/api/v1/windows/1/close", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_no_page_script_writes_the_session_cookie():
    for js in STATIC.rglob("*.js"):
        if "vendor" not in js.parts:
            assert "document.cookie" not in js.read_text(encoding="utf-8"), js


class _AttackerPage(http.server.BaseHTTPRequestHandler):
    """A page on another port of the same host that makes the signed-in browser call a ticket."""

    target = ""

    def do_GET(self):  # noqa: N802 (http.server's name)
        body = (f'<form id="f" method="POST" action="{self.target}/api/v1/windows/1/call-next"></form>'
                '<script>document.getElementById("f").submit();</script>').encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_page_on_another_port_cannot_act_for_the_signed_in_staff(server, browser):
    s = server.seeded
    kiosk = Api(server.url, s.devices["kiosk-01"])
    ticket = kiosk.ok("POST", "/api/v1/tickets", {"zone": "commerce"})
    staff = Api.login(server.url, "staff3", s.staff["staff3"])
    staff.ok("POST", "/api/v1/windows/1/open")
    # The hall is reached as localhost:PORT and the attacker as localhost:OTHER: same site, another origin.
    hall_url = server.url.replace("127.0.0.1", "localhost")
    handler = type("Attacker", (_AttackerPage,), {"target": hall_url})
    attacker = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=attacker.serve_forever, daemon=True).start()
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    errors = page_errors(page)
    try:
        sign_in(page, hall_url, "/console", "staff3", s.staff["staff3"])
        expect(page.locator("#logout-btn")).to_be_visible()
        cookie = next(c for c in context.cookies() if c["name"] == "hall_token")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert page.evaluate("document.cookie") == ""  # no script on the page can read the session
        page.goto(f"http://localhost:{attacker.server_address[1]}/")
        expect(page.locator("body")).to_contain_text("csrf")
    finally:
        attacker.shutdown()
        attacker.server_close()
    assert staff.ok("GET", f"/api/v1/tickets/{ticket['id']}")["state"] == "waiting"
    staff.ok("POST", "/api/v1/windows/1/close")
    assert not errors
    context.close()
    assert requests.get(server.url + "/api/v1/health", timeout=5).ok


def test_the_sign_in_form_says_when_a_name_is_locked(server, browser):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    errors = page_errors(page)
    for _ in range(5):
        sign_in(page, server.url, "/console", "staff4", "not-the-password", accepted=False)
        expect(page.locator("#login-error")).to_contain_text("Wrong user name or password")
    sign_in(page, server.url, "/console", "staff4", server.seeded.staff["staff4"], accepted=False)  # locked
    expect(page.locator("#login-error")).to_contain_text("尝试过于频繁，请稍后再试")
    expect(page.locator("#login-error")).to_contain_text(re.compile(r"try again in \d+ s"))
    shot(page, "console_login_locked")
    assert not errors
    context.close()
