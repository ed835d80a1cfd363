"""The staff console in headless Chromium against a real server: sign in, pick a window, call, transfer,
finish, pause and resume by buttons and keys; a stale page is told so and refreshed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.api import Api
from tests.support.web_pages import page_errors, shot, sign_in


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 800}, locale="zh-CN")
    yield context.new_page()
    context.close()


def test_wrong_password_is_explained(server, page):
    sign_in(page, server.url, "/console", "staff1", "not-the-password", accepted=False)
    expect(page.locator("#login-error")).to_contain_text("Wrong user name or password")
    shot(page, "console_login_error")


def test_call_transfer_and_finish(server, page):
    s = server.seeded
    kiosk = Api(server.url, s.devices["kiosk-01"])
    first = kiosk.ok("POST", "/api/v1/tickets", {"zone": "special", "matter": "F01"})
    second = kiosk.ok("POST", "/api/v1/tickets", {"zone": "special"})
    errors = page_errors(page)
    sign_in(page, server.url, "/console", "staff1", s.staff["staff1"])
    expect(page.locator("#picker")).to_be_visible()
    shot(page, "console_picker")
    page.click("button[data-window='39']")
    expect(page.locator("#console")).to_be_visible()
    expect(page.locator("#btn-finish")).to_be_disabled()
    page.keyboard.press("n")  # call next
    expect(page.locator("#ticket-number")).to_have_text(first["number"])
    expect(page.locator("#guide")).to_be_visible()
    assert page.locator("#guide-materials li").count() >= 1
    page.keyboard.press("s")  # start
    expect(page.locator("#ticket-state")).to_contain_text("Serving")
    expect(page.locator("#btn-finish")).to_be_enabled()
    shot(page, "console_serving")
    page.click("#btn-transfer")
    expect(page.locator("#transfer-dialog")).to_be_visible()
    served = kiosk.ok("GET", "/api/v1/windows/39")["zones"]
    elsewhere = next(z["code"] for z in kiosk.ok("GET", "/api/v1/hall")["zones"] if z["code"] not in served)
    page.select_option("#transfer-zone", elsewhere)
    page.fill("#transfer-note", "缺少授权书，请先咨询")
    shot(page, "console_transfer_dialog")
    page.click("#transfer-ok")
    expect(page.locator("#message")).to_contain_text("transferred")
    expect(page.locator("#ticket-none")).to_be_visible()
    moved = kiosk.ok("GET", f"/api/v1/tickets/{first['id']}")
    assert moved["state"] == "transferred" and moved["zone"] == elsewhere and moved["note"] == "缺少授权书，请先咨询"
    page.click("#btn-call")
    expect(page.locator("#ticket-number")).to_have_text(second["number"])
    page.keyboard.press("s")
    expect(page.locator("#btn-finish")).to_be_enabled()
    page.keyboard.press("f")  # finish
    expect(page.locator("#ticket-none")).to_be_visible()
    expect(page.locator("#mine-served")).to_have_text("1")
    expect(page.locator("#mine-transfer")).to_have_text("1")
    assert kiosk.ok("GET", f"/api/v1/tickets/{second['id']}")["state"] == "done"
    page.keyboard.press("n")  # nobody left for special/commerce
    expect(page.locator("#message")).to_contain_text("No one is waiting")
    shot(page, "console_after_finish")
    assert errors == []


def test_pause_with_reason_and_resume(server, page):
    s = server.seeded
    sign_in(page, server.url, "/console", "staff2", s.staff["staff2"])
    page.click("button[data-window='40']")
    expect(page.locator("#console")).to_be_visible()
    page.keyboard.press("p")
    expect(page.locator("#pause-dialog")).to_be_visible()
    page.select_option("#pause-reason", "会议 Meeting")
    page.fill("#pause-text", "科室例会")
    page.click("#pause-ok")
    banner = page.locator("#paused-banner")
    expect(banner).to_contain_text("会议 Meeting · 科室例会")
    expect(banner).to_contain_text("窗口已暂停")
    expect(page.locator("#ticket-none-hint")).to_contain_text("Paused")
    expect(page.locator("#btn-call")).to_be_disabled()
    expect(page.locator("#btn-resume")).to_be_visible()
    shot(page, "console_paused")
    page.keyboard.press("n")  # a key that cannot work now says why
    expect(page.locator("#message")).to_contain_text("press Resume first")
    page.click("#btn-call", force=True)  # looks off (aria-disabled) but a press is answered, not ignored
    expect(page.locator("#message")).to_contain_text("窗口已暂停")
    shot(page, "console_paused_call_explained")
    page.click("#btn-resume")
    expect(page.locator("#btn-call")).to_be_enabled()
    expect(banner).to_be_hidden()
    page.keyboard.press("p")
    page.click("#pause-ok")
    expect(banner).to_be_visible()
    page.keyboard.press("u")
    expect(page.locator("#btn-call")).to_be_enabled()
    assert Api(server.url).ok("GET", "/api/v1/windows/40")["state"] == "open"


def test_no_show_only_after_a_recall_then_sign_off(server, page):
    s = server.seeded
    kiosk = Api(server.url, s.devices["kiosk-01"])
    t = kiosk.ok("POST", "/api/v1/tickets", {"zone": "pickup"})
    sign_in(page, server.url, "/console", "staff4", s.staff["staff4"])
    page.click("button[data-window='42']")
    expect(page.locator("#console")).to_be_visible()
    expect(page.locator("#btn-call")).to_be_enabled()
    page.keyboard.press("n")
    expect(page.locator("#ticket-number")).to_have_text(t["number"])
    expect(page.locator("#btn-noshow")).to_be_disabled()
    expect(page.locator("#ticket-extra")).to_contain_text("Recall before no-show")
    page.keyboard.press("r")
    expect(page.locator("#ticket-extra")).to_contain_text("Recalled 1×")
    page.keyboard.press("x")
    expect(page.locator("#ticket-none")).to_be_visible()
    expect(page.locator("#mine-noshow")).to_have_text("1")
    assert kiosk.ok("GET", f"/api/v1/tickets/{t['id']}")["state"] == "no_show"
    page.click("#signoff-btn")
    expect(page.locator("#picker")).to_be_visible()
    assert Api(server.url).ok("GET", "/api/v1/windows/42")["state"] == "closed"


def test_pickup_desk_sees_the_licence_and_hands_it_over_after_the_id_check(server, page):
    s = server.seeded
    boss = Api.login(server.url, *s.manager)
    licence = boss.ok("POST", "/api/v1/licences", {
        "case_no": "LX-DESK-7", "licence_type": "食品经营许可证", "holder_name": "王五", "id_last4": "123X",
        "phone_last4": "6789", "method": "desk"})
    kiosk = Api(server.url, s.devices["kiosk-01"])
    ticket = kiosk.ok("POST", "/api/v1/pickups", {"code": licence["pickup_code"]})["ticket"]
    errors = page_errors(page)
    sign_in(page, server.url, "/console", "staff4", s.staff["staff4"])
    page.click("button[data-window='41']")
    expect(page.locator("#console")).to_be_visible()
    page.keyboard.press("n")
    expect(page.locator("#ticket-number")).to_have_text(ticket["number"])
    # The desk sees which licence to fetch, and for whom.
    expect(page.locator("#licence")).to_be_visible()
    expect(page.locator("#licence-info")).to_contain_text("LX-DESK-7")
    expect(page.locator("#licence-info")).to_contain_text("王五")
    page.keyboard.press("s")
    # Wrong digits: refused in plain words, nothing handed over.
    page.fill("#handover-id", "9999")
    page.click("#handover-ok")
    expect(page.locator("#message")).to_contain_text("后四位")
    assert boss.ok("GET", f"/api/v1/licences/{licence['id']}")["state"] != "collected"
    page.fill("#handover-id", "123x")  # the check letter typed in lower case is the same ID
    page.click("#handover-ok")
    expect(page.locator("#licence-done")).to_contain_text("Handed over")
    shot(page, "console_pickup_handover")
    state = boss.ok("GET", f"/api/v1/licences/{licence['id']}")
    assert state["state"] == "collected" and state["collected_by"] == "staff4" and state["collected_window"] == 41
    page.keyboard.press("f")
    expect(page.locator("#ticket-none")).to_be_visible()
    expect(page.locator("#licence")).to_be_hidden()
    page.click("#signoff-btn")
    expect(page.locator("#picker")).to_be_visible()
    assert errors == []


def test_a_stale_page_is_told_and_refreshed(server, browser):
    s = server.seeded
    kiosk = Api(server.url, s.devices["kiosk-01"])
    # two windows of their own (two tabs of one window would throttle the one behind)
    contexts = [browser.new_context(viewport={"width": 1366, "height": 800}) for _ in range(2)]
    fresh, stale = (c.new_page() for c in contexts)
    stale.route("**/api/v1/events*", lambda route: route.abort())  # this page hears no live updates
    sign_in(fresh, server.url, "/console", "staff3", s.staff["staff3"])
    fresh.click("button[data-window='34']")
    expect(fresh.locator("#console")).to_be_visible()
    a = kiosk.ok("POST", "/api/v1/tickets", {"zone": "social"})
    b = kiosk.ok("POST", "/api/v1/tickets", {"zone": "social"})
    fresh.click("#btn-call")
    expect(fresh.locator("#ticket-number")).to_have_text(a["number"])
    sign_in(stale, server.url, "/console", "staff3", s.staff["staff3"])
    expect(stale.locator("#ticket-number")).to_have_text(a["number"])
    fresh.keyboard.press("s")
    expect(fresh.locator("#btn-finish")).to_be_enabled()
    fresh.keyboard.press("f")
    expect(fresh.locator("#ticket-none")).to_be_visible()
    fresh.keyboard.press("n")
    expect(fresh.locator("#ticket-number")).to_have_text(b["number"])
    # the stale page still shows A as called; its "start" must not start B
    stale.click("#btn-start")
    expect(stale.locator("#message")).to_contain_text("out of date")
    expect(stale.locator("#ticket-number")).to_have_text(b["number"])
    shot(stale, "console_stale")
    assert kiosk.ok("GET", f"/api/v1/tickets/{b['id']}")["state"] == "called"
    for c in contexts:
        c.close()


def test_staff_on_the_dashboard_gets_the_managers_only_page(server, page):
    sign_in(page, server.url, "/console", "staff4", server.seeded.staff["staff4"])
    expect(page.locator("#picker")).to_be_visible()
    response = page.goto(server.url + "/dashboard")
    assert response.status == 403
    expect(page.locator("#denied")).to_contain_text("hall manager only")
    shot(page, "dashboard_denied_for_staff")


def test_an_ended_session_brings_back_the_sign_in_form(server, page):
    sign_in(page, server.url, "/console", "staff2", server.seeded.staff["staff2"])
    expect(page.locator("#picker:not(.hidden), #console:not(.hidden)")).to_be_visible()
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "hall_token")
    Api(server.url, token).ok("POST", "/api/v1/logout")  # e.g. expired, or signed out elsewhere
    page.click("button[data-window='40']") if page.locator("#picker").is_visible() else page.click("#btn-call")
    expect(page.locator("#login-form")).to_be_visible()


def test_queue_events_update_the_next_list_without_reading_the_whole_console(server, page):
    s = server.seeded
    kiosk = Api(server.url, s.devices["kiosk-01"])
    errors = page_errors(page)
    sign_in(page, server.url, "/console", "staff4", s.staff["staff4"])
    page.click("button[data-window='36']")  # social, public, economy
    expect(page.locator("#console")).to_be_visible()
    expect(page.locator("#btn-call")).to_be_enabled()
    whole = []
    page.on("request", lambda r: whole.append(r.url) if r.url.endswith("/api/v1/console/36") else None)
    t = kiosk.ok("POST", "/api/v1/tickets", {"zone": "social", "priority": "pregnant"})
    row = page.locator(f"#next-list li[data-ticket='{t['id']}']")
    expect(row).to_contain_text(t["number"])
    expect(row.locator(".tag-green")).to_contain_text("Pregnant")
    assert whole == []  # only the queue part was read
    page.click("#signoff-btn")
    expect(page.locator("#picker")).to_be_visible()
    assert errors == []


GAP_PROBE = """() => {
  // A stand-in EventSource: the test delivers events with the ids it chooses.
  class FakeSource {
    constructor() { this.listeners = {}; FakeSource.last = this; }
    addEventListener(kind, fn) { this.listeners[kind] = fn; }
    send(kind, id) { if (this.listeners[kind]) this.listeners[kind]({data: "{}", lastEventId: String(id)}); }
  }
  window.EventSource = FakeSource;
  const seen = [], resyncs = [];
  Hall.live(["called"], (kind, data, id) => seen.push(id), null, (why) => resyncs.push(why), {gaps: true});
  const es = FakeSource.last;
  es.onopen();
  es.send("called", 10);
  es.send("alert", 11);     // a kind this page does not apply still counts: no gap
  es.send("called", 12);
  es.send("called", 15);    // 13 and 14 never came: read the state again
  es.send("called", 16);
  return {seen, resyncs};
}"""


def test_a_gap_in_event_ids_makes_the_page_read_its_state_again(server, page):
    page.goto(server.url + "/console")  # the sign-in page carries hall.js
    assert page.evaluate(GAP_PROBE) == {"seen": [10, 12, 16], "resyncs": ["open", "gap"]}
