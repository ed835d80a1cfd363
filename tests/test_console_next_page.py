"""The console on a fixed clock, in Chromium: the next five with green-channel and appointment badges in call
order, a kiosk's help request that one person takes, and a no-show put back in the queue from the console."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.support.clocked_server import serve_hallway
from tests.support.pickup_helpers import MANAGER, STAFF
from tests.support.web_pages import page_errors, shot, sign_in

SLOT = "2026-11-23T10:30"  # Monday; the hallway's clock stands at 10:00 in Jinan


@pytest.fixture
def hallway(tmp_path):
    yield from serve_hallway(tmp_path)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 800}, locale="zh-CN")
    yield context.new_page()
    context.close()


def ok(r, status=200):
    assert r.status_code == status, r.get_json()
    return r.get_json()


def test_next_five_with_badges_help_banner_and_requeue(hallway, page):
    hw = hallway
    booking = ok(hw.post("/api/v1/appointments", "backoffice", {"zone": "commerce", "slot_start": SLOT}), 201)
    walk_ins = [ok(hw.post("/api/v1/tickets", "kiosk-01", {"zone": "commerce"}), 201) for _ in range(3)]
    hw.clock.now += timedelta(minutes=5)
    green = ok(hw.post("/api/v1/tickets", "kiosk-01", {"zone": "commerce", "priority": "elderly"}), 201)
    later = [ok(hw.post("/api/v1/tickets", "kiosk-01", {"zone": "commerce"}), 201) for _ in range(2)]
    hw.clock.now += timedelta(minutes=26)  # 10:31: the appointment's slot has begun
    appt = ok(hw.post("/api/v1/appointments/check-in", "kiosk-01", {"code": booking["code"]}), 201)["ticket"]
    errors = page_errors(page)
    sign_in(page, hw.url, "/console", *STAFF)
    page.click("button[data-window='37']")  # construction, economy, commerce
    expect(page.locator("#console")).to_be_visible()
    rows = page.locator("#next-list li")
    expect(rows).to_have_count(5)
    expected = [appt, green, *walk_ins, *later][:5]  # a due appointment, then the green channel, then arrival order
    assert [rows.nth(i).locator(".next-no").inner_text() for i in range(5)] == [t["number"] for t in expected]
    expect(rows.nth(0).locator(".tag-appt")).to_contain_text("预约 10:30")
    expect(rows.nth(1).locator(".tag-green")).to_contain_text("Priority: Elderly")
    color = rows.nth(1).locator(".tag-green").evaluate("e => getComputedStyle(e).backgroundColor")
    assert color == "rgb(27, 122, 43)"  # green, not grey
    shot(page, "console_next_five")

    # A citizen asks for help at a kiosk: a banner on the console; the manager says they go, the clerk sees it.
    alert = ok(hw.post("/api/v1/alerts", "kiosk-02", {"kind": "help", "message": "kiosk-02: 群众请求帮办代办"}), 201)
    banner = page.locator(f"[data-help='{alert['id']}']")
    expect(banner).to_contain_text("kiosk-02")
    expect(banner.locator("[data-help-take]")).to_be_visible()
    shot(page, "console_help_banner")
    boss = ok(hw.client.post("/api/v1/login", json=dict(zip(("username", "password"), MANAGER, strict=True))))
    r = hw.client.post(f"/api/v1/alerts/{alert['id']}/take", headers={"Authorization": f"Bearer {boss['token']}"})
    assert r.status_code == 200
    expect(banner).to_contain_text("boss is on it")
    expect(banner.locator("[data-help-take]")).to_have_count(0)
    shot(page, "console_help_taken")

    # Calls, recalls, no-show, then puts the citizen back from the console.
    page.keyboard.press("n")
    expect(page.locator("#ticket-number")).to_have_text(appt["number"])
    expect(page.locator("#ticket-tags .tag-appt")).to_be_visible()
    page.keyboard.press("x")  # too early: the key answers with the reason
    expect(page.locator("#message")).to_contain_text("Recall")
    shot(page, "console_noshow_explained")
    page.keyboard.press("r")
    expect(page.locator("#ticket-extra")).to_contain_text("Recalled 1×")
    page.keyboard.press("x")
    expect(page.locator("#ticket-none")).to_be_visible()
    expect(page.locator("#noshow-list")).to_contain_text(appt["number"])
    shot(page, "console_noshow_requeue")
    page.click(f"[data-requeue='{appt['id']}']")
    expect(page.locator("#noshow-card")).to_be_hidden()
    expect(page.locator("#next-list")).to_contain_text(appt["number"])
    assert ok(hw.get(f"/api/v1/tickets/{appt['id']}", "staff"))["state"] == "waiting"
    assert errors == []


def test_a_call_left_unanswered_is_flagged_on_the_dashboard(hallway, browser):
    hw = hallway
    ok(hw.post("/api/v1/windows/37/open", "staff"))
    t = ok(hw.post("/api/v1/tickets", "kiosk-01", {"zone": "commerce"}), 201)
    assert ok(hw.post("/api/v1/windows/37/call-next", "staff"))["id"] == t["id"]
    hw.clock.now += timedelta(minutes=7)
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors = page_errors(page)
    sign_in(page, hw.url, "/dashboard", *MANAGER)
    stale = page.locator("#problems li[data-kind='stale_call']")
    expect(stale).to_contain_text(f"{t['number']} called 7 min ago and not started")
    expect(page.locator("#live-windows [data-window='37']")).to_contain_text(t["number"])
    expect(page.locator("#clock")).to_contain_text("10:07")  # the hall's clock, not this browser's
    stale.locator("[data-fix]").click()
    expect(page.locator("#live-windows [data-window='37']")).to_have_class(re.compile(r"\bselected\b"))
    shot(page, "dashboard_stale_call")
    assert errors == []
    context.close()
