"""Monthly figures of cases in the history export (per matter and department: cases, on time %, mean working
days, 容缺 count, refusals by reason), and the dashboard's warning for 容缺 materials not supplied in time."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from queue_server.calendar_files import DEFAULT_CALENDAR_DIR, load_calendar
from queue_server.cases.figures import fold
from queue_server.cases.problems import case_problems
from tests.support.case_helpers import APPLICANT, C01_ALL, WINDOW, serve_c01
from tests.support.pickup_helpers import make_hallway

CAL = load_calendar(DEFAULT_CALENDAR_DIR)


def _row(**kw) -> dict:
    return {"month": "2026-11", "matter": "C01", "matter_zh": "食品经营许可", "department": "市场监管",
            "state": "done", "accepted_day": "2026-11-23", "due_day": "2026-11-30", "decided_day": None,
            "supply_due_day": None, "refusal_reason": None} | kw


def test_fold_counts_on_time_late_pledges_and_refusals():
    rows = [_row(decided_day="2026-11-25"),  # 2 working days, on time
            _row(decided_day="2026-12-02", supply_due_day="2026-11-30"),  # 7 working days, late, 容缺
            _row(state="in_review"),  # open, past its date on 3 Dec: late
            _row(state="accepted", due_day="2026-12-31"),  # open, not yet judged
            _row(state="refused", refusal_reason="materials_missing", due_day=None),
            _row(state="refused", refusal_reason="other", due_day=None),
            _row(state="refused", refusal_reason="materials_missing", due_day=None)]
    [f] = fold(rows, CAL, date(2026, 12, 3))
    assert f["cases"] == 4 and f["decided"] == 2 and f["deficiency"] == 1
    assert f["on_time_rate"] == round(1 / 3, 3) and f["mean_working_days"] == 4.5
    assert f["refusals"] == 3 and f["refusal_reasons"] == "materials_missing: 2; other: 1"


def test_supply_overdue_is_a_warning():
    case = {"id": 7, "case_no": "X-7", "state": "pending_supply", "matter_zh": "食品经营许可", "matter_en": "Food",
            "department": "市场监管", "window": 31, "accepted_day": "2026-11-23", "due_day": "2026-12-31",
            "supply_due_day": "2026-11-30"}
    assert case_problems([case], date(2026, 11, 30), CAL, 80) == []
    [warning] = case_problems([case], date(2026, 12, 1), CAL, 80)
    assert warning["kind"] == "supply_overdue" and warning["level"] == "amber" and "容缺材料逾期未补正" in warning["zh"]


def test_history_export_has_the_months_cases(tmp_path):
    hw = make_hallway(tmp_path)
    serve_c01(hw)
    body = APPLICANT | {"provided": [m for m in C01_ALL if m != "floor_plan"], "deficiency": True}
    case = hw.post(f"/api/v1/windows/{WINDOW}/cases", "staff", body).get_json()["cases"][0]
    serve_c01(hw)
    r = hw.post(f"/api/v1/windows/{WINDOW}/case-refusals", "staff", {"reason": "materials_missing", "provided": []})
    assert r.status_code == 201
    hw.post(f"/api/v1/cases/{case['id']}/supplied", "staff", {})
    hw.clock.now += timedelta(days=2)
    r = hw.post("/api/v1/case-states", "backoffice", {"case_no": case["case_no"], "state": "done"})
    assert r.status_code == 200, r.get_json()
    r = hw.get("/api/v1/stats/export-range.csv?from=2026-11-01&to=2026-11-30", "manager")
    assert r.status_code == 200
    table = list(csv.reader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    [line] = [row for row in table if row and row[0] == "办件 Cases"]
    head = table[table.index(line) - 1]  # each section starts with its heading row
    got = dict(zip(head[1:], line[1:], strict=True))
    assert got["事项 Matter"] == "C01" and got["受理 Cases"] == "1" and got["容缺受理 With pledge"] == "1"
    assert got["按时率 On time"] == "1.0" and got["平均用时(工作日) Mean working days"] == "2.0"
    assert got["不予受理原因 Refusals by reason"] == "materials_missing: 1"
    assert hw.get("/api/v1/stats/export.xlsx?from=2026-11-01&to=2026-11-30", "manager").status_code == 200
