"""Opening hours on the kiosk's home, before anyone taps: the server's GET /api/v1/opening as tile states, the
all-closed line and the moment to look again (pure), and the presenter reading it at start, on reconnect, on
`config_changed` and when it can next change (fakes at the edges)."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from hall_client.client import ApiError
from kiosk.presenter import KioskPresenter
from kiosk.presenter.opening import MARGIN_S, RECHECK_S
from kiosk.presenter.opening_status import (
    OPEN,
    all_closed_line,
    closed_state,
    closed_text,
    from_words,
    seconds_to_change,
    zone_opening,
)
from kiosk.runner import InlineRunner
from queue_server.app import create_app
from queue_server.clock import FixedClock
from queue_server.hall_config import Opening, Session, load_config
from tests.support.kiosk_fakes import OPENING, FakeClient, FakeClock, FakePrinter, config, started_kiosk

WEEK = ("mon", "tue", "wed", "thu", "fri")
HOURS = Opening(enforce=True, sessions=(
    Session(days=WEEK, open="09:00", close="12:00", last_ticket="11:45"),
    Session(days=WEEK, open="13:30", close="17:00", last_ticket="16:30"),
    Session(days=("tue", "thu"), open="17:00", close="19:00", last_ticket="18:30", zones=("commerce",),
            kind="extended"),
))
MONDAY_1645 = datetime(2026, 11, 23, 8, 45, tzinfo=UTC)  # Jinan time; every zone past its last number
TUESDAY_1645 = datetime(2026, 11, 24, 8, 45, tzinfo=UTC)  # commerce opens again at 17:00 (延时服务)
TUESDAY_1600 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # every zone issues until 16:30
SHOWN = ["commerce", "public"]


@pytest.fixture(scope="module")
def server_says(tmp_path_factory):
    """The real server's opening status at a given moment (the app in process on a fixed clock)."""
    clock = FixedClock(MONDAY_1645)
    app = create_app(db_path=tmp_path_factory.mktemp("opening") / "hall.db",
                     config=replace(load_config(), opening=HOURS), clock=clock)
    client = app.test_client()

    def at(moment: datetime) -> dict:
        clock.now = moment
        r = client.get("/api/v1/opening")
        assert r.status_code == 200
        return r.get_json()

    yield at
    app.extensions["hall"].close()


def test_after_the_last_number_a_zone_tile_says_so_with_tomorrows_hours(server_says):
    status = server_says(MONDAY_1645)
    public = zone_opening(status, "public")
    assert not public.issuing
    assert public.line == ("已停止取号 · 明天 09:00 起", "No more numbers · from 09:00 tomorrow")
    # A tap says what the server's 409 says: the same reason and next hours.
    headline, reason, nxt = public.closed
    assert headline == ("已停止取号", "No more numbers today")
    assert reason == ("今日 16:30 后不再取号", "the last number today was issued at 16:30")
    assert nxt[0].startswith("下次取号：明天 09:00–17:00") and nxt[1].startswith("Next: tomorrow 09:00–17:00")


def test_a_zone_paused_until_later_today_says_today(server_says):
    status = server_says(TUESDAY_1645)
    commerce = zone_opening(status, "commerce")
    assert commerce.line == ("已停止取号 · 今天 17:00 起", "No more numbers · from 17:00 today")
    assert commerce.closed[1] == ("暂停取号，17:00 恢复", "numbers are paused until 17:00")
    assert zone_opening(status, "public").line[0] == "已停止取号 · 明天 09:00 起"


def test_an_issuing_zone_and_an_unknown_one_show_as_usual(server_says):
    status = server_says(TUESDAY_1600)
    assert zone_opening(status, "commerce") == OPEN and zone_opening(status, "public") == OPEN
    assert zone_opening(status, "nowhere") == OPEN
    assert zone_opening(None, "commerce") == OPEN  # not known yet: the server's 409 still tells
    assert all_closed_line(status, SHOWN) is None


