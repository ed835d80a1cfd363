"""The hall content admin page (/admin) in headless Chromium against a real server: a clerk adds a matter with its
一次告知 guide and a kiosk presenter on the same server shows it without a restart; the version is listed with
its diff and restored away; a mistake is shown next to its field and changes nothing; a section saved live."""

from __future__ import annotations

import queue

import pytest
from playwright.sync_api import expect

from hall_client.client import HallClient
from kiosk.presenter import KioskPresenter
from kiosk.runner import InlineRunner
from tests.support.api import Api
from tests.support.kiosk_fakes import FakeClock, config
from tests.support.web_pages import page_errors, shot, sign_in, signed_in_page

EVENT_WAIT_S = 30  # an upper bound for the event to arrive on a busy machine (the test waits for it, not a time)


@pytest.fixture(scope="module")
def kiosk(server):
    """A kiosk presenter on the real server, its event stream followed as the kiosk app does."""
    token = server.seeded.devices["kiosk-01"]
    p = KioskPresenter(config(), HallClient(server.url, token), None, InlineRunner(), clock=FakeClock())
    p.start()
    assert p.ready
    events: queue.Queue = queue.Queue()
    follower = HallClient(server.url, token).follow(on_event=events.put)
    yield p, events
    follower.stop()


def next_config_change(events: queue.Queue, version: int):
    while True:
        ev = events.get(timeout=EVENT_WAIT_S)
        if ev.kind == "config_changed" and ev.data.get("version") == version:
            return ev


@pytest.fixture(scope="module")
def page(server, browser):
    yield from signed_in_page(browser, server.url, "/admin", *server.seeded.manager, ready="#matters-table tbody tr")


def live_version(server) -> int:
    return Api.login(server.url, *server.seeded.manager).ok("GET", "/api/v1/config")["version"]


def test_a_new_matter_with_its_guide_reaches_the_kiosk_live_and_a_restore_takes_it_away(page, kiosk, server):
    presenter, events = kiosk
    before = live_version(server)
    shot(page, "admin_matters")
    page.click("#matter-add")
    form = page.locator("#matter-form")
    form.locator("[data-key=code]").fill("A98")
    form.locator("[data-key=zone]").select_option("commerce")
    form.locator("[data-key=name_zh]").fill("餐饮店招牌设置备案")
    form.locator("[data-key=name_en]").fill("Register a shop sign")
    form.locator("[data-key=legal_days]").fill("10")
    form.locator("[data-key=promised_days]").fill("3")
    form.locator("[data-key=conditions_zh]").fill("已取得营业执照的餐饮经营者")
    form.locator("[data-key=conditions_en]").fill("Restaurants holding a business licence")
    form.locator("[data-key=legal_basis_zh]").fill("《城市市容和环境卫生管理条例》第十一条")
    form.locator("[data-key=legal_basis_en]").fill("City Appearance Regulations, art. 11")
    for mid in ("business_licence", "id_card", "photo"):
        page.select_option("#material-pick", mid)
        page.click("#material-add")
    page.select_option("[data-material-kind='2']", "optional")
    page.check("[data-material-defer='2']")
    shot(page, "admin_matter_editor")
    page.click("#matter-save")
    expect(page.locator("#message")).to_contain_text(f"已保存为第 {before + 1} 版")
    expect(page.locator("#matter-editor")).to_be_hidden()
    expect(page.locator("#matters-table tr[data-code='A98']")).to_contain_text("餐饮店招牌设置备案")

    ev = next_config_change(events, before + 1)
    presenter.apply_event(ev.id, ev.kind, ev.data)  # as the kiosk app does on its UI thread
    presenter.go_home()
    presenter.open_zone("commerce")
    assert "A98" in [m["code"] for m in presenter.matters()]
    presenter.open_matter("A98")
    guide = presenter.guide()
    assert guide["conditions"] == ("已取得营业执照的餐饮经营者", "Restaurants holding a business licence")
    assert guide["legal_basis"][0] == "《城市市容和环境卫生管理条例》第十一条"
    assert guide["days"][0] == "法定时限 10 个工作日，承诺时限 3 个工作日"
    assert [(m["id"], m["main"], m["deferrable"]) for m in guide["materials"]] == [
        ("business_licence", True, False), ("id_card", True, False), ("photo", False, True)]

    page.click(".tab[data-tab='versions']")
    row = page.locator(f"#versions-table tr[data-version='{before + 1}']")
    expect(row).to_contain_text("boss")
    expect(row).to_contain_text("admin page")
    row.locator("[data-diff]").click()
    expect(page.locator("#diff-text")).to_contain_text('+code = "A98"')
    shot(page, "admin_versions", full_page=True)
    page.locator(f"#versions-table tr[data-version='{before}'] [data-revert]").click()
    expect(page.locator("#message")).to_contain_text(f"已恢复第 {before} 版")
    expect(page.locator("#live-version")).to_have_text(str(before + 2))

    ev = next_config_change(events, before + 2)
    presenter.apply_event(ev.id, ev.kind, ev.data)
    presenter.go_home()
    presenter.open_zone("commerce")
    assert "A98" not in [m["code"] for m in presenter.matters()]


