"""A calendar that does not cover the days ahead is a problem on the dashboard: red for the current year (its
holidays would count as working days), amber in December for the next one; nothing when both are there."""

from __future__ import annotations

from datetime import date

from queue_server.core.calendar_problems import calendar_problems
from queue_server.core.workdays import WorkCalendar
from queue_server.testing.server_process import ServerProcess
from tests.support.api import Api


def test_the_current_year_missing_is_red_and_names_the_file():
    (p,) = calendar_problems(WorkCalendar(years=(2026,)), date(2027, 3, 1))
    assert (p["kind"], p["level"], p["year"]) == ("calendar_missing", "red", 2027)
    assert "config/calendar/2027.toml" in p["zh"] and "config/calendar/2027.toml" in p["en"]
    assert p["score"] > 500  # above a stale call: every opening time and deadline is wrong meanwhile


def test_next_year_is_asked_for_in_december_only():
    cal = WorkCalendar(years=(2026,))
    assert calendar_problems(cal, date(2026, 11, 30)) == []
    (p,) = calendar_problems(cal, date(2026, 12, 1))
    assert (p["level"], p["year"]) == ("amber", 2027)
    assert calendar_problems(WorkCalendar(years=(2026, 2027)), date(2026, 12, 31)) == []


def test_both_missing_both_said_worst_first():
    kinds = [(p["year"], p["level"]) for p in calendar_problems(WorkCalendar(), date(2026, 12, 15))]
    assert kinds == [(2026, "red"), (2027, "amber")]


def test_a_server_without_this_years_calendar_says_so_on_the_dashboard(tmp_path, seeded_template):
    import shutil

    db = tmp_path / "hall.db"
    shutil.copy(seeded_template[0], db)
    empty = tmp_path / "calendar"
    empty.mkdir()
    with ServerProcess(db, env={"HALL_CALENDAR_DIR": str(empty)}) as proc:
        live = Api.login(proc.url, *seeded_template[1].manager).ok("GET", "/api/v1/supervision/live")
    missing = [p for p in live["problems"] if p["kind"] == "calendar_missing"]
    assert missing and missing[0]["level"] == "red" and missing[0]["year"] == date.fromisoformat(live["day"]).year
