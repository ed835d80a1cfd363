"""The kiosk's server link: hall and board loaded, the server lost and found again, the hall's name."""

from __future__ import annotations

from dataclasses import replace

from hall_client.client import ApiError, ServerUnreachable
from kiosk.presenter.connection import Connection
from tests.support.kiosk_fakes import connected, shared


def test_loading_gives_the_hall_and_the_board():
    link = connected(shared())
    assert link.ready and link.server_up
    assert [z["code"] for z in link.zones_shown()] == ["commerce", "public"]  # the device file's zones
    assert link.zone_status("commerce") == (4, 900)
    assert link.zone_status("public") == (None, None)


def test_without_zones_in_the_device_file_the_front_zones_are_shown():
    base = shared()
    base.config = replace(base.config, zones=())
    assert [z["code"] for z in connected(base).zones_shown()] == ["commerce", "public"]  # not chain, pickup


def test_the_hall_name_comes_from_the_device_file_then_the_server_then_a_default():
    base = shared()
    link = Connection(base)
    assert link.hall_name == ("政务服务大厅", "Government Service Hall")
    link.load_hall()
    assert link.hall_name == ("历下区政务服务中心", "Lixia Hall") and link.printed_hall_name is None
    base.config = replace(base.config, hall_name_zh="泉城大厅", hall_name_en="Spring Hall")
    assert link.hall_name == link.printed_hall_name == ("泉城大厅", "Spring Hall")


def test_a_lost_server_is_retried_by_the_poll():
    base = shared()
    link = connected(base)
    base.client.down = True
    link.server_status(False)
    assert not link.ready
    base.clock.now += 5
    link.poll(base.clock.now)  # the retry fails quietly
    assert not link.ready
    base.client.down = False
    base.clock.now += 5
    link.poll(base.clock.now)
    assert link.ready


def test_a_refusal_is_not_a_lost_server():
    link = connected(shared())
    link.lost(ApiError(400, "bad_request", "no"))
    assert link.ready
    link.lost(ServerUnreachable("gone"))
    assert not link.ready


def test_the_event_stream_coming_back_loads_what_is_missing():
    base = shared()
    base.client.down = True
    link = Connection(base)
    link.load_hall()
    assert not link.ready and link.hall is None
    base.client.down = False
    link.server_status(True)
    assert link.ready and link.board is not None


def test_a_board_snapshot_means_the_server_is_up():
    base = shared()
    base.client.down = True
    link = Connection(base)
    link.load_hall()
    base.client.down = False
    link.set_board({"zones": [{"zone": "public", "waiting": 2, "estimated_wait_s": 300}]})
    assert link.ready and link.hall is not None  # the missing hall was loaded (and the board with it)
    link.set_board({"zones": [{"zone": "public", "waiting": 2, "estimated_wait_s": 300}]})
    assert link.zone_status("public") == (2, 300)


def test_a_config_changed_event_reads_the_hall_again_and_other_events_the_board():
    base = shared()
    link = connected(base)
    calls = []
    real_hall, real_board = base.client.hall, base.client.board
    base.client.hall = lambda: calls.append("hall") or real_hall() | {"name_zh": "新名字"}
    base.client.board = lambda: calls.append("board") or real_board()
    link.hall_event("called")
    assert calls == ["board"]
    link.hall_event("config_changed")
    assert calls[1] == "hall" and link.hall["name_zh"] == "新名字"


def test_a_change_while_the_hall_loads_loads_it_once_more():
    base = shared()
    link = connected(base)
    pending = []
    base.runner.run = lambda _lane, fn, done, failed: pending.append((fn, done))
    link.hall_event("config_changed")
    link.hall_event("config_changed")  # arrives while the first read is on its way
    assert len(pending) == 1
    fn, done = pending.pop()
    done(fn())
    assert [f for f, _ in pending][0] == base.client.hall  # read again: the first answer may predate the change
