"""The supervision dashboard in headless Chromium: live hall with alerts, a bad rating followed up, a window
moved in two clicks, a server proposal accepted, history charts, an xlsx export opened with openpyxl, the audit."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.support.api import Api, serve_one
from tests.support.web_pages import shot, signed_in_page


@pytest.fixture(scope="module")
def hall_day(server):
    """A morning's work: three windows open, tickets served and rated (one badly), a printer out of paper."""
    s = server.seeded
    kiosk, pad = Api(server.url, s.devices["kiosk-01"]), Api(server.url, s.devices["pad-1"])
    staff = {n: Api.login(server.url, f"staff{n}", s.staff[f"staff{n}"]) for n in (1, 2, 3)}
    for n in (1, 2, 3):
        staff[n].ok("POST", f"/api/v1/windows/{n}/open")
    good = serve_one(kiosk, staff[1], 1, matter="A01")
    pad.ok("POST", "/api/v1/ratings", {"ticket_id": good["id"], "score": 5})
    bad = serve_one(kiosk, staff[1], 1, matter="A02")
    pad.ok("POST", "/api/v1/ratings", {"ticket_id": bad["id"], "score": 1, "reason": "attitude",
                                       "comment": "窗口人员态度冷淡"})
    serve_one(kiosk, staff[2], 2, matter="A01")
    kiosk.ok("POST", "/api/v1/alerts", {"kind": "printer_paper_out", "message": "1号自助机 Kiosk 1"})
    for _ in range(14):  # a queue builds up in public services, which no open window has as home zone
        kiosk.ok("POST", "/api/v1/tickets", {"zone": "public"})
    return {"bad": bad, "good": good, "staff": staff, "boss": Api.login(server.url, *s.manager)}


@pytest.fixture(scope="module")
def dash(server, browser, hall_day):
    yield from signed_in_page(browser, server.url, "/dashboard", *server.seeded.manager,
                              ready="#zones-table tbody tr", accept_downloads=True)


def test_live_hall_shows_windows_zones_alerts_and_satisfaction(dash, hall_day):
    expect(dash.locator("#kpi-waiting")).to_have_text("14")
    expect(dash.locator("#kpi-open")).to_have_text("3/50")
    expect(dash.locator("#kpi-satisfaction")).to_have_text("50.0%")
    expect(dash.locator("#kpi-followups")).to_have_text("1")
    expect(dash.locator("#alerts")).to_contain_text("打印机缺纸")
    expect(dash.locator("#live-windows [data-window='1']")).to_contain_text("staff1")
    expect(dash.locator("#zones-table tr[data-zone='public'] td").nth(1)).to_have_text("14")
    shot(dash, "dashboard_live", full_page=True)
    dash.click("#alerts [data-resolve]")
    expect(dash.locator("#alerts")).not_to_contain_text("打印机缺纸")


def test_bad_rating_is_followed_up_to_closure(dash, hall_day):
    dash.click(".tab[data-tab='followups']")
    row = dash.locator(f"#followups-table tr:has-text('{hall_day['bad']['number']}')")
    expect(row).to_contain_text("非常不满意")
    expect(row).to_contain_text("窗口人员态度冷淡")
    shot(dash, "dashboard_followups")
    row.locator("select[data-field='assignee']").select_option("staff3")
    row.locator("[data-act='assign']").click()
    expect(row).to_contain_text("Assigned: staff3")
    row.locator("input[data-field='text']").fill("已电话联系市民")
    row.locator("[data-act='note']").click()
    expect(row).to_contain_text("已电话联系市民")
    outcome = row.locator("input[data-field='outcome']")
    outcome.fill("已回访致歉，批评教育")
    # Another manager writes a note meanwhile: the table reloads, and what this one typed stays.
    bad_id = next(f["id"] for f in hall_day["boss"].ok("GET", "/api/v1/followups")
                  if f["number"] == hall_day["bad"]["number"])
    hall_day["boss"].ok("POST", f"/api/v1/followups/{bad_id}/note", {"text": "短信已发"})
    expect(row).to_contain_text("短信已发")
    expect(outcome).to_have_value("已回访致歉，批评教育")
    expect(row.locator("input[data-field='text']")).to_have_value("")
    row.locator("[data-act='close']").click()
    expect(dash.locator("#no-followups")).to_be_visible()
    closed = hall_day["boss"].ok("GET", "/api/v1/followups", state="closed")
    assert closed[0]["outcome"] == "已回访致歉，批评教育" and closed[0]["assignee"] == "staff3"


