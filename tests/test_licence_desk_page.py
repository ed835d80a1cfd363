"""The licence desk page (/desk/licences) in headless Chromium, signed in with a backoffice account: a CSV with
bad rows shows them by line; a batch of notices prints as one PDF; the ready SMS goes through the outbox to the
SMS gateway double; postal states; licences left after the hold period are listed for follow-up."""

from __future__ import annotations

import dataclasses
import subprocess
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from queue_server.hall_config import Sms, load_config
from queue_server.ops import accounts
from queue_server.testing.sms_gateway_double import SmsGatewayDouble
from tests.support.clocked_server import serve_hallway
from tests.support.pickup_helpers import STAFF
from tests.support.web_pages import page_errors, shot, sign_in

CLERK = ("clerk", "clerk-pass-1")


@pytest.fixture(scope="module")
def gateway():
    with SmsGatewayDouble() as g:
        yield g


@pytest.fixture(scope="module")
def hw(tmp_path_factory, gateway):
    cfg = dataclasses.replace(load_config(), sms=Sms(enabled=True, url=gateway.url, auth_header="Authorization: x",
                                                     body_template='{"mobile": "$phone", "content": "$text"}'))
    for hw in serve_hallway(tmp_path_factory.mktemp("desk"), config=cfg, settings={"SMS_WORKER": True}):
        accounts.add_user(hw.hall, *CLERK, "backoffice")
        yield hw


@pytest.fixture(scope="module")
def page(hw, browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    errors = page_errors(page)
    sign_in(page, hw.url, "/desk/licences", *CLERK)
    expect(page.locator("#register-form")).to_be_visible()
    yield page
    assert errors == []
    context.close()


def wait_until(condition, what: str, page) -> None:
    """Poll a condition (the SMS worker runs in its own thread); the page's own wait keeps the browser alive."""
    for _ in range(600):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never happened: {what}")


def row(page, case_no: str):
    return page.locator(f"#licences-table tr[data-case='{case_no}']")


def test_a_staff_account_is_refused_the_desk_and_the_clerk_the_dashboard(hw, browser):
    context = browser.new_context()
    p = context.new_page()
    assert p.goto(hw.url + "/desk/licences").status == 401
    with p.expect_navigation():
        sign_in(p, hw.url, "/desk/licences", *STAFF)
    expect(p.locator("#denied")).to_contain_text("后台")
    with p.expect_navigation():
        p.click("#logout-btn")
    expect(p.locator("#logout-btn")).to_have_count(0)
    sign_in(p, hw.url, "/dashboard", *CLERK)
    expect(p.locator("#to-desk")).to_be_visible()
    p.click("#to-desk")
    expect(p.locator("#register-form")).to_be_visible()
    context.close()


def test_import_a_csv_with_bad_rows_shows_them_by_line(page, tmp_path):
    csv = tmp_path / "licences.csv"
    csv.write_text("case_no,licence_type,holder_name,id_last4,phone_last4,method\n"
                   "CSV-1,营业执照,张三,123X,5678,desk\n"
                   "CSV-2,营业执照,李四,12,5678,desk\n"
                   "CSV-3,食品经营许可证,王五,4321,8765,desk\n"
                   "CSV-1,营业执照,张三,123X,5678,desk\n"
                   "CSV-5,营业执照,赵六,1111,2222,drone\n", encoding="utf-8")
    page.set_input_files("#import-file", str(csv))
    page.click("#import-btn")
    expect(page.locator("#import-created")).to_have_text("2")
    expect(page.locator("#import-rejected")).to_have_text("3")
    lines = page.locator("#import-errors tbody tr")
    expect(lines).to_have_count(3)
    expect(page.locator("#import-errors tr[data-line='3']")).to_contain_text("id_last4")
    expect(page.locator("#import-errors tr[data-line='5']")).to_contain_text("registered already")
    expect(page.locator("#import-errors tr[data-line='6']")).to_contain_text("method")
    expect(row(page, "CSV-3")).to_be_visible()
    expect(row(page, "CSV-2")).to_have_count(0)
    shot(page, "desk_licences_import", full_page=True)


def test_register_then_print_a_batch_of_notices_as_one_pdf(page, tmp_path):
    page.fill("#register-form [name=case_no]", "REG-1")
    page.fill("#register-form [name=licence_type]", "营业执照")
    page.fill("#register-form [name=holder_name]", "欧阳小明")
    page.fill("#register-form [name=id_last4]", "4455")
    page.fill("#register-form [name=phone_last4]", "6677")
    page.click("#register-btn")
    expect(page.locator("#new-code")).to_be_visible()
    expect(row(page, "REG-1")).to_be_visible()
    for case in ("REG-1", "CSV-3"):
        row(page, case).locator("[data-pick]").check()
    expect(page.locator("#selected-count")).to_have_text("(2)")
    with page.expect_download() as download:
        page.click("#print-btn")
    path = tmp_path / "notices.pdf"
    download.value.save_as(path)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) == 2
    assert {"REG-1" in p for p in pages} == {True, False} and all("证照领取通知" in p for p in pages)
    assert any("欧**明" in p for p in pages)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "NotoSansCJK" in fonts


