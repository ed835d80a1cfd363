"""Statistics: a day as JSON and CSV; a range of days (history) as JSON, CSV and an Excel workbook.

    GET /api/v1/stats?date=                      staff, manager: one day
    GET /api/v1/stats/export.csv?date=           manager
    GET /api/v1/stats/range?from=&to=            manager: history figures for a day or a range
    GET /api/v1/stats/export.xlsx?from=&to=      manager: the same as an Excel workbook
    GET /api/v1/stats/export-range.csv?from=&to= manager
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from queue_server.api.helpers import day_arg, hall, requires
from queue_server.cases.figures import monthly
from queue_server.ops.exports import stats_range_csv, stats_xlsx
from queue_server.ops.history import day_range, range_stats
from queue_server.ops.stats import day_stats, stats_csv

bp = Blueprint("stats", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _day() -> str:
    return day_arg("date") or hall().today()


@bp.get("/stats")
@requires("manager", "staff")
def get_stats():
    return jsonify(day_stats(hall(), _day()))


@bp.get("/stats/export.csv")
@requires("manager")
def export_csv():
    day = _day()
    body = "\ufeff" + stats_csv(day_stats(hall(), day))  # BOM: Excel opens UTF-8 CSV correctly
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="hall-stats-{day}.csv"'})


def day_range_args() -> tuple[str, str]:
    """?from=&to= (or ?date=) as the first and last service day."""
    return day_range(hall(), request.args.get("from") or request.args.get("date"),
                     request.args.get("to") or request.args.get("date"))


@bp.get("/stats/range")
@requires("manager")
def stats_range():
    first, last = day_range_args()
    return jsonify(_with_cases(range_stats(hall(), first, last), first, last))


def _with_cases(stats: dict, first: str, last: str) -> dict:
    """The history's figures and, per month, matter and department, the accepted cases' (cases/figures.py)."""
    return stats | {"cases": monthly(hall(), first, last)}


def _filename(first: str, last: str, ext: str) -> str:
    return f"hall-stats-{first}.{ext}" if first == last else f"hall-stats-{first}_{last}.{ext}"


@bp.get("/stats/export.xlsx")
@requires("manager")
def export_xlsx():
    first, last = day_range_args()
    return Response(stats_xlsx(_with_cases(range_stats(hall(), first, last), first, last)), mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{_filename(first, last, "xlsx")}"'})


@bp.get("/stats/export-range.csv")
@requires("manager")
def export_range_csv():
    first, last = day_range_args()
    body = "\ufeff" + stats_range_csv(_with_cases(range_stats(hall(), first, last), first, last))  # BOM: Excel
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{_filename(first, last, "csv")}"'})
