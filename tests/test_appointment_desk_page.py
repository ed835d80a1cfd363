"""The appointment desk page (/desk/appointments) in headless Chromium on a fixed clock (Monday 23 Nov 2026,
10:00 in Jinan): a phone booking picked on the slot grid and checked in at the kiosk (its API check-in path), a
no-show, a booking moved and cancelled, a capacity change refused below the bookings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from queue_server.ops import accounts
from tests.support.clocked_server import serve_hallway
from tests.support.web_pages import page_errors, shot, sign_in

CLERK = ("clerk", "clerk-pass-1")


@pytest.fixture(scope="module")
def hw(tmp_path_factory):
    for hw in serve_hallway(tmp_path_factory.mktemp("appt-desk")):
        accounts.add_user(hw.hall, *CLERK, "backoffice")
        yield hw


@pytest.fixture(scope="module")
def page(hw, browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    errors = page_errors(page)
    sign_in(page, hw.url, "/desk/appointments", *CLERK)
    expect(page.locator("#picker tbody tr").first).to_be_visible()
    page.select_option("#zone", "commerce")
    expect(page.locator("#picker [data-start='2026-11-23T10:30:00+08:00']")).to_be_visible()
    yield page
    assert errors == []
    context.close()


def slot(page, start: str):
    return page.locator(f"#picker [data-start='2026-11-23T{start}:00+08:00']")


def day_row(page, appointment_id: int):
    return page.locator(f"#day-table tr[data-id='{appointment_id}']")


def test_book_a_phone_appointment_and_check_it_in_at_the_kiosk(page, hw):
    hw.clock.now -= timedelta(hours=2)  # 08:00: an earlier booking for 09:00 that nobody comes to
    absent = hw.post("/api/v1/appointments", "backoffice", {"zone": "commerce", "slot_start": "2026-11-23T09:00",
                                                            "name": "缺席者"}).get_json()
    hw.clock.now += timedelta(hours=2)
    expect(slot(page, "09:00")).to_be_disabled()  # started already
    expect(slot(page, "10:30")).to_contain_text("余 6")
    slot(page, "10:30").click()
    expect(page.locator("#slot-title")).to_contain_text("10:30–11:00")
    page.fill("#book-name", "刘女士")
    page.fill("#book-note", "13900001234")
    page.click("#book-btn")
    code = page.locator("#booked-code")
    expect(code).to_be_visible()
    expect(slot(page, "10:30")).to_contain_text("余 5")
    shot(page, "desk_appointments_booked", full_page=True)
    typed = code.inner_text().strip()
    r = hw.post("/api/v1/appointments/check-in", "kiosk-01", {"code": typed})  # the kiosk's 预约签到, unchanged
    assert r.status_code == 201, r.get_json()
    booked = r.get_json()
    page.click("#day-refresh")
    row = day_row(page, booked["appointment_id"])
    expect(row.locator("[data-status]")).to_have_attribute("data-status", "checked_in")
    expect(row).to_contain_text(booked["ticket"]["number"])
    expect(row).to_contain_text("13900001234")
    expect(day_row(page, absent["id"]).locator("[data-status]")).to_have_attribute("data-status", "no_show")
    expect(page.locator("#day-counts")).to_contain_text("未到 1")
    shot(page, "desk_appointments_day", full_page=True)


def test_move_then_cancel_a_booking(page, hw):
    a = hw.post("/api/v1/appointments", "backoffice", {"zone": "commerce", "slot_start": "2026-11-23T14:00",
                                                       "name": "周先生"}).get_json()
    page.click("#day-refresh")
    day_row(page, a["id"]).locator("[data-move]").click()
    expect(page.locator("#moving")).to_contain_text("周先生")
    slot(page, "15:00").click()
    expect(page.locator("#move-btn")).to_be_visible()
    page.click("#move-btn")
    expect(page.locator("#message")).to_contain_text("15:00")
    expect(day_row(page, a["id"])).to_contain_text("15:00")
    assert hw.get(f"/api/v1/appointments/{a['id']}", "manager").get_json()["slot_start"].startswith(
        "2026-11-23T07:00")  # 15:00 in Jinan
    cancel = day_row(page, a["id"]).locator("[data-cancel]")
    cancel.click()
    expect(cancel).to_contain_text("确认取消")
    cancel.click()
    expect(day_row(page, a["id"]).locator("[data-status]")).to_have_attribute("data-status", "cancelled")
    expect(slot(page, "15:00")).to_contain_text("余 6")


def test_capacity_edit_is_refused_below_the_booked_count(page, hw):
    for name in ("甲", "乙"):
        hw.post("/api/v1/appointments", "backoffice", {"zone": "commerce", "slot_start": "2026-11-23T16:00",
                                                       "name": name})
    page.click("#next-week")
    page.click("#prev-week")  # reloads the grid with the new bookings
    expect(slot(page, "16:00")).to_contain_text("余 4")
    slot(page, "16:00").click()
    page.fill("#capacity", "1")
    page.click("#capacity-btn")
    expect(page.locator("#slot-error")).to_contain_text("容量不能小于 2")
    expect(page.locator("#message")).to_contain_text("cannot go below 2")
    expect(page.locator("#capacity")).to_have_value("6")
    shot(page, "desk_appointments_capacity_refused")
    page.fill("#capacity", "2")
    page.click("#capacity-btn")
    expect(slot(page, "16:00")).to_contain_text("余 0")
    expect(page.locator("#slot-capacity")).to_have_text("2")
