"""Moving about the kiosk: idle home and board, a touch that wakes, notices that fade, language, large text."""

from __future__ import annotations

from kiosk.presenter.navigation import Navigation
from tests.support.kiosk_fakes import shared, started_kiosk


def test_idle_goes_home_then_to_the_board_and_a_touch_wakes():
    kiosk = started_kiosk()
    kiosk.open_zone("commerce")
    kiosk.clock.now += 59
    kiosk.tick()
    assert kiosk.screen == "matters"
    kiosk.clock.now += 2
    kiosk.tick()
    assert kiosk.screen == "home" and kiosk.zone is None
    kiosk.clock.now += 120
    kiosk.tick()
    assert kiosk.screen == "board"
    assert kiosk.touched() is True  # the waking touch is used up
    assert kiosk.screen == "home"
    assert kiosk.touched() is False


def test_a_touch_restarts_the_idle_time():
    base = shared()
    homes = []
    nav = Navigation(base, lambda: homes.append(True))
    base.go("guide")
    base.clock.now += 50
    nav.touched()
    nav.idle(base.clock.now + 50)
    assert homes == []
    nav.idle(base.clock.now + 60)
    assert homes == [True]


def test_notices_fade():
    kiosk = started_kiosk()
    kiosk.ask_help()
    assert kiosk.notice is not None
    kiosk.clock.now += 7
    kiosk.tick()
    assert kiosk.notice is None


def test_a_notice_stays_six_seconds():
    base = shared()
    base.say(("请稍候", "Please wait"))
    base.fade_notice(base.clock.now + 5)
    assert base.notice == ("请稍候", "Please wait")
    base.fade_notice(base.clock.now + 6)
    assert base.notice is None


def test_language_and_large_text():
    nav = Navigation(shared(), lambda: None)
    assert nav.lang == "zh" and not nav.large
    nav.toggle_language()
    assert nav.lang == "en"
    nav.set_language("fr")  # not offered: Chinese
    assert nav.lang == "zh"
    nav.toggle_large()
    assert nav.large
