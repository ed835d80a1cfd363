"""The accounts and devices page (/admin/accounts) in headless Chromium against a real server: a disabled account's
open session ends at once (its next call 401, its page back at the sign-in form); a new account, a role, a
password; a device registered with its setup QR, seen, rotated and revoked."""

from __future__ import annotations

import tomllib

import pytest
import requests
from playwright.sync_api import expect

from tests.support.api import Api
from tests.support.web_pages import shot, sign_in, signed_in_page


@pytest.fixture(scope="module")
def page(server, browser):
    yield from signed_in_page(browser, server.url, "/admin/accounts", *server.seeded.manager,
                              ready="#users-table tbody tr")


def test_disabling_an_account_ends_its_open_session(page, browser, server):
    staff_context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    console = staff_context.new_page()
    sign_in(console, server.url, "/console", "staff2", server.seeded.staff["staff2"])
    expect(console.locator("#picker-grid button").first).to_be_visible()
    page.reload()  # the list as it is now, with the console's session
    row = page.locator("#users-table tr[data-user='staff2']")
    expect(row.locator("td").nth(3)).to_have_text("1")
    row.locator("[data-act='disable']").click()
    expect(page.locator("#message")).to_contain_text("已结束 1 个会话")
    expect(row).to_contain_text("已停用 Disabled")
    shot(page, "admin_accounts_disabled")
    status = console.evaluate("async () => (await fetch('/api/v1/me')).status")
    assert status == 401
    console.evaluate("Hall.api('GET', '/api/v1/me')")  # the page's next call: back to the sign-in form
    expect(console.locator("#login-form")).to_be_visible()
    shot(console, "admin_accounts_console_after_disable")
    row.locator("[data-act='enable']").click()
    expect(row).to_contain_text("正常 Active")
    staff_context.close()


def test_add_an_account_change_its_role_and_set_its_password(page, server):
    page.fill("#new-username", "zhou")
    page.fill("#new-password", "zhou-pass-1")
    page.click("#user-add")
    row = page.locator("#users-table tr[data-user='zhou']")
    expect(row).to_contain_text("正常 Active")
    zhou = Api.login(server.url, "zhou", "zhou-pass-1")
    row.locator("select[data-act='role']").select_option("manager")
    expect(page.locator("#message")).to_contain_text("管理员 Manager")
    assert zhou.call("GET", "/api/v1/config").status_code == 200
    row.locator(".new-password").fill("zhou-pass-2")
    row.locator("[data-act='password']").click()
    expect(page.locator("#message")).to_contain_text("已结束 1 个会话")
    assert zhou.call("GET", "/api/v1/me").status_code == 401
    Api.login(server.url, "zhou", "zhou-pass-2")
    page.fill("#new-username", "zhou")
    page.fill("#new-password", "another-1")
    page.click("#user-add")
    expect(page.locator("#user-error")).to_contain_text("already a user")


def test_a_device_gets_a_setup_qr_is_seen_rotated_and_revoked(page, server):
    page.fill("#new-device", "kiosk-07")
    page.select_option("#new-device-kind", "kiosk")
    page.click("#device-add")
    expect(page.locator("#setup-qr svg")).to_be_visible()
    setup = tomllib.loads(page.locator("#setup-text").inner_text())
    assert setup["device"] == {"name": "kiosk-07", "kind": "kiosk"} and setup["server"]["url"] == server.url
    shot(page, "admin_device_setup")
    row = page.locator("#devices-table tr[data-device='kiosk-07']")
    expect(row).to_contain_text("从未 Never")
    kiosk = Api(server.url, setup["server"]["token"])
    kiosk.ok("GET", "/api/v1/me")
    page.reload()
    expect(row).to_contain_text("刚刚 just now")
    expect(page.locator("#setup-box")).to_be_hidden()  # a token is shown once, never again after a reload
    row.locator("[data-act='rotate']").click()
    expect(page.locator("#setup-qr svg")).to_be_visible()
    new = tomllib.loads(page.locator("#setup-text").inner_text())["server"]["token"]
    assert new != setup["server"]["token"] and kiosk.call("GET", "/api/v1/me").status_code == 401
    page.click("#setup-close")
    row.locator("[data-act='revoke']").click()
    row.locator("[data-act='revoke']").click()  # the second click confirms
    expect(row).to_contain_text("已吊销 Revoked")
    assert Api(server.url, new).call("GET", "/api/v1/me").status_code == 401
    shot(page, "admin_devices", full_page=True)


def test_wrong_passwords_show_and_the_manager_unlocks_from_the_dashboards_link(page, server):
    """The dashboard's 账号 Accounts tab is a link to this page (one accounts page, not two); the failures
    show on the row, the unlock clears them, and the audit log names the password change without its value."""
    for _ in range(2):
        requests.post(server.url + "/api/v1/login", json={"username": "staff3", "password": "wrong"}, timeout=10)
    page.goto(server.url + "/dashboard")
    page.click("a.tab[href='/admin/accounts']")
    page.wait_for_url("**/admin/accounts")
    row = page.locator("#users-table tr[data-user='staff3']")
    expect(row).to_contain_text("2 wrong password(s)")
    shot(page, "admin_accounts_wrong_passwords")
    row.locator("[data-act='unlock']").click()
    expect(page.locator("#message")).to_contain_text("staff3：解锁")
    expect(row.locator("[data-act='unlock']")).to_have_count(0)
    expect(row).not_to_contain_text("wrong password")
    row.locator(".new-password").fill("staff3-new-pass")
    row.locator("[data-act='password']").click()
    expect(page.locator("#message")).to_contain_text("staff3：重设")  # this answer, not the unlock's
    page.goto(server.url + "/dashboard")
    page.click(".tab[data-tab='audit']")
    expect(page.locator("#audit-table")).to_contain_text("重设密码 Password set")
    expect(page.locator("#audit-table")).not_to_contain_text("staff3-new-pass")
    Api.login(server.url, "staff3", "staff3-new-pass")
