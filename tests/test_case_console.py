"""The console in Chromium accepts a case with one material missing under 容缺: the receipt and the pledge come
out of the window's printer (decoded from the printer double's bytes) and as PDFs; then a refusal prints the
one-time notice listing exactly the missing materials."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from hardware.testing.escpos_decoder import decode
from hardware.testing.printer_double import PrinterDouble
from tests.support.case_helpers import APPLICANT, WINDOW, config_with_printer, pdf_text
from tests.support.clocked_server import serve_hallway
from tests.support.pickup_helpers import STAFF
from tests.support.web_pages import page_errors, shot, sign_in


@pytest.fixture
def printer():
    with PrinterDouble() as p:
        yield p


@pytest.fixture
def hw(tmp_path, printer):
    yield from serve_hallway(tmp_path, config=config_with_printer(printer.spec))


def test_console_accepts_a_case_under_deficiency_and_prints_receipt_and_pledge(hw, printer, browser, tmp_path):
    hw.post("/api/v1/tickets", "kiosk-01", {"zone": "economy", "matter": "C01"})
    page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
    errors = page_errors(page)
    sign_in(page, hw.url, "/console", *STAFF)
    page.click(f"button[data-window='{WINDOW}']")
    page.click("#btn-call")
    expect(page.locator("#case-open")).to_be_visible()
    page.click("#case-open")
    expect(page.locator("#case-deficiency-row")).to_be_visible()  # C01 allows 容缺
    page.fill("#case-name", APPLICANT["applicant_name"])
    page.fill("#case-id", APPLICANT["id_number"])
    page.fill("#case-phone", APPLICANT["phone"])
    page.uncheck("[data-material='floor_plan']")
    page.check("#case-deficiency")
    shot(page, "case_console_dialog")
    page.click("#case-accept")
    result = page.locator("#case-result")
    expect(result).to_contain_text("待补正")
    expect(result).to_contain_text("经营场所平面布局图")
    expect(page.locator("#case-printing")).to_contain_text("Printed 2")
    shot(page, "case_console_accepted")
    assert printer.wait_for_cut(count=2)
    printed = decode(printer.received)
    case_no = page.locator(".case-line b").first.inner_text()
    assert "受理回执" in printed and case_no in printed and "容缺受理承诺书" in printed
    assert "2026-11-30" in printed  # due in 5 working days, floor plan to supply by the same day
    receipt_url = page.locator("[data-slip='receipt']").get_attribute("href")
    pledge_url = page.locator("[data-slip='pledge']").get_attribute("href")
    pledge = pdf_text(hw.get(pledge_url, "staff").data, tmp_path / "pledge.pdf")
    receipt = pdf_text(hw.get(receipt_url, "staff").data, tmp_path / "receipt.pdf")
    assert case_no in receipt and "待补正" in receipt
    assert "容缺受理承诺书" in pledge and "经营场所平面布局图" in pledge and "2026-11-30" in pledge
    assert errors == []


def test_console_refusal_prints_the_one_time_notice(hw, printer, browser):
    hw.post("/api/v1/tickets", "kiosk-01", {"zone": "economy", "matter": "C01"})
    page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
    errors = page_errors(page)
    sign_in(page, hw.url, "/console", *STAFF)
    page.click(f"button[data-window='{WINDOW}']")
    page.click("#btn-call")
    page.click("#case-open")
    page.uncheck("[data-material='business_licence']")
    page.uncheck("[data-material='health_certificates']")
    page.click("#case-accept")  # a main material missing: the window is told to refuse instead
    expect(page.locator("#message")).to_contain_text("business_licence")
    page.select_option("#case-reason", "materials_missing")
    page.click("#case-refuse")
    expect(page.locator("#case-result")).to_contain_text("不予受理")
    shot(page, "case_console_refused")
    assert printer.wait_for_cut()
    printed = decode(printer.received)
    materials = hw.hall.config.materials
    for mid in hw.hall.config.matter("C01").materials:
        assert (materials[mid].zh in printed) == (mid in ("business_licence", "health_certificates")), mid
    assert errors == []
