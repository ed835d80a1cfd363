"""Monthly figures of accepted cases per matter and department, for the history export: cases, on time %,
mean working days to a decision, 容缺 count, refusals by reason. The folding is pure; `monthly` reads them."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from queue_server.cases import deadlines
from queue_server.clock import from_iso
from queue_server.core.workdays import WorkCalendar
from queue_server.hall import Hall

COLUMNS = (
    ("month", "月份 Month"), ("matter", "事项 Matter"), ("matter_zh", "名称"), ("department", "部门 Department"),
    ("cases", "受理 Cases"), ("decided", "已办结/不予许可 Decided"), ("on_time_rate", "按时率 On time"),
    ("mean_working_days", "平均用时(工作日) Mean working days"), ("deficiency", "容缺受理 With pledge"),
    ("refusals", "不予受理 Refused"), ("refusal_reasons", "不予受理原因 Refusals by reason"),
)


def fold(rows: list[dict], calendar: WorkCalendar, today: date) -> list[dict]:
    """`rows`: cases with month, matter, matter_zh, department, state, accepted_day, due_day, decided_day,
    supply_due_day, refusal_reason."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        groups[(r["month"], r["matter"], r["matter_zh"], r["department"])].append(r)
    out = []
    for (month, matter, matter_zh, department), cases in sorted(groups.items()):
        accepted = [c for c in cases if c["state"] != "refused"]
        decided = [c for c in accepted if c["decided_day"]]
        late_open = [c for c in accepted if not c["decided_day"] and today > date.fromisoformat(c["due_day"])]
        on_time = sum(c["decided_day"] <= c["due_day"] for c in decided)
        judged = len(decided) + len(late_open)
        days = [deadlines.working_days_between(calendar, date.fromisoformat(c["accepted_day"]),
                                               date.fromisoformat(c["decided_day"])) for c in decided]
        reasons = Counter(c["refusal_reason"] for c in cases if c["state"] == "refused")
        out.append({
            "month": month, "matter": matter, "matter_zh": matter_zh, "department": department,
            "cases": len(accepted), "decided": len(decided),
            "on_time_rate": round(on_time / judged, 3) if judged else None,
            "mean_working_days": round(sum(days) / len(days), 1) if days else None,
            "deficiency": sum(1 for c in accepted if c["supply_due_day"]),
            "refusals": sum(reasons.values()),
            "refusal_reasons": "; ".join(f"{k}: {n}" for k, n in sorted(reasons.items())),
        })
    return out


def monthly(hall: Hall, first: str, last: str) -> list[dict]:
    """The figures of cases accepted (or refused) between the first and last service day."""
    tz = hall.config.tz
    names = {m.code: m.name_zh for m in hall.config.matters}
    rows = []
    for r in hall.store.read().query("SELECT * FROM cases WHERE accepted_day >= ? AND accepted_day <= ?",
                                     [first, last]):
        rows.append({"month": r["accepted_day"][:7], "matter": r["matter"], "matter_zh": names.get(r["matter"], ""),
                     "department": r["department"], "state": r["state"], "accepted_day": r["accepted_day"],
                     "due_day": r["due_day"], "supply_due_day": r["supply_due_day"],
                     "decided_day": from_iso(r["decided_at"]).astimezone(tz).date().isoformat()
                     if r["decided_at"] else None, "refusal_reason": r["refusal_reason"]})
    return fold(rows, hall.calendar, hall.now().astimezone(tz).date())