def test_send_the_ready_sms_through_the_outbox_to_the_gateway(page, hw, gateway):
    lic = hw.licence(case_no="SMS-1", holder_name="钱七", phone_last4="5678", ready=False)
    assert hw.post(f"/api/v1/licences/{lic['id']}/ready", "manager").status_code == 200
    page.reload()
    r = row(page, "SMS-1")
    expect(r.locator("[data-sms-state]")).to_have_attribute("data-sms-state", "none")
    r.locator("[data-phone]").fill("13900005678")
    r.locator("[data-sms]").click()
    expect(page.locator("#message")).to_contain_text("139****5678")
    wait_until(lambda: any(m["body"]["mobile"] == "13900005678" for m in gateway.received), "the SMS was sent", page)
    sent = next(m for m in gateway.received if m["body"]["mobile"] == "13900005678")
    assert lic["pickup_code"] in sent["body"]["content"] and "钱*" in sent["body"]["content"]
    page.reload()
    expect(row(page, "SMS-1").locator("[data-sms-state]")).to_have_attribute("data-sms-state", "sent")
    shot(page, "desk_licences_sms", full_page=True)


def test_postal_states_from_waybill_to_delivered(page, hw):
    lic = hw.licence(case_no="POST-1", method="post", post_address="山东省济南市历下区泉城路188号3单元502室")
    page.reload()
    expect(row(page, "POST-1")).to_contain_text("待市民确认地址")
    hw.post("/api/v1/pickups/confirm", "kiosk-01", {"code": lic["pickup_code"], "accept": True})
    page.reload()
    r = row(page, "POST-1")
    r.locator("[data-waybill]").fill("bad")
    r.locator("[data-postal='waybill']").click()
    expect(page.locator("#message")).to_contain_text("waybill")
    expect(r.locator("[data-postal-state]")).to_have_attribute("data-postal-state", "none")
    r.locator("[data-waybill]").fill("EMS1234567890")
    r.locator("[data-postal='waybill']").click()
    expect(r.locator("[data-postal-state]")).to_have_attribute("data-postal-state", "labelled")
    expect(r).to_contain_text("EMS1234567890")
    r.locator("[data-postal='posted']").click()
    expect(r.locator("[data-postal-state]")).to_have_attribute("data-postal-state", "posted")
    shot(page, "desk_licences_postal", full_page=True)
    r.locator("[data-postal='delivered']").click()
    expect(r.locator("[data-postal-state]")).to_have_attribute("data-postal-state", "delivered")
    expect(r.locator("[data-postal]")).to_have_count(0)
    events = hw.get(f"/api/v1/licences/{lic['id']}/postal", "manager").get_json()["events"]
    assert [e["event"] for e in events] == ["waybill", "posted", "delivered"]  # the refused one left no trace


def test_licences_left_after_the_hold_period_are_listed(page, hw):
    expect(page.locator("#no-uncollected")).to_be_visible()
    hw.clock.now += timedelta(days=hw.hall.config.rules.licence_hold_days + 1)
    sign_in(page, hw.url, "/desk/licences", *CLERK)  # the session of 91 days ago has ended
    table = page.locator("#uncollected-table tbody")
    expect(table.locator("tr")).not_to_have_count(0)
    expect(table).to_contain_text("CSV-3")
    expect(table).to_contain_text("超期未取")
    expect(table).not_to_contain_text("POST-1")  # delivered
    shot(page, "desk_licences_uncollected", full_page=True)
