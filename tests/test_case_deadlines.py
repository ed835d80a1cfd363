"""Promised dates and warnings in working days on the hall calendar (2026: Mid-Autumn 25–27 Sep, National Day
1–7 Oct, Saturday 10 Oct worked), pure and then on the dashboard on an injected clock: a case accepted on
Thursday 24 Sep with a 5-working-day promise is due Friday 9 Oct, turns yellow on 8 Oct and red on 10 Oct."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import expect

from queue_server.calendar_files import DEFAULT_CALENDAR_DIR, load_calendar
from queue_server.cases import deadlines
from queue_server.cases.problems import case_problems
from tests.support.case_helpers import APPLICANT, C01_ALL, WINDOW, serve_c01
from tests.support.clocked_server import serve_hallway
from tests.support.pickup_helpers import MANAGER
from tests.support.web_pages import page_errors, shot, sign_in

CAL = load_calendar(DEFAULT_CALENDAR_DIR)
THURSDAY = date(2026, 9, 24)


@pytest.mark.parametrize(("days", "due"), [(0, "2026-09-24"), (1, "2026-09-28"), (3, "2026-09-30"),
                                           (4, "2026-10-08"), (5, "2026-10-09"), (6, "2026-10-10")])
def test_promised_date_skips_weekend_and_holidays_and_counts_the_makeup_saturday(days, due):
    assert deadlines.promised_date(CAL, THURSDAY, days).isoformat() == due


@pytest.mark.parametrize(("today", "level"), [
    ("2026-09-30", "ok"), ("2026-10-07", "ok"),  # 3 of 5 working days gone; the holiday week adds none
    ("2026-10-08", "yellow"), ("2026-10-09", "yellow"),  # 4 of 5 = the 80 % warning share
    ("2026-10-10", "red"),  # the day after the due date (a 调休 Saturday)
])
def test_warning_levels(today, level):
    assert deadlines.level(CAL, THURSDAY, date(2026, 10, 9), date.fromisoformat(today), 80) == level


def test_problems_name_the_window_and_department_and_count_working_days_late():
    case = {"id": 1, "case_no": "X-1", "state": "in_review", "matter_zh": "食品经营许可", "matter_en": "Food",
            "department": "区市场监督管理局", "window": 31, "accepted_day": "2026-09-24", "due_day": "2026-10-09",
            "supply_due_day": None}
    [late] = case_problems([case], date(2026, 10, 13), CAL, 80)  # Sat 10 (worked), Sun 11 off, Mon 12, Tue 13
    assert late["kind"] == "case_overdue" and late["level"] == "red" and late["working_days_late"] == 3
    assert "31号窗口" in late["zh"] and "区市场监督管理局" in late["zh"]
    assert case_problems([case | {"state": "done"}], date(2026, 10, 13), CAL, 80) == []


@pytest.fixture
def hw(tmp_path):
    yield from serve_hallway(tmp_path, start=datetime(2026, 9, 24, 2, 0, tzinfo=UTC))  # 10:00 in Jinan


def _case_problems(hw) -> list[dict]:
    live = hw.get("/api/v1/supervision/live", "manager").get_json()
    return [p for p in live["problems"] if p["kind"].startswith("case_")]


def test_a_late_case_turns_yellow_then_red_on_the_dashboard(hw, browser):
    serve_c01(hw)
    r = hw.post(f"/api/v1/windows/{WINDOW}/cases", "staff", APPLICANT | {"provided": C01_ALL})
    assert r.status_code == 201, r.get_json()
    case = r.get_json()["cases"][0]
    assert case["due_day"] == "2026-10-09"
    for action in ("start", "finish"):  # the citizen leaves the window; the case goes on in the back office
        assert hw.post(f"/api/v1/windows/{WINDOW}/{action}", "staff").status_code == 200
    hw.post("/api/v1/case-states", "backoffice", {"case_no": case["case_no"], "state": "in_review"})
    errors: list[list[str]] = []
    for day, kind, level in ((date(2026, 10, 7), None, None), (date(2026, 10, 8), "case_due_soon", "amber"),
                             (date(2026, 10, 10), "case_overdue", "red")):
        hw.clock.now = datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)
        found = _case_problems(hw)
        assert [p["kind"] for p in found] == ([kind] if kind else []), found
        # A fresh sign-in each day: the session cookie's expiry follows the hall's injected clock, which lies
        # in the past of the machine's, so the browser keeps it for this one page load only.
        page = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN").new_page()
        errors.append(page_errors(page))
        sign_in(page, hw.url, "/dashboard", *MANAGER)
        expect(page.locator("#zones-table tbody tr").first).to_be_visible()
        if kind:
            line = page.locator(f"#problems li[data-kind='{kind}']")
            expect(line).to_have_class(level)
            expect(line).to_contain_text(case["case_no"])
            expect(line).to_contain_text("31号窗口受理")
            shot(page, f"case_dashboard_{kind}")
        else:
            expect(page.locator("#problems li[data-kind^='case_']")).to_have_count(0)
    assert found[0]["working_days_late"] == 1
    hw.clock.now += timedelta(days=3)  # finished at last: off the list
    hw.post("/api/v1/case-states", "backoffice", {"case_no": case["case_no"], "state": "done"})
    assert _case_problems(hw) == []
    assert all(e == [] for e in errors)