def test_every_zone_closed_gives_one_line_with_when_numbers_start_again(server_says):
    assert all_closed_line(server_says(MONDAY_1645), SHOWN) == (
        "今日已停止取号 · 明天 09:00 起恢复取号", "No more numbers today · numbers again from 09:00 tomorrow")
    # Later today (an evening session): not "no more numbers today".
    assert all_closed_line(server_says(TUESDAY_1645), SHOWN) == (
        "现在不取号 · 今天 17:00 起恢复取号", "No numbers now · numbers again from 17:00 today")
    # A zone issuing among those shown: no line (the commerce evening session at 17:30).
    assert all_closed_line(server_says(datetime(2026, 11, 24, 9, 30, tzinfo=UTC)), SHOWN) is None
    assert all_closed_line(None, SHOWN) is None and all_closed_line(server_says(MONDAY_1645), []) is None


def test_the_next_look_is_at_the_next_change(server_says):
    assert seconds_to_change(server_says(TUESDAY_1600)) == 30 * 60  # the last number at 16:30
    assert seconds_to_change(server_says(TUESDAY_1645)) == 15 * 60  # commerce opens at 17:00
    # Monday evening: nothing changes before midnight, when "明天" becomes "今天".
    assert seconds_to_change(server_says(MONDAY_1645)) == 7 * 3600 + 15 * 60
    assert seconds_to_change({"zones": {}}) is None  # a status without the hall's time


def test_later_days_are_named_with_date_and_weekday():
    today = datetime(2026, 11, 23).date()
    assert from_words({"date": "2026-11-26", "open": "09:00"}, today) == ("11月26日（周四）09:00 起",
                                                                          "from 09:00 on Thu 26 Nov")
    assert from_words(None, today) == ("暂无取号时间", "no hours set yet")


# ---- the presenter, with fakes at the edges ----

def closed_status(*closed: str, change_in_s: int = 3600) -> dict:
    """The fake server's opening status: `closed` zones past their last number, the hall's time 10:00, and the
    next change `change_in_s` later."""
    status = copy.deepcopy(OPENING)
    minutes = 10 * 60 + change_in_s // 60
    status["zones"]["pickup"]["today"] = [{"open": "09:00", "close": "18:00", "kind": "regular",
                                           "last_ticket": f"{minutes // 60:02d}:{minutes % 60:02d}"}]
    status["now"] = "2026-11-23T10:00:00+08:00"
    for code in closed:
        status["zones"][code] = {
            "issuing": False, "today": [], "reason_zh": "今日 09:30 后不再取号",
            "reason_en": "the last number today was issued at 09:30",
            "next_open": {"date": "2026-11-24", "open": "09:00", "close": "17:00", "last_ticket": "16:30"},
            "next_zh": "明天 09:00–17:00（16:30 停止取号）", "next_en": "tomorrow 09:00–17:00 (last number 16:30)"}
    return status


def kiosk_with(status: dict) -> KioskPresenter:
    client = FakeClient()
    client.opening_status = status
    p = KioskPresenter(config(), client, FakePrinter(), InlineRunner(), clock=FakeClock())
    p.start()
    return p


def test_the_kiosk_reads_the_hours_at_start_and_greys_a_closed_zone():
    p = kiosk_with(closed_status("commerce"))
    assert p.client.opening_reads == 1
    assert not p.zone_opening("commerce").issuing and p.zone_opening("public").issuing
    assert p.all_closed() is None


def test_tapping_a_closed_tile_says_the_reason_and_stays_home():
    status = closed_status("commerce")
    p = kiosk_with(status)
    p.open_zone("commerce")
    assert p.screen == "home"
    assert p.notice == closed_text(closed_state(status["zones"]["commerce"]))
    assert p.notice[0].startswith("已停止取号：今日 09:30 后不再取号。下次取号：明天 09:00")
    assert p.notice[1].startswith("No more numbers today: the last number today was issued at 09:30. Next: tomorrow")
    p.open_zone("public")
    assert p.screen == "matters"


def test_the_green_channel_also_says_a_zone_is_closed():
    p = kiosk_with(closed_status("public"))
    p.open_priority()
    p.choose_priority("elderly")
    p.choose_priority_zone("public")
    assert not p.asking_matter and p.notice[0].startswith("已停止取号")
    p.choose_priority_zone("commerce")
    assert p.asking_matter


