"""Cases on the dashboard's "problems now": late or nearly late, and 容缺 materials not supplied in time. Pure.

Ranked between a stale call (500) and zones over target: red 400 + working days late, yellow 300, supply
overdue 350 + days. Each names the responsible window and department.
"""

from __future__ import annotations

from datetime import date

from queue_server.cases import deadlines
from queue_server.cases.states import LABELS, OPEN
from queue_server.core.workdays import WorkCalendar


def case_problems(cases: list[dict], today: date, calendar: WorkCalendar, warn_percent: int) -> list[dict]:
    """`cases`: open cases with case_no, state, matter_zh/en, department, window, accepted_day, due_day,
    supply_due_day (or None)."""
    out = []
    for c in cases:
        if c["state"] not in OPEN:
            continue
        accepted, due = date.fromisoformat(c["accepted_day"]), date.fromisoformat(c["due_day"])
        lvl = deadlines.level(calendar, accepted, due, today, warn_percent)
        who_zh = f"{c['window']}号窗口受理，{c['department']}"
        who_en = f"accepted at window {c['window']}, {c['department']}"
        state_zh, state_en = LABELS[c["state"]]
        action = {"kind": "show_window", "window": c["window"], "zh": "查看受理窗口", "en": "Show window"}
        if lvl == "red":
            late = deadlines.late_by(calendar, due, today)
            out.append({"kind": "case_overdue", "score": 400 + late, "level": "red", "case_id": c["id"],
                        "window": c["window"], "department": c["department"], "working_days_late": late,
                        "zh": f"办件 {c['case_no']}（{c['matter_zh']}，{state_zh}）已超过承诺期限 {late} 个工作日"
                              f"（{c['due_day']}到期）：{who_zh}",
                        "en": f"Case {c['case_no']} ({c['matter_en']}, {state_en}) is {late} working day(s) past "
                              f"its promised date {c['due_day']}: {who_en}", "action": action})
        elif lvl == "yellow":
            left = deadlines.working_days_between(calendar, today, due)
            out.append({"kind": "case_due_soon", "score": 300, "level": "amber", "case_id": c["id"],
                        "window": c["window"], "department": c["department"], "working_days_left": left,
                        "zh": f"办件 {c['case_no']}（{c['matter_zh']}，{state_zh}）临近承诺期限，剩余 {left} 个"
                              f"工作日（{c['due_day']}到期）：{who_zh}",
                        "en": f"Case {c['case_no']} ({c['matter_en']}, {state_en}) is due {c['due_day']}, "
                              f"{left} working day(s) left: {who_en}", "action": action})
        supply_due = c.get("supply_due_day")
        if c["state"] == "pending_supply" and supply_due and today > date.fromisoformat(supply_due):
            late = deadlines.late_by(calendar, date.fromisoformat(supply_due), today)
            out.append({"kind": "supply_overdue", "score": 350 + late, "level": "amber", "case_id": c["id"],
                        "window": c["window"], "department": c["department"],
                        "zh": f"办件 {c['case_no']} 容缺材料逾期未补正（{supply_due}到期）：{who_zh}",
                        "en": f"Case {c['case_no']}: materials promised under 容缺 not supplied by {supply_due}: "
                              f"{who_en}", "action": action})
    return out
