"""Opening hours: walk-in numbers only within a zone's hours; after the last-ticket time the API and the kiosk
refuse with the plain reason and the next hours; holidays, 调休 working weekends, 延时服务 and weekend appointments."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from hall_client.client import ApiError
from kiosk.presenter.choice import TicketRequest
from kiosk.presenter.staff_alerts import StaffAlerts
from kiosk.presenter.tickets import TicketFlow
from queue_server.app import create_app
from queue_server.calendar_files import load_calendar
from queue_server.clock import FixedClock
from queue_server.core.opening_hours import may_issue
from queue_server.hall_config import ConfigError, Opening, Session, load_config, parse_config
from queue_server.testing.seeding import Seeded
from tests.support.api import Api
from tests.support.kiosk_fakes import connected, shared

WEEK = ("mon", "tue", "wed", "thu", "fri")
OPENING = Opening(enforce=True, sessions=(
    Session(days=WEEK, open="09:00", close="12:00", last_ticket="11:45"),
    Session(days=WEEK, open="13:30", close="17:00", last_ticket="16:30"),
    # 延时服务: the commercial zone stays open on Tuesday and Thursday evenings
    Session(days=("tue", "thu"), open="17:00", close="19:00", last_ticket="18:30", zones=("commerce",),
            kind="extended"),
    # weekend appointments only (预约): no walk-in numbers
    Session(days=("sat",), open="09:00", close="12:00", kind="appointments"),
))
CAL = load_calendar(None)


def _local(*args: int) -> datetime:
    return datetime(*args, tzinfo=load_config().tz)


@pytest.mark.parametrize("at, zone, issuing", [
    (_local(2026, 11, 23, 9, 0), "public", True),  # Monday morning
    (_local(2026, 11, 23, 8, 59), "public", False),
    (_local(2026, 11, 23, 11, 50), "public", False),  # after the morning's last ticket
    (_local(2026, 11, 23, 16, 31), "public", False),
    (_local(2026, 11, 24, 17, 30), "commerce", True),  # Tuesday 延时服务
    (_local(2026, 11, 24, 17, 30), "public", False),
    (_local(2026, 11, 28, 10, 0), "public", False),  # Saturday: appointments only
    (_local(2026, 10, 1, 10, 0), "public", False),  # National Day
    (_local(2026, 10, 10, 10, 0), "public", True),  # 调休 Saturday: Monday's hours
])
def test_numbers_only_within_the_hours(at, zone, issuing):
    assert (may_issue(OPENING, CAL, zone, at) is None) is issuing


def test_the_reason_names_the_holiday_and_the_next_day():
    closed = may_issue(OPENING, CAL, "public", _local(2026, 9, 30, 17, 0))
    assert closed.reason_en == "the last number today was issued at 16:30"
    assert closed.next_hours.day == date(2026, 10, 8)  # National Day week closed
    holiday = may_issue(OPENING, CAL, "public", _local(2026, 10, 2, 10, 0))
    assert holiday.reason_zh.startswith("今天是国庆节假期")
    lunch = may_issue(OPENING, CAL, "public", _local(2026, 11, 23, 12, 10))
    assert lunch.reason_en == "numbers are paused until 13:30"


@pytest.fixture
def closed_app(tmp_path, seeded_template):
    import shutil

    shutil.copy(seeded_template[0], tmp_path / "hall.db")
    cfg = replace(load_config(), opening=OPENING)
    clock = FixedClock(datetime(2026, 11, 23, 8, 45, tzinfo=UTC))  # Monday 16:45 in Jinan: after 16:30
    app = create_app(db_path=tmp_path / "hall.db", config=cfg, clock=clock)
    yield app
    app.extensions["hall"].close()


def test_after_the_last_ticket_time_the_api_refuses_with_the_reason_and_tomorrows_hours(closed_app, seeded: Seeded):
    kiosk = Api(closed_app.test_client(), seeded.devices["kiosk-01"])
    r = kiosk.call("POST", "/api/v1/tickets", {"zone": "public"})
    assert r.status_code == 409
    body = r.json()
    assert body["error"] == "closed"
    assert body["reason_zh"] == "今日 16:30 后不再取号"
    assert body["reason_en"] == "the last number today was issued at 16:30"
    assert body["next_open"] == {"date": "2026-11-24", "open": "09:00", "close": "17:00", "last_ticket": "16:30"}
    assert body["next_zh"].startswith("明天 09:00–17:00") and body["next_en"].startswith("tomorrow 09:00–17:00")
    assert "已停止取号" in body["message"] and "No more numbers" in body["message"]

    status = kiosk.ok("GET", "/api/v1/opening")
    assert status["enforced"] and status["zones"]["public"]["issuing"] is False
    assert status["zones"]["public"]["next_open"]["date"] == "2026-11-24"

    hall = closed_app.extensions["hall"]
    hall.clock.advance(16 * 3600)  # Tuesday 08:45 local... then 09:00
    assert kiosk.call("POST", "/api/v1/tickets", {"zone": "public"}).status_code == 409
    hall.clock.advance(15 * 60)
    assert kiosk.call("POST", "/api/v1/tickets", {"zone": "public"}).status_code == 201


def test_the_kiosk_presenter_says_no_more_numbers_with_the_reason(closed_app, seeded: Seeded):
    api = Api(closed_app.test_client(), seeded.devices["kiosk-01"])
    base = shared()

    def take_number(zone, matter=None, bundle=None, priority=None):  # the real server's answer
        r = api.call("POST", "/api/v1/tickets", {"zone": zone})
        body = r.json()
        raise ApiError(r.status_code, body["error"], body["message"], body)

    base.client.take_number = take_number
    link = connected(base)
    flow = TicketFlow(base, link, StaffAlerts(base, link))
    flow.take(TicketRequest(zone="public"))
    headline, reason, nxt = flow.closed
    assert headline == ("已停止取号", "No more numbers today")
    assert reason == ("今日 16:30 后不再取号", "the last number today was issued at 16:30")
    assert nxt[0].startswith("下次取号：明天 09:00–17:00") and nxt[1].startswith("Next: tomorrow 09:00–17:00")
    assert base.notice[0].startswith("已停止取号：今日 16:30 后不再取号")
    assert base.notice[1].startswith("No more numbers today: the last number today was issued at 16:30")
    assert base.screen != "ticket" and not flow.busy


def test_a_hall_without_hours_issues_at_any_time(client, seeded: Seeded):
    assert load_config().opening.enforce is False
    kiosk = Api(client, seeded.devices["kiosk-01"])
    assert kiosk.call("POST", "/api/v1/tickets", {"zone": "public"}).status_code == 201


@pytest.mark.parametrize("session, message", [
    ({"days": ["mon"], "open": "9:00", "close": "17:00"}, "opening.sessions[0].open"),
    ({"days": ["monday"], "open": "09:00", "close": "17:00"}, "opening.sessions[0].days"),
    ({"days": ["mon"], "open": "09:00", "close": "08:00"}, "must be after open"),
    ({"days": ["mon"], "open": "09:00", "close": "17:00", "last_ticket": "18:00"}, "between open and close"),
    ({"days": ["mon"], "open": "09:00", "close": "17:00", "zones": ["nowhere"]}, "unknown zone"),
])
def test_wrong_hours_are_named(session, message):
    import tomllib

    from queue_server.hall_config import DEFAULT_CONFIG

    data = tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    data["opening"] = {"enforce": True, "sessions": [session]}
    with pytest.raises(ConfigError) as e:
        parse_config(data)
    assert message in str(e.value)
