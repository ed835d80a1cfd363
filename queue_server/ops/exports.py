"""History statistics as CSV and as an Excel workbook (openpyxl), with Chinese and English headings."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from queue_server.cases.figures import COLUMNS as CASE_COLUMNS
from queue_server.core.cell_text import safe_row

GROUP_COLUMNS = (
    ("tickets", "取号 Tickets"), ("served", "办结 Served"), ("no_shows", "过号 No-shows"),
    ("no_show_rate", "过号率 No-show rate"), ("wait_mean_s", "平均等待(秒) Mean wait s"),
    ("wait_p90_s", "P90等待(秒) P90 wait s"), ("service_mean_s", "平均办理(秒) Mean service s"),
    ("service_p90_s", "P90办理(秒) P90 service s"),
)
RATED_COLUMNS = (("ratings", "评价数 Ratings"), ("satisfaction_rate", "满意率 Satisfaction"),
                 ("mean_score", "平均分 Mean score"))

# (sheet title, key in the stats, leading columns, whether ratings columns apply)
SECTIONS = (
    ("按日 Days", "days", (("day", "日期 Day"),), False),
    ("板块 Zones", "zones", (("zone", "板块 Zone"), ("name_zh", "名称"), ("name_en", "Name")), True),
    ("事项 Matters", "matters", (("matter", "事项 Matter"), ("name_zh", "名称"), ("name_en", "Name")), False),
    ("窗口 Windows", "windows", (("window", "窗口 Window"),), True),
    ("人员 Staff", "staff", (("staff", "人员 Staff"),), True),
)


def section_table(stats: dict, key: str, lead: tuple, with_ratings: bool) -> tuple[list[str], list[list]]:
    cols = list(lead) + list(GROUP_COLUMNS) + (list(RATED_COLUMNS) if with_ratings else [])
    return [c[1] for c in cols], [[row.get(c[0]) for c in cols] for row in stats[key]]


def summary_table(stats: dict) -> tuple[list[str], list[list]]:
    s, t = stats["satisfaction"], stats["total"]
    rows = [["从 From", stats["from"]], ["到 To", stats["to"]]]
    rows += [[title, t[k]] for k, title in GROUP_COLUMNS]
    rows += [["评价数 Ratings", s["ratings"]], ["满意率 Satisfaction rate", s["satisfaction_rate"]],
             ["差评 Bad ratings", s["bad"]]]
    rows += [[f"{k}分 score {k}", v] for k, v in sorted(s["counts"].items(), reverse=True)]
    return ["项目 Item", "数值 Value"], rows


def hours_table(stats: dict) -> tuple[list[str], list[list]]:
    return ["时段 Hour", "取号 Tickets"], [[h["hour"], h["tickets"]] for h in stats["arrivals_per_hour"]]


def bad_ratings_table(stats: dict) -> tuple[list[str], list[list]]:
    cols = ("at", "number", "window", "staff", "score", "reason", "comment")
    heads = ["时间 At", "号码 Number", "窗口 Window", "人员 Staff", "评分 Score", "原因 Reason", "意见 Comment"]
    return heads, [[r[c] for c in cols] for r in stats["bad_ratings"]]


def all_tables(stats: dict) -> list[tuple[str, list[str], list[list]]]:
    out = [("概览 Summary", *summary_table(stats)), ("每小时取号 Arrivals", *hours_table(stats))]
    out += [(title, *section_table(stats, key, lead, rated)) for title, key, lead, rated in SECTIONS]
    out.append(("差评 Bad ratings", *bad_ratings_table(stats)))
    if "cases" in stats:  # accepted cases per month, matter and department (cases/figures.py)
        out.append(("办件 Cases", [c[1] for c in CASE_COLUMNS], [[row.get(c[0]) for c in CASE_COLUMNS]
                                                               for row in stats["cases"]]))
    return out


def _xlsx_row(row: list) -> list:
    """Formulas escaped; control characters a worksheet cannot hold (a comment may carry one) left out."""
    return [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in safe_row(row)]


def stats_xlsx(stats: dict) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, heads, rows in all_tables(stats):
        ws = wb.create_sheet(title[:31])
        ws.append(heads)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(_xlsx_row(row))  # a name or comment starting with "=" stays text
        for i, head in enumerate(heads, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(head) + 4))
        ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def stats_range_csv(stats: dict) -> str:
    """One CSV with a section column, so a spreadsheet can filter each table."""
    buf = io.StringIO()
    w = csv.writer(buf)
    for title, heads, rows in all_tables(stats):
        w.writerow(["section 表", *heads])
        for row in rows:
            w.writerow([title, *safe_row(row)])
    return buf.getvalue()
