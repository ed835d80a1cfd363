"""The citizen's phone in Chromium at 390x844: the QR decoded from the ticket's real ESC/POS bytes opens the page,
a window's call reaches it without a reload, and after the service it rates the ticket (source `phone`)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import requests
from playwright.sync_api import expect

from hardware.qr_decode import zxing_detailed
from hardware.testing.escpos_decoder import parse
from hardware.ticket_escpos import blocks_to_escpos
from hardware.ticket_image import render_ticket_png
from hardware.ticket_layout import ticket_blocks
from kiosk.ticket_info import ticket_layout
from queue_server.testing.server_process import SAMPLE_CONFIG, ServerProcess, free_port
from tests.support.api import Api
from tests.support.live_server import LiveServer
from tests.support.web_pages import page_errors, shot, sign_in


@pytest.fixture(scope="module")
def phone_server(tmp_path_factory, seeded_template):
    """A server whose [public] base_url is its own loopback address, so the printed QR opens on this machine."""
    folder = tmp_path_factory.mktemp("phone")
    port = free_port()
    config = folder / "hall.toml"
    text = SAMPLE_CONFIG.read_text(encoding="utf-8")
    config.write_text(re.sub(r'(?m)^base_url = ".*"$', f'base_url = "http://127.0.0.1:{port}"', text),
                      encoding="utf-8")
    shutil.copy(seeded_template[0], folder / "hall.db")
    with ServerProcess(folder / "hall.db", config=config, port=port) as proc:
        yield LiveServer(proc, seeded_template[1])


@pytest.fixture(scope="module")
def apis(phone_server):
    s = phone_server.seeded
    staff1 = Api.login(phone_server.url, "staff1", s.staff["staff1"])
    return {"kiosk": Api(phone_server.url, s.devices["kiosk-01"]), "staff1": staff1,
            "boss": Api.login(phone_server.url, *s.manager)}


def printed_qr(kiosk: Api, ticket: dict) -> str:
    """What the printer would encode: the kiosk's own layout, turned into ESC/POS, the `GS ( k` payload read back."""
    hall = kiosk.ok("GET", "/api/v1/hall")
    data = blocks_to_escpos(ticket_blocks(ticket_layout(hall, ticket, kiosk.url)))
    qrs = [t.value for t in parse(data)[0] if t.kind == "qr"]
    assert len(qrs) == 1
    return str(qrs[0])


def on_screen_qr(kiosk: Api, ticket: dict, folder: Path) -> str:
    """What the kiosk shows when it cannot print: its on-screen ticket picture (what KioskPrinter.render_png
    draws), the QR read back from the pixels by the kiosk's own decoder."""
    hall = kiosk.ok("GET", "/api/v1/hall")
    image = render_ticket_png(ticket_layout(hall, ticket, kiosk.url), folder / "on-screen.png", paper_mm=80)
    grey = np.asarray(image.convert("L"))
    codes = zxing_detailed(grey).codes
    assert len(codes) == 1
    return codes[0]


