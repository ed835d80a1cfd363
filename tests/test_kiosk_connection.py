"""The kiosk's server link: hall and board loaded, the server lost and found again, the hall's name."""

from __future__ import annotations

from dataclasses import replace

from hall_client.client import ApiError, ServerUnreachable
from kiosk.presenter.connection import Connection
from kiosk.presenter.shared import Shared
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


LIVE_BOARD = {
    "last_event_id": 100,
    "zones": [{"zone": "commerce", "waiting": 4, "estimated_wait_s": 900, "open_windows": 2, "idle_windows": 0},
              {"zone": "public", "waiting": 0, "estimated_wait_s": 0, "open_windows": 1, "idle_windows": 1}],
    "windows": [{"number": 1, "state": "open", "zones": ["commerce", "public"], "ticket": None},
                {"number": 2, "state": "open", "zones": ["commerce"], "ticket": {"number": "A001"}}],
    "calls": [],
}


def live_link() -> tuple[Connection, Shared]:
    base = shared()
    link = connected(base)
    link.server_status(True)  # the event stream follows the hall
    link.set_board(LIVE_BOARD)
    base.client.board_reads = 0
    return link, base


def test_events_move_the_tiles_without_reading_the_board_again():
    link, base = live_link()
    link.apply_event(101, "issued", {"waiting": {"commerce": 5}, "ticket": {"number": "A005", "zone": "commerce"}})
    assert link.zone_status("commerce") == (5, 1125)  # the estimate keeps the last pace per person
    link.apply_event(102, "called", {"waiting": {"commerce": 4}, "window": 1,
                                     "ticket": {"number": "A002", "zone": "commerce"}})
    assert link.zone_status("commerce") == (4, 900)
    assert link.board["calls"][0]["number"] == "A002" and link.board["calls"][0]["window"] == 1
    public = next(z for z in link.board["zones"] if z["zone"] == "public")
    assert public["idle_windows"] == 0 and public["open_windows"] == 1  # window 1 is busy now
    link.apply_event(103, "finished", {"window": 1, "ticket": {"number": "A002", "zone": "commerce"}})
    assert public["idle_windows"] == 1
    link.apply_event(104, "window", {"window": 1, "state": "closed"})
    assert public["open_windows"] == 0
    base.clock.now += 60
    link.poll(base.clock.now)  # the stream keeps it current: no polling
    assert base.client.board_reads == 0 and link.rereads == 0


def test_a_repeated_or_old_event_is_ignored():
    link, base = live_link()
    link.apply_event(100, "issued", {"waiting": {"commerce": 9}})
    link.apply_event(90, "issued", {"waiting": {"commerce": 9}})
    assert link.zone_status("commerce") == (4, 900) and base.client.board_reads == 0


def test_a_gap_in_the_counts_reads_the_board_again():
    link, base = live_link()
    link.apply_event(107, "issued", {"waiting": {"commerce": 7}})  # 4 + 1 is not 7: events were missed
    assert base.client.board_reads == 1 and link.rereads == 1


def test_an_event_without_counts_that_changes_the_queue_reads_the_board_again():
    link, base = live_link()
    link.apply_event(101, "cancelled", {"ticket": {"number": "A003", "zone": "commerce"}})
    assert base.client.board_reads == 1


def test_without_the_stream_the_board_is_polled():
    link, base = live_link()
    link.server_status(False)
    base.client.down = False
    base.clock.now += 60
    link.poll(base.clock.now)  # reconnects (loads the hall and the board)
    assert base.client.board_reads >= 1

def test_a_config_changed_event_reads_the_hall_again():
    link, base = live_link()
    calls = []
    real_hall = base.client.hall
    base.client.hall = lambda: calls.append("hall") or real_hall() | {"name_zh": "新名字"}
    link.apply_event(101, "config_changed", {"version": 2})
    assert calls == ["hall"] and link.hall["name_zh"] == "新名字"


def test_a_change_while_the_hall_loads_loads_it_once_more():
    base = shared()
    link = connected(base)
    pending = []
    base.runner.run = lambda _lane, fn, done, failed: pending.append((fn, done))
    link.apply_event(101, "config_changed", {"version": 2})
    link.apply_event(102, "config_changed", {"version": 3})  # arrives while the first read is on its way
    assert len(pending) == 1
    fn, done = pending.pop()
    done(fn())
    assert [f for f, _ in pending][0] == base.client.hall  # read again: the first answer may predate the change
