"""The dashboard's live hall in Chromium, from an empty morning: empty states everywhere, then the problems
as they come (people waiting with no window for them, a kiosk asking for help), each fixed from the list;
closed windows folded; device alerts in one clean line per device; queue events applied without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.api import Api
from tests.support.web_pages import shot, signed_in_page


@pytest.fixture(scope="module")
def dash(server, browser):
    yield from signed_in_page(browser, server.url, "/dashboard", *server.seeded.manager, ready="#zones-table tbody tr")


def test_an_empty_morning_says_so_everywhere(dash):
    expect(dash.locator("#no-problems")).to_be_visible()
    expect(dash.locator("#no-alerts")).to_be_visible()
    expect(dash.locator("#no-open-windows")).to_be_visible()
    expect(dash.locator("#closed-summary")).to_contain_text("Closed windows: 50")
    expect(dash.locator("#closed-windows .win")).to_have_count(0)  # folded
    expect(dash.locator("#kpi-satisfaction")).to_contain_text("none yet")
    shot(dash, "dashboard_empty_live")
    dash.click(".tab[data-tab='history']")
    expect(dash.locator("[data-empty-for='chart-ratings']")).to_have_text("暂无评价 No ratings yet")
    expect(dash.locator("#chart-ratings")).to_be_hidden()
    expect(dash.locator("#no-staff")).to_be_visible()
    shot(dash, "dashboard_empty_history", full_page=True)
    dash.click(".tab[data-tab='live']")


def test_problems_ranked_and_fixed_from_the_list(dash, server):
    s = server.seeded
    kiosk = Api(server.url, s.devices["kiosk-01"])
    staff1 = Api.login(server.url, "staff1", s.staff["staff1"])
    staff1.ok("POST", "/api/v1/windows/1/open")
    expect(dash.locator("#live-windows [data-window='1']")).to_contain_text("staff1")
    expect(dash.locator("#closed-summary")).to_contain_text("Closed windows: 49")
    for _ in range(4):  # enquiries: no open window serves them
        kiosk.ok("POST", "/api/v1/tickets", {"zone": "consult"})
    first = dash.locator("#problems li").first
    expect(first).to_have_attribute("data-kind", "no_window")
    expect(first).to_contain_text("4 waiting and no open window serves it")
    kiosk.ok("POST", "/api/v1/alerts", {"kind": "help", "message": "kiosk-01: kiosk-01: 群众请求帮办代办 / help"})
    kiosk.ok("POST", "/api/v1/alerts", {"kind": "camera_missing",
                                        "message": "kiosk-01: 摄像头不可用 / camera none not available"})
    line = dash.locator("#alerts li")
    expect(line).to_have_count(1)  # one line per device
    expect(line).to_contain_text("设备 kiosk-01：群众请求帮办；扫码摄像头不可用")
    expect(line).to_contain_text("just now")
    assert "none" not in line.inner_text() and line.inner_text().count("kiosk-01") == 2  # zh and en, once each
    ranked = dash.locator("#problems li")
    expect(ranked.nth(1)).to_contain_text("A citizen asks for help")
    dash.locator("#problems").scroll_into_view_if_needed()
    shot(dash, "dashboard_problems", full_page=True)
    dash.click("#closed-summary")
    expect(dash.locator("#closed-windows .win")).to_have_count(49)
    shot(dash, "dashboard_closed_unfolded", full_page=True)
    dash.click("#closed-summary")
    # The first problem's fix: a move the server proposes, or the balancing tab with the zone to give a window.
    action = Api.login(server.url, *s.manager).ok("GET", "/api/v1/supervision/live")["problems"][0]["action"]
    first.locator("[data-fix]").click()
    if action["kind"] == "accept_move":
        expect(dash.locator("#message")).to_contain_text("已采纳")
        expect(dash.locator("#problems li[data-kind='no_window']")).to_have_count(0)
    else:
        expect(dash.locator("#panel-balance")).to_be_visible()
        expect(dash.locator("#message")).to_contain_text("Click a window")
        dash.click(".tab[data-tab='live']")
    # The help line is answered from the list too.
    dash.locator("#problems li:has-text('asks for help') [data-fix]").click()
    expect(dash.locator("#alerts")).to_have_count(1)
    expect(dash.locator("#alerts li")).to_have_count(0)


def test_queue_events_are_applied_without_reading_the_hall_again(dash, server):
    kiosk = Api(server.url, server.seeded.devices["kiosk-01"])
    before = int(dash.locator("#kpi-waiting").inner_text())
    consult = dash.locator("#zones-table tr[data-zone='consult'] td").nth(1)
    in_consult = int(consult.inner_text())
    dash.route("**/api/v1/supervision/live", lambda route: route.abort())  # no whole-hall read can help
    try:
        kiosk.ok("POST", "/api/v1/tickets", {"zone": "consult"})
        expect(dash.locator("#kpi-waiting")).to_have_text(str(before + 1))
        expect(consult).to_have_text(str(in_consult + 1))
    finally:
        dash.unroute("**/api/v1/supervision/live")
