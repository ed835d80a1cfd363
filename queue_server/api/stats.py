"""Statistics of a day, as JSON and CSV."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from queue_server.stats import day_stats, stats_csv
from queue_server.web_helpers import day_arg, hall, requires

bp = Blueprint("stats", __name__)


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
