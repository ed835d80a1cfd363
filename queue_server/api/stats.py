"""Statistics of a day, as JSON and CSV."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, jsonify, request

from queue_server.errors import BadRequest
from queue_server.stats import day_stats, stats_csv
from queue_server.web_helpers import hall, requires

bp = Blueprint("stats", __name__)


def _day() -> str:
    raw = request.args.get("date")
    if not raw:
        return hall().today()
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise BadRequest("date must look like 2026-11-22 (YYYY-MM-DD)", code="bad_date") from None


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
