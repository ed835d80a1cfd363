"""The dashboard's accounts tab in Chromium: the manager disables, enables, unlocks and sets a password, and
the staff member's sessions end at once (through the server-set cookie and the page's CSRF token)."""

from __future__ import annotations

import requests
from playwright.sync_api import expect

from tests.support.api import Api
from tests.support.web_pages import page_errors, shot, sign_in


def test_manager_runs_accounts_from_the_dashboard(server, browser):
    s = server.seeded
    staff = Api.login(server.url, "staff2", s.staff["staff2"])
    for _ in range(2):
        requests.post(server.url + "/api/v1/login", json={"username": "staff3", "password": "wrong"}, timeout=10)
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors = page_errors(page)
    sign_in(page, server.url, "/dashboard", *s.manager)
    page.click(".tab[data-tab='accounts']")
    row = page.locator("#accounts-table tr[data-user='staff2']")
    expect(row).to_contain_text("正常 Active")
    expect(page.locator("#accounts-table tr[data-user='staff3']")).to_contain_text("2 wrong password(s)")
    shot(page, "dashboard_accounts")

    row.locator("button[data-act='disable']").click()
    expect(page.locator("#message")).to_contain_text("1 session(s) ended")
    expect(row).to_contain_text("已停用 Disabled")
    assert staff.call("GET", "/api/v1/me").status_code == 401
    r = requests.post(server.url + "/api/v1/login", json={"username": "staff2", "password": s.staff["staff2"]},
                      timeout=10)
    assert r.status_code == 403 and r.json()["error"] == "account_disabled"
    row.locator("button[data-act='enable']").click()
    expect(page.locator("#message")).to_contain_text("staff2：启用 Enable")
    expect(row).to_contain_text("正常 Active")

    row.locator(".new-password").fill("changed-pass-2")
    row.locator("button[data-act='password']").click()
    expect(page.locator("#message")).to_contain_text("staff2：设置 Set")
    assert Api.login(server.url, "staff2", "changed-pass-2").ok("GET", "/api/v1/me")["name"] == "staff2"

    page.locator("#accounts-table tr[data-user='staff3'] button[data-act='unlock']").click()
    expect(page.locator("#accounts-table tr[data-user='staff3'] button[data-act='unlock']")).to_have_count(0)
    page.click(".tab[data-tab='audit']")
    expect(page.locator("#audit-table")).to_contain_text("重设密码 Password set")
    expect(page.locator("#audit-table")).not_to_contain_text("changed-pass-2")
    assert errors == []
    context.close()
