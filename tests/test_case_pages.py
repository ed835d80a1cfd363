"""The receipt's phone page (/c/{token}) and the back office's case page (/cases) in Chromium: the phone shows
state, promised date and what is missing, nothing personal, and refuses an altered link; the back office marks
the 容缺 material supplied and approves the case, which makes its licence ready at the pickup desk; the
approval system's CSV moves cases too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.case_helpers import APPLICANT, C01_ALL, WINDOW, serve_c01
from tests.support.clocked_server import serve_hallway
from tests.support.pickup_helpers import MANAGER
from tests.support.web_pages import page_errors, shot, sign_in


@pytest.fixture
def hw(tmp_path):
    yield from serve_hallway(tmp_path)


def _accept(hw, provided: list[str]) -> dict:
    serve_c01(hw)
    r = hw.post(f"/api/v1/windows/{WINDOW}/cases", "staff", APPLICANT | {"provided": provided, "deficiency": True})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["cases"][0]


def test_phone_page_of_the_receipt(hw, browser):
    case = _accept(hw, [m for m in C01_ALL if m != "floor_plan"])
    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    errors = page_errors(page)
    page.goto(f"{hw.url}/c/{case['receipt_code']}")
    expect(page.locator("#case-state")).to_contain_text("待补正")
    expect(page.locator("#due")).to_contain_text("2026-11-30")
    expect(page.locator("#missing")).to_contain_text("经营场所平面布局图")
    expect(page.locator("#collect")).to_contain_text("统一出件区")
    body = page.locator("body").inner_text()
    assert "李小龙" not in body and "1380013" not in body and "123X" not in body
    shot(page, "case_phone_page")
    token = case["receipt_code"]
    altered = token[:-3] + ("1" if token[-3] != "1" else "2") + token[-2:]
    response = page.goto(f"{hw.url}/c/{altered}")
    assert response.status == 404
    expect(page.locator("#error")).to_contain_text("链接无效")
    assert errors == []


def test_back_office_page_supplies_and_approves(hw, browser):
    case = _accept(hw, [m for m in C01_ALL if m != "floor_plan"])
    page = browser.new_context(viewport={"width": 1366, "height": 800}, locale="zh-CN").new_page()
    errors = page_errors(page)
    sign_in(page, hw.url, "/cases", *MANAGER)
    row = page.locator(f"#cases-table tr[data-case='{case['id']}']")
    expect(row).to_have_attribute("data-state", "pending_supply")
    expect(row).to_contain_text("经营场所平面布局图")
    shot(page, "case_back_office_pending")
    row.locator("[data-act='supplied']").click()
    expect(row).to_have_attribute("data-state", "accepted")
    row.locator("[data-act='done']").click()
    expect(row).to_have_attribute("data-state", "done")
    shot(page, "case_back_office_done")
    licence_id = hw.get(f"/api/v1/cases/{case['id']}", "manager").get_json()["licence_id"]
    assert hw.get(f"/api/v1/licences/{licence_id}", "manager").get_json()["state"] == "ready"
    assert errors == []


def test_the_approval_systems_csv(hw):
    first = _accept(hw, C01_ALL)
    second = _accept(hw, C01_ALL)
    csv = (f"case_no,state,ref\n{first['case_no']},in_review,SP-1\n{second['case_no']},denied,SP-2\n"
           f"{first['case_no']},in_review,SP-1\nNO-SUCH,done,\n{second['case_no']},done,SP-3\n").encode()
    r = hw.client.post("/api/v1/case-states/import", data=csv, headers=hw.h("backoffice"))
    assert r.status_code == 200, r.get_json()
    report = r.get_json()
    assert (report["changed"], report["unchanged"], report["rejected"]) == (2, 1, 2)
    assert [(e["line"], e["error"]) for e in report["errors"]] == [(5, "case_not_found"), (6, "bad_transition")]
    denied = hw.get(f"/api/v1/cases/{second['id']}", "manager").get_json()
    assert denied["state"] == "denied" and denied["licence_id"] is None  # its pending licence is withdrawn
    assert hw.get(f"/api/v1/cases/{first['id']}", "manager").get_json()["external_ref"] == "SP-1"