def test_every_shown_zone_closed_gives_the_home_line_and_search_and_qr_still_work():
    p = kiosk_with(closed_status("commerce", "public"))
    line = ("今日已停止取号 · 明天 09:00 起恢复取号", "No more numbers today · numbers again from 09:00 tomorrow")
    assert p.all_closed() == line
    p.open_priority()  # the green channel takes a number: it says the line instead
    assert p.screen == "home" and p.notice == line
    p.open_search()  # reading the guides needs no walk-in hours
    assert p.screen == "matters"
    p.go_home()
    p.open_scan("pickup")
    assert p.screen == "scan"
    p.go_home()
    p.open_scan("checkin")
    assert p.screen == "scan"


def test_the_server_still_decides_when_a_number_is_taken():
    """The status may be a minute old: a zone shown open can still be refused with 409 closed."""
    status = closed_status("commerce")
    p = kiosk_with(closed_status())
    p.client.refuse = ApiError(409, "closed", "已停止取号", status["zones"]["commerce"])
    p.open_zone("commerce")
    p.open_matter(p.matters()[0]["code"])
    p.take_number()
    assert p.screen == "guide" and p.tickets.closed == closed_state(status["zones"]["commerce"])
    assert p.notice == closed_text(p.tickets.closed)


def test_it_looks_again_at_the_next_change_or_after_a_minute():
    p = kiosk_with(closed_status("commerce", change_in_s=20 * 60))
    assert p.opening.next_check == p.clock() + RECHECK_S  # the change is far off: the safety net
    p.clock.now += RECHECK_S - 1
    p.tick()
    assert p.client.opening_reads == 1
    p.clock.now += 1
    p.tick()
    assert p.client.opening_reads == 2

    p.client.opening_status = closed_status("commerce", change_in_s=0)  # the hall's minute is about to turn
    p.client.opening_status["zones"]["pickup"]["today"][0]["last_ticket"] = "10:00"
    p.client.opening_status["now"] = "2026-11-23T09:59:30+08:00"
    p.clock.now += RECHECK_S
    p.tick()
    assert p.client.opening_reads == 3
    assert p.opening.next_check == p.clock() + 30 + MARGIN_S
    p.client.opening_status = closed_status()  # at 10:00 commerce opens again
    p.clock.now += 30 + MARGIN_S
    p.tick()
    assert p.client.opening_reads == 4 and p.zone_opening("commerce").issuing


def test_it_reads_again_on_reconnect_and_on_config_changed():
    p = kiosk_with(closed_status("commerce"))
    p.server_status(True)  # the stream connected while up: nothing new
    assert p.client.opening_reads == 1
    p.server_status(False)
    p.client.opening_status = closed_status()
    p.server_status(True)
    assert p.client.opening_reads == 2 and p.zone_opening("commerce").issuing
    p.client.opening_status = closed_status("public")
    p.apply_event(500, "config_changed", {"version": 3})
    assert p.client.opening_reads == 3 and not p.zone_opening("public").issuing


def test_a_server_down_at_the_look_pauses_ticketing_and_keeps_the_last_status():
    p = kiosk_with(closed_status("commerce"))
    p.client.down = True
    p.clock.now += RECHECK_S
    p.tick()
    assert not p.ready and not p.zone_opening("commerce").issuing
    p.client.down = False
    p.client.opening_status = closed_status()
    p.clock.now += p.config.retry_s
    p.tick()  # the retry loads the hall, which reads the hours again
    assert p.ready and p.zone_opening("commerce").issuing


def test_a_server_without_the_route_leaves_every_zone_open():
    p = started_kiosk()
    assert p.client.opening_reads == 1 and p.zone_opening("commerce") == OPEN

    def refused() -> dict:
        raise ApiError(404, "not_found", "no such route")

    p.client.opening = refused
    p.apply_event(500, "config_changed", {"version": 3})
    assert p.ready and p.zone_opening("commerce") == OPEN