def test_move_a_window_in_two_clicks_and_accept_a_proposal(dash, hall_day):
    boss = hall_day["boss"]
    before = boss.ok("GET", "/api/v1/windows/5")["zones"]
    dash.click(".tab[data-tab='balance']")
    dash.click("#balance-windows [data-window='5']")  # click 1: the window
    dash.click("#home-buttons [data-home='social']")  # click 2: its new zone
    expect(dash.locator("#message")).to_contain_text("Window 5 now serves")
    # the new home zone first; the old ones stay as overflow
    assert boss.ok("GET", "/api/v1/windows/5")["zones"] == ["social", *[z for z in before if z != "social"]]
    proposal = dash.locator("#proposals .proposal").first
    expect(proposal).to_contain_text("公共服务")
    shot(dash, "dashboard_balancing", full_page=True)
    text = proposal.inner_text()
    proposal.locator("[data-accept]").click()
    expect(dash.locator("#message")).to_contain_text("已采纳")
    window = int(text.split("号窗口")[0])
    assert boss.ok("GET", f"/api/v1/windows/{window}")["zones"][0] == "public"
    dash.click("#balance-windows [data-window='3']")
    dash.click("#signoff-window")
    expect(dash.locator("#message")).to_contain_text("Window 3 signed off")
    assert boss.ok("GET", "/api/v1/windows/3")["state"] == "closed"
    expect(dash.locator("#signoff-window")).to_be_hidden()


def test_history_charts_and_xlsx_export(dash, hall_day):
    dash.click(".tab[data-tab='history']")
    expect(dash.locator("#h-tickets")).to_have_text("17")
    expect(dash.locator("#h-served")).to_have_text("3")
    expect(dash.locator("#staff-table")).to_contain_text("staff1")
    expect(dash.locator("#zone-history-table")).to_contain_text("公共服务")
    for canvas in ("chart-hours", "chart-waits", "chart-matters", "chart-windows", "chart-ratings"):
        assert dash.evaluate(f"!!Chart.getChart('{canvas}')"), canvas
    shot(dash, "dashboard_history", full_page=True)
    with dash.expect_download() as info:
        dash.click("#export-xlsx")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    wb = load_workbook(io.BytesIO(download.path().read_bytes()))
    days = list(wb["按日 Days"].iter_rows(values_only=True))
    assert days[0][:3] == ("日期 Day", "取号 Tickets", "办结 Served") and days[1][1:3] == (17, 3)
    staff = {r[0]: r for r in wb["人员 Staff"].iter_rows(min_row=2, values_only=True)}
    assert staff["staff1"][2] == 2 and staff["staff2"][2] == 1
    matters = {r[0]: r for r in wb["事项 Matters"].iter_rows(min_row=2, values_only=True)}
    assert matters["A01"][1] == "企业设立登记" and matters["A01"][4] == 2
    bad = list(wb["差评 Bad ratings"].iter_rows(min_row=2, values_only=True))
    assert bad[0][1] == hall_day["bad"]["number"] and bad[0][5] == "attitude"
    with dash.expect_download() as info:
        dash.click("#export-csv")
    rows = list(csv.reader(io.StringIO(info.value.path().read_text(encoding="utf-8-sig"))))
    assert ["人员 Staff", "staff1"] == rows[[r[:2] for r in rows].index(["人员 Staff", "staff1"])][:2]


def test_audit_log_lists_the_managers_actions(dash):
    dash.click(".tab[data-tab='audit']")
    table = dash.locator("#audit-table")
    expect(table).to_contain_text("PUT /api/v1/windows/<int:no>/zones")
    expect(table).to_contain_text("POST /api/v1/followups/<int:followup_id>/<action>")
    expect(table).to_contain_text("POST /api/v1/rebalance/accept")
    expect(table).to_contain_text("GET /api/v1/stats/export.xlsx")
    expect(table).to_contain_text("login")
    shot(dash, "dashboard_audit", full_page=True)
