"""好差评 pages in headless Chromium: the window pad (live after "finish", good and bad ratings, back to idle by
itself). The phone page behind the ticket's QR is tested in test_phone_page.py."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.api import Api, serve_one
from tests.support.web_pages import page_errors, shot


@pytest.fixture(scope="module")
def apis(server):
    s = server.seeded
    staff1 = Api.login(server.url, "staff1", s.staff["staff1"])
    staff1.ok("POST", "/api/v1/windows/1/open")
    return {"kiosk": Api(server.url, s.devices["kiosk-01"]), "staff1": staff1,
            "boss": Api.login(server.url, *s.manager)}


@pytest.fixture
def pad(server, browser):
    context = browser.new_context(viewport={"width": 1024, "height": 600}, locale="zh-CN")
    page = context.new_page()
    errors = page_errors(page)
    page.goto(f"{server.url}/rate/window/1?device={server.seeded.devices['pad-1']}")
    expect(page.locator("#screen-idle")).to_be_visible()
    assert "device=" not in page.url  # the device token does not stay in the address bar
    yield page
    assert errors == []
    context.close()


def test_pad_good_rating_then_idle_by_itself(apis, pad):
    shot(pad, "pad_idle")
    t = serve_one(apis["kiosk"], apis["staff1"], 1, matter="A01")
    expect(pad.locator("#screen-rate")).to_be_visible()  # arrives live, no reload
    expect(pad.locator("#rate-number")).to_have_text(t["number"])
    expect(pad.locator("#rate-matter")).to_contain_text("企业设立登记")
    shot(pad, "pad_rate")
    pad.click(".face[data-score='5']")
    expect(pad.locator("#screen-thanks")).to_be_visible()
    expect(pad.locator("#thanks-followup")).to_be_hidden()
    shot(pad, "pad_thanks")
    expect(pad.locator("#screen-idle")).to_be_visible(timeout=15000)
    rated = apis["boss"].ok("GET", "/api/v1/ratings")["ratings"]
    assert any(r["ticket_id"] == t["id"] and r["score"] == 5 and r["source"] == "pad" for r in rated)


def test_pad_bad_rating_asks_a_reason_and_opens_a_followup(apis, pad):
    t = serve_one(apis["kiosk"], apis["staff1"], 1)
    expect(pad.locator("#screen-rate")).to_be_visible()
    pad.click(".face[data-score='2']")
    expect(pad.locator("#screen-reason")).to_be_visible()
    expect(pad.locator("#reason-submit")).to_be_disabled()
    pad.click(".reason[data-reason='come_back']")
    pad.fill("#comment", "第二次来了，还缺材料")
    shot(pad, "pad_reason")
    pad.click("#reason-submit")
    expect(pad.locator("#screen-thanks")).to_be_visible()
    expect(pad.locator("#thanks-followup")).to_be_visible()
    items = apis["boss"].ok("GET", "/api/v1/followups", state="pending")
    item = next(f for f in items if f["ticket_id"] == t["id"])
    assert item["score"] == 2 and item["reason"] == "come_back" and item["comment"] == "第二次来了，还缺材料"


def test_pad_catches_up_on_a_service_finished_before_its_live_stream_opened(server, browser, apis):
    # Hold the pad's event stream back until the service is over (a slow tablet, a busy LAN): when it
    # opens, the pad reads its state again and offers the rating instead of staying on "welcome".
    held = []
    context = browser.new_context(viewport={"width": 1024, "height": 600})
    context.route("**/api/v1/events*", lambda route: held.append(route))
    page = context.new_page()
    errors = page_errors(page)
    page.goto(f"{server.url}/rate/window/1?device={server.seeded.devices['pad-1']}")
    expect(page.locator("#screen-idle")).to_be_visible()
    t = serve_one(apis["kiosk"], apis["staff1"], 1)
    page.wait_for_timeout(300)
    assert held, "the pad opened no event stream"
    expect(page.locator("#screen-idle")).to_be_visible()  # nothing reached it yet
    for route in held:
        route.continue_()
    expect(page.locator("#screen-rate")).to_be_visible()
    expect(page.locator("#rate-number")).to_have_text(t["number"])
    assert errors == []
    context.close()


def test_pad_without_a_token_says_how_to_authorise(server, browser):
    context = browser.new_context(viewport={"width": 1024, "height": 600})
    page = context.new_page()
    page.goto(server.url + "/rate/window/2")
    expect(page.locator("#screen-error")).to_be_visible()
    expect(page.locator("#error-text")).to_contain_text("not authorised")
    shot(page, "pad_not_authorised")
    context.close()