@pytest.fixture
def phone(phone_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    page = context.new_page()
    page.errors = page_errors(page)
    yield page
    assert page.errors == []
    context.close()


def test_the_printed_qr_follows_the_ticket_from_the_queue_to_the_rating(phone_server, apis, phone, tmp_path,
                                                                         browser):
    kiosk, staff1 = apis["kiosk"], apis["staff1"]
    ticket = kiosk.ok("POST", "/api/v1/tickets", {"zone": "commerce", "matter": "A01", "priority": "elderly"})
    url = printed_qr(kiosk, ticket)
    assert url == ticket["status_url"] and url.startswith(phone_server.url + "/t/")
    assert on_screen_qr(kiosk, ticket, tmp_path) == url  # the same link when the printer is out of paper
    token = url.rsplit("/t/", 1)[1]
    assert len(token) >= 22 and str(ticket["id"]) != token

    first_html = requests.get(url, timeout=5).text  # useful before any script runs
    assert ticket["number"] in first_html and "商事登记" in first_html and "前面还有" in first_html
    assert "elderly" not in first_html and "kiosk-01" not in first_html

    phone.goto(url)
    expect(phone.locator("#number")).to_have_text(ticket["number"])
    expect(phone.locator("#zone")).to_contain_text("商事登记")
    expect(phone.locator("#p-waiting")).to_be_visible()
    expect(phone.locator("#wait-zh")).to_have_text(ticket["wait_zh"])
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page must fit a phone's width"
    shot(phone, "phone_waiting")

    staff1.ok("POST", "/api/v1/windows/1/open")
    called = staff1.ok("POST", "/api/v1/windows/1/call-next")
    assert called["id"] == ticket["id"]
    expect(phone.locator("#p-called")).to_be_visible()  # live, no reload
    expect(phone.locator("#p-called")).to_contain_text("请到 1 号窗口")
    expect(phone.locator("#p-called")).to_contain_text("Please go to window 1")
    shot(phone, "phone_called")
    staff1.ok("POST", "/api/v1/windows/1/recall")
    expect(phone.locator("#recalled")).to_be_visible()
    staff1.ok("POST", "/api/v1/windows/1/start")
    expect(phone.locator("#p-serving")).to_be_visible()
    staff1.ok("POST", "/api/v1/windows/1/finish")

    expect(phone.locator("#p-rate")).to_be_visible()
    expect(phone.locator(".level")).to_have_count(5)
    expect(phone.locator("#complaint")).to_contain_text("投诉电话")
    shot(phone, "phone_rate", full_page=True)
    phone.click(".level[data-score='2']")
    expect(phone.locator("#bad")).to_be_visible()
    expect(phone.locator("#rate-submit")).to_be_disabled()
    phone.click(".reason[data-reason='efficiency']")
    phone.fill("#comment", "等太久")
    phone.fill("#contact", "13800000000")
    phone.click("#rate-submit")
    expect(phone.locator("#p-thanks")).to_be_visible()
    expect(phone.locator("#complaint")).to_be_visible()
    shot(phone, "phone_thanks")

    stored = [r for r in apis["boss"].ok("GET", "/api/v1/ratings")["ratings"] if r["ticket_id"] == ticket["id"]]
    assert len(stored) == 1 and stored[0]["source"] == "phone" and stored[0]["score"] == 2
    assert stored[0]["contact"] == "13800000000"
    # The manager sees it on the dashboard: a bad rating from the phone opens a follow-up.
    dash = browser.new_page()
    try:
        sign_in(dash, phone_server.url, "/dashboard", *phone_server.seeded.manager)
        dash.click(".tab[data-tab='followups']")
        expect(dash.locator(f"#followups-table tr:has-text('{ticket['number']}')")).to_contain_text("等太久")
    finally:
        dash.close()
    again = requests.post(phone_server.url + f"/api/v1/t/{token}/rating", json={"score": 5}, timeout=5)
    assert again.status_code == 409 and again.json()["error"] == "already_rated"
    phone.reload()
    expect(phone.locator("#p-thanks")).to_be_visible()


def test_a_transfer_and_a_no_show_tell_the_citizen_what_next(phone_server, apis, phone):
    kiosk, staff1 = apis["kiosk"], apis["staff1"]
    staff1.ok("POST", "/api/v1/windows/1/open")
    ticket = kiosk.ok("POST", "/api/v1/tickets", {"zone": "commerce"})
    phone.goto(printed_qr(kiosk, ticket))
    expect(phone.locator("#p-waiting")).to_be_visible()
    staff1.ok("POST", "/api/v1/windows/1/call-next")
    expect(phone.locator("#p-called")).to_be_visible()
    staff1.ok("POST", "/api/v1/windows/1/transfer", {"zone": "public", "note": "身份证 370102199001011234"})
    expect(phone.locator("#transferred")).to_be_visible()
    expect(phone.locator("#transferred")).to_contain_text("公共服务")
    expect(phone.locator("#p-waiting")).to_be_visible()
    assert "370102199001011234" not in phone.content()
    shot(phone, "phone_transferred")

    second = kiosk.ok("POST", "/api/v1/tickets", {"zone": "commerce"})
    phone.goto(printed_qr(kiosk, second))
    staff1.ok("POST", "/api/v1/windows/1/call-next")
    staff1.ok("POST", "/api/v1/windows/1/recall")
    expect(phone.locator("#p-called")).to_be_visible()
    staff1.ok("POST", "/api/v1/windows/1/no-show")
    expect(phone.locator("#p-no_show")).to_be_visible()
    expect(phone.locator("#p-no_show")).to_contain_text("30 分钟")  # the hall's grace time (1800 s)
    expect(phone.locator("#p-no_show .js-until").first).to_have_text(re.compile(r"^\d\d:\d\d$"))
    shot(phone, "phone_no_show")


def test_the_phone_script_is_plain_es5_for_old_webviews():
    source = (Path(__file__).resolve().parents[1] / "queue_server/pages/static/phone/phone.js").read_text("utf-8")
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", source, flags=re.S)  # comments may say anything
    for modern in ("=>", "`", "let ", "const ", "class ", "import ", "export ", "async ", "await ", "fetch(", "...",
                   "?.", "??"):
        assert modern not in code, f"{modern!r} needs a newer browser than an old Android WebView"


def test_the_ticket_stream_carries_only_this_tickets_public_view(phone_server, apis):
    kiosk, staff1 = apis["kiosk"], apis["staff1"]
    staff1.ok("POST", "/api/v1/windows/1/open")
    before = kiosk.ok("POST", "/api/v1/tickets", {"zone": "commerce"})
    mine = kiosk.ok("POST", "/api/v1/tickets", {"zone": "commerce"})
    token = mine["status_url"].rsplit("/t/", 1)[1]
    with requests.get(f"{phone_server.url}/api/v1/t/{token}/events", stream=True, timeout=(5, 30)) as r:
        lines = r.iter_lines(decode_unicode=True)

        def next_status() -> dict:
            for line in lines:
                if line.startswith("data: "):
                    return json.loads(line[6:])
            raise AssertionError("the stream ended")

        first = next_status()
        assert first["number"] == mine["number"] and first["ahead"] >= 1
        kiosk.ok("POST", "/api/v1/tickets", {"zone": "public"})  # another zone: no new message for this ticket
        called = staff1.ok("POST", "/api/v1/windows/1/call-next")
        assert called["id"] == before["id"]
        second = next_status()
        assert second["ahead"] == first["ahead"] - 1 and second["number"] == mine["number"]
        assert not {"id", "note", "priority", "source", "staff", "extra"} & set(second)
    for action in ("recall", "no-show"):  # free the window and the queue for the next test
        staff1.ok("POST", f"/api/v1/windows/1/{action}")
    kiosk.ok("POST", f"/api/v1/tickets/{mine['id']}/cancel")


def test_without_a_stream_the_page_still_follows_by_polling(phone_server, apis, browser):
    kiosk, staff1 = apis["kiosk"], apis["staff1"]
    staff1.ok("POST", "/api/v1/windows/1/open")
    ticket = kiosk.ok("POST", "/api/v1/tickets", {"zone": "commerce"})
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    context.route("**/api/v1/t/*/events", lambda route: route.abort())  # a proxy that breaks event streams
    page = context.new_page()
    errors = page_errors(page)
    page.goto(ticket["status_url"])
    expect(page.locator("#p-waiting")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    called = staff1.ok("POST", "/api/v1/windows/1/call-next")
    assert called["id"] == ticket["id"]
    expect(page.locator("#p-called")).to_be_visible(timeout=30000)
    expect(page.locator("#p-called")).to_contain_text("请到 1 号窗口")
    staff1.ok("POST", "/api/v1/windows/1/recall")
    staff1.ok("POST", "/api/v1/windows/1/no-show")
    assert errors == []
    context.close()