def test_a_mistake_is_shown_by_its_field_and_nothing_changes(page, server):
    page.click(".tab[data-tab='matters']")
    before = live_version(server)
    page.locator("#matters-table tr[data-code='A01'] [data-edit]").click()
    field = page.locator("#matter-form [data-key=legal_days]")
    field.fill("-3")
    page.click("#matter-save")
    expect(page.locator("#matter-error")).to_contain_text("legal_days")
    expect(field).to_have_class("invalid")
    expect(field.locator("xpath=following-sibling::span[1]")).to_contain_text("must be at least 0")
    shot(page, "admin_matter_error")
    page.click("#matter-cancel")
    assert live_version(server) == before


def test_windows_and_their_zones_are_saved_live_and_a_bad_zone_is_refused(page, server):
    page.click(".tab[data-tab='windows']")
    zones = page.locator("[data-path='windows[0].zones']")
    expect(zones).to_have_value("commerce chain public")
    zones.fill("commerce nowhere")
    page.click("#windows-save")
    expect(page.locator("#windows-error")).to_contain_text("unknown zone 'nowhere'")
    expect(zones).to_have_class("invalid")
    shot(page, "admin_windows_error")
    zones.fill("commerce economy")
    page.click("#windows-save")
    expect(page.locator("#message")).to_contain_text("已保存为第")
    hall = Api(server.url).ok("GET", "/api/v1/hall")
    assert next(w for w in hall["windows"] if w["number"] == 1)["zones"] == ["commerce", "economy"]


def test_bundles_show_the_merged_list_without_what_the_chain_issues(page):
    page.click(".tab[data-tab='bundles']")
    row = page.locator("#bundles-body tr", has=page.locator("input[value='company-opening']"))
    expect(row.locator("td.merged")).to_contain_text("企业登记（备案）申请书")
    expect(row.locator("td.merged")).not_to_contain_text("营业执照")
    shot(page, "admin_bundles")


def test_the_page_is_for_managers_only(browser, server):
    context = browser.new_context()
    pg = context.new_page()
    sign_in(pg, server.url, "/admin", "staff1", server.seeded.staff["staff1"])
    expect(pg.locator("#denied")).to_contain_text("仅限大厅管理员")
    context.close()


def test_a_renamed_zone_reaches_the_board_and_the_console_live(page, browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-CN")
    board = context.new_page()
    board_errors = page_errors(board)
    board.goto(server.url + "/board")
    expect(board.locator("body")).to_contain_text("公共服务")
    staff = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    console = staff.new_page()
    sign_in(console, server.url, "/console", "staff3", server.seeded.staff["staff3"])
    expect(console.locator("#picker-grid button").first).to_be_visible()
    page.click(".tab[data-tab='zones']")
    name = page.locator("[data-path='zones[1].name_zh']")
    expect(name).to_have_value("公共服务")
    name.fill("社会事务综合")
    page.click("#zones-save")
    expect(page.locator("#message")).to_contain_text("已保存为第")
    expect(board.locator("body")).to_contain_text("社会事务综合")  # no reload: the config_changed event
    expect(console.locator("#transfer-zone")).to_contain_text("社会事务综合")
    expect(console.locator("#picker-grid")).to_contain_text("社会事务综合")
    expect(page.locator("#moved")).to_be_hidden()  # its own save is not "changed elsewhere"
    shot(board, "admin_zone_renamed_board")
    page.click(".tab[data-tab='opening']")
    shot(page, "admin_opening", full_page=True)
    assert board_errors == []
    context.close()
    staff.close()


def test_a_change_made_elsewhere_is_read_again_live(page, server):
    page.click(".tab[data-tab='notices']")
    boss = Api.login(server.url, *server.seeded.manager)
    live = boss.ok("GET", "/api/v1/config")
    live["config"]["hall"]["notice_zh"] = "今日下午系统升级，请提前取号。"
    done = boss.ok("PUT", "/api/v1/config", {"config": live["config"]})
    expect(page.locator("#live-version")).to_have_text(str(done["version"]))
    expect(page.locator("[data-path='hall.notice_zh']")).to_have_value("今日下午系统升级，请提前取号。")
    shot(page, "admin_notices")


def test_a_matter_names_the_documents_it_issues(page, server):
    page.click(".tab[data-tab='matters']")
    page.locator("#matters-table tr[data-code='A02'] [data-edit]").click()
    expect(page.locator("#matter-produces")).to_contain_text("无 None")
    page.select_option("#produces-pick", "business_licence")
    page.click("#produces-add")
    expect(page.locator("#matter-produces")).to_contain_text("营业执照")
    page.click("#matter-save")
    expect(page.locator("#matter-editor")).to_be_hidden()
    live = Api.login(server.url, *server.seeded.manager).ok("GET", "/api/v1/config")["config"]
    assert next(m for m in live["matters"] if m["code"] == "A02")["produces"] == ["business_licence"]
