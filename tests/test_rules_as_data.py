"""Rules as data: the 差评 follow-up deadline in working days on the hall calendar, the licence hold period, the
hall's pause and rating reasons — each from the hall configuration, with defaults."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from queue_server.calendar_files import load_calendar, parse_year
from queue_server.clock import FixedClock, from_iso
from queue_server.core.workdays import WorkCalendar
from queue_server.hall import Hall
from queue_server.hall_config import ConfigError, Reason, load_config
from queue_server.ops import accounts
from queue_server.ops import windows as window_ops
from queue_server.ops.tickets import issue_ticket
from queue_server.pickups.licences import parse_expiry
from queue_server.ratings import ops

CAL = load_calendar(None)  # config/calendar: the State Council's 2026 arrangement


def test_the_2026_calendar_holds_the_published_holidays_and_working_weekends():
    assert CAL.years == (2026,)
    assert CAL.holiday_name(date(2026, 2, 17)).startswith("春节")
    assert not CAL.is_working_day(date(2026, 10, 5))
    assert CAL.is_working_day(date(2026, 2, 14)) and date(2026, 2, 14).weekday() == 5  # 调休 Saturday
    assert CAL.is_working_day(date(2026, 9, 20)) and date(2026, 9, 20).weekday() == 6  # 调休 Sunday
    assert not CAL.is_working_day(date(2026, 3, 7))  # a plain Saturday


@pytest.mark.parametrize("start, n, due", [
    (date(2026, 2, 13), 1, date(2026, 2, 14)),  # Friday -> the 调休 Saturday
    (date(2026, 2, 13), 2, date(2026, 2, 24)),  # ... then the Spring Festival, 15th-23rd, is skipped
    (date(2026, 9, 30), 1, date(2026, 10, 8)),  # National Day week skipped
    (date(2026, 11, 20), 5, date(2026, 11, 27)),  # an ordinary week: Friday + 5 = next Friday
])
def test_working_days_skip_holidays_and_count_makeup_days(start, n, due):
    assert CAL.add_working_days(start, n) == due
    assert WorkCalendar().add_working_days(date(2026, 11, 20), 5) == date(2026, 11, 27)


def _hall(tmp_path, at: datetime, **rules) -> Hall:
    cfg = load_config()
    cfg = replace(cfg, rules=replace(cfg.rules, **rules))
    hall = Hall(config=cfg, db_path=tmp_path / "hall.db", clock=FixedClock(at), calendar=CAL)
    accounts.add_user(hall, "amy", "amy-pass-1", "staff")
    return hall


def _bad_rating_due(hall: Hall) -> datetime:
    amy = accounts.Principal(kind="staff", name="amy")
    window_ops.open_window(hall, 39, amy)
    t = issue_ticket(hall, zone="special", actor=("kiosk", "k1"))
    window_ops.call_next(hall, 39, amy)
    window_ops.ticket_action(hall, 39, "start", amy, {})
    window_ops.ticket_action(hall, 39, "finish", amy, {})
    rated = ops.rate(hall, t["id"], {"score": 1, "reason": "come_back"}, source="phone")
    row = hall.store.read().execute("SELECT due_at FROM rating_followups WHERE id = ?",
                                    [rated["followup_id"]]).fetchone()
    return from_iso(row[0]).astimezone(hall.config.tz)


def test_the_follow_up_deadline_skips_a_holiday(tmp_path):
    hall = _hall(tmp_path, datetime(2026, 9, 30, 2, 0, tzinfo=UTC), follow_up_working_days=2)  # Wed 10:00
    due = _bad_rating_due(hall)
    assert (due.date(), due.hour, due.minute) == (date(2026, 10, 9), 23, 59)  # Oct 8 and 9; 1st-7th are holidays
    hall.close()


def test_the_follow_up_deadline_honours_a_makeup_saturday(tmp_path):
    hall = _hall(tmp_path, datetime(2026, 10, 9, 2, 0, tzinfo=UTC), follow_up_working_days=1)  # Fri 9 Oct
    assert _bad_rating_due(hall).date() == date(2026, 10, 10)  # the 调休 Saturday counts
    hall.close()


def test_the_default_follow_up_is_five_working_days_and_configurable(tmp_path):
    assert load_config().rules.follow_up_working_days == 5
    hall = _hall(tmp_path, datetime(2026, 11, 20, 2, 0, tzinfo=UTC), follow_up_working_days=15)  # Friday
    assert _bad_rating_due(hall).date() == date(2026, 12, 11)
    hall.close()


def test_the_licence_hold_period_comes_from_the_rules():
    now = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    tz = load_config().tz
    assert parse_expiry(None, now=now, tz=tz, hold_days=30).date() == date(2026, 12, 20)
    assert load_config().rules.licence_hold_days == 90


def test_the_halls_own_reasons_are_offered_and_checked(tmp_path, client):
    info = client.get("/api/v1/hall").get_json()
    assert [r["code"] for r in info["pause_reasons"]][:2] == ["break", "meeting"]
    assert "come_back" in [r["code"] for r in info["rating_reasons"]]
    hall = _hall(tmp_path, datetime(2026, 11, 20, 2, 0, tzinfo=UTC),
                 rating_reasons=(Reason("queue", "排队太久", "Waited too long"),))
    with pytest.raises(Exception, match="reason must be one of queue"):
        _bad_rating_due(hall)
    hall.close()


@pytest.mark.parametrize("data, message", [
    ({"year": 2026, "workdays": [{"date": date(2026, 10, 12), "name": "x"}]}, "is a weekday"),
    ({"year": 2026, "holidays": [{"name": "x", "from": date(2027, 1, 1), "to": date(2027, 1, 1)}]}, "not in 2026"),
    ({"year": 2026, "holidays": [{"name": "x", "from": "2026-10-01"}]}, "expected a date"),
])
def test_a_wrong_calendar_file_names_the_key(data, message):
    with pytest.raises(ConfigError, match=message):
        parse_year(data, "2026.toml")


def test_appointments_follow_the_hall_calendar(app):
    rules = app.extensions["appointment_rules"]
    assert date(2026, 2, 17) in rules.holidays  # Spring Festival, from config/calendar/2026.toml
    assert date(2026, 2, 14) in rules.workdays  # the 调休 Saturday
