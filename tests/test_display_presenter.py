"""The wall board's presenter: snapshots and events folded into what is shown and what is spoken."""

import pytest

from display.presenter import BoardPresenter

HALL = {"code": "001", "name_zh": "历下区政务服务中心", "name_en": "Lixia Centre", "notice_zh": "一次办好",
        "notice_en": "One visit"}
ZONES = [
    {"zone": "commerce", "prefix": "A", "name_zh": "商事登记", "name_en": "Business", "waiting": 4,
     "estimated_wait_s": 600},
    {"zone": "public", "prefix": "B", "name_zh": "公共服务", "name_en": "Public", "waiting": 0,
     "estimated_wait_s": 0},
]


def snapshot(calls=(), last=0, now="2026-11-22T09:00:00+08:00", zones=ZONES, windows=()):
    return {"hall": HALL, "now": now, "last_event_id": last, "calls": list(calls), "zones": list(zones),
            "windows": list(windows)}


def snap_call(i, number, window, zone="commerce", kind="called", at="2026-11-22T08:59:50+08:00"):
    return {"id": i, "kind": kind, "at": at, "number": number, "zone": zone, "window": window}


def called(number, window, zone="commerce", waiting=None):
    data = {"ticket": {"number": number, "zone": zone, "window": window}, "window": window,
            "at": "2026-11-22T09:00:01+08:00"}
    if waiting is not None:
        data["waiting"] = {zone: waiting}
    return data


def test_first_snapshot_shows_history_without_speaking_it():
    p = BoardPresenter()
    out = p.resync(snapshot([snap_call(5, "A002", 3), snap_call(2, "A001", 1)], last=5), now=0)
    assert out.announce == []
    v = p.view(now=0)
    assert v.current.number == "A002" and v.current.window == 3
    assert [c.number for c in v.recent] == ["A001"]
    assert not v.flashing and v.synced
    assert v.hall_zh == "历下区政务服务中心" and v.notice_en == "One visit"
    assert v.current.text_zh == "请 A002 号到 3 号窗口办理"
    assert v.current.text_en == "Number A002, please go to window 3"


def test_a_call_becomes_current_flashes_and_is_announced_once():
    p = BoardPresenter(flash_s=5)
    p.resync(snapshot(last=10), now=0)
    out = p.apply(11, "called", called("A003", 7, waiting=3), now=100)
    assert [(c.number, c.window) for c in out.announce] == [("A003", 7)]
    assert out.changed and not out.refresh  # applied: no snapshot is fetched for an event
    v = p.view(now=101)
    assert v.current.number == "A003" and v.flashing
    assert v.zones[0].waiting == 3
    assert not p.view(now=106).flashing
    assert p.apply(11, "called", called("A003", 7), now=102).announce == []  # same event again


def test_a_recall_is_announced_again():
    p = BoardPresenter()
    p.resync(snapshot(), now=0)
    assert len(p.apply(1, "called", called("A001", 2), now=1).announce) == 1
    again = p.apply(2, "recalled", called("A001", 2), now=5).announce
    assert [(c.number, c.recall) for c in again] == [("A001", True)]
    assert p.view(now=5).current.recall


def test_history_keeps_the_last_calls_newest_first():
    p = BoardPresenter(history=8)
    p.resync(snapshot(), now=0)
    for i in range(1, 13):
        p.apply(i, "called", called(f"A{i:03d}", i), now=i)
    v = p.view(now=20)
    assert v.current.number == "A012"
    assert [c.number for c in v.recent] == [f"A{i:03d}" for i in range(11, 3, -1)]


def test_resync_after_a_gap_speaks_only_the_missed_recent_calls():
    p = BoardPresenter()
    p.resync(snapshot([snap_call(1, "A001", 1)], last=1), now=0)
    p.apply(2, "called", called("A002", 2), now=1)
    old = snap_call(3, "B001", 4, zone="public", at="2026-11-22T08:50:00+08:00")  # 10 min before: too old
    missed = snap_call(4, "A003", 5)
    out = p.resync(snapshot([missed, old, snap_call(2, "A002", 2), snap_call(1, "A001", 1)], last=4), now=50)
    assert [c.number for c in out.announce] == ["A003"]
    assert p.view(now=50).current.number == "A003" and p.view(now=50).flashing
    # The stream then delivers the same events again: nothing is repeated.
    assert p.apply(4, "called", called("A003", 5), now=51).announce == []
    assert p.apply(2, "called", called("A002", 2), now=51).announce == []


def test_resync_keeps_live_calls_newer_than_the_snapshot():
    p = BoardPresenter()
    p.resync(snapshot(last=0), now=0)
    p.apply(7, "called", called("A007", 1), now=1)
    p.resync(snapshot([snap_call(6, "A006", 2)], last=6), now=2)
    assert [c.number for c in (p.view(2).current, *p.view(2).recent)] == ["A007", "A006"]


def test_zone_board_ignores_other_zones_and_learns_prefixes():
    p = BoardPresenter(zones=["A"])
    p.resync(snapshot(zones=ZONES[:1]), now=0)
    assert p.apply(1, "called", called("B001", 4, zone="public"), now=1).announce == []
    assert len(p.apply(2, "called", called("A001", 3), now=1).announce) == 1
    assert [z.zone for z in p.view(1).zones] == ["commerce"]


def test_window_board_shows_only_its_windows_and_their_state():
    p = BoardPresenter(windows=[3])
    p.resync(snapshot(windows=[{"number": 3, "state": "open", "zones": ["commerce"], "ticket": None,
                                "pause_reason": None}]), now=0)
    assert p.apply(1, "called", called("A001", 4), now=1).announce == []
    p.apply(2, "called", called("A002", 3), now=1)
    assert p.view(1).windows[0].ticket == "A002"
    p.apply(3, "finished", {"ticket": {"number": "A002", "zone": "commerce"}, "window": 3}, now=2)
    p.apply(4, "window", {"window": 3, "state": "paused", "pause_reason": "午休 Lunch"}, now=3)
    w = p.view(3).windows[0]
    assert (w.state, w.ticket, w.pause_reason) == ("paused", None, "午休 Lunch")


def test_waiting_counts_and_next_numbers_follow_events_and_scale_the_estimate_without_a_refetch():
    p = BoardPresenter()
    p.resync(snapshot(), now=0)
    out = p.apply(1, "issued", {"ticket": {"number": "A010", "zone": "commerce"}, "waiting": {"commerce": 5},
                                "next": {"commerce": ["A006", "A007", "A008"]}}, now=1)
    assert not out.refresh and out.announce == [] and out.changed
    z = p.view(1).zones[0]
    assert (z.waiting, z.estimated_wait_s, z.next) == (5, 750, ("A006", "A007", "A008"))


def test_every_public_event_kind_is_applied_without_a_refetch():
    windows = [{"number": 1, "state": "open", "zones": ["commerce"], "ticket": None, "pause_reason": None}]
    p = BoardPresenter()
    p.resync(snapshot(windows=windows), now=0)
    kinds = ["issued", "called", "recalled", "started", "finished", "no_show", "transferred", "cancelled",
             "requeued", "window", "rated"]
    for i, kind in enumerate(kinds, start=1):
        out = p.apply(i, kind, dict(called(f"A{i:03d}", 1, waiting=3), state="open"), now=i)
        assert not out.refresh, kind


def test_the_board_view_carries_the_halls_time_zone_and_a_bilingual_recall_tag():
    p = BoardPresenter()
    hall = HALL | {"timezone": "Asia/Urumqi"}
    p.resync(snapshot([snap_call(5, "A002", 3, kind="recalled")], last=5) | {"hall": hall}, now=0)
    v = p.view(0)
    assert v.timezone == "Asia/Urumqi" and v.current.tag == ("重呼", "Recall")


def test_online_flag():
    p = BoardPresenter()
    assert p.set_online(True) and not p.set_online(True)
    assert p.view(0).online


def test_zone_waits_are_worded_by_the_shared_rule():
    p = BoardPresenter()
    idle = dict(ZONES[1], open_windows=1, idle_windows=1)
    busy = dict(ZONES[0], waiting=0, estimated_wait_s=420, open_windows=2, idle_windows=0)
    p.resync(snapshot(zones=[busy, idle]), now=0)
    lines = {z.zone: z for z in p.view(0).zones}
    assert (lines["public"].wait_zh, lines["public"].wait_en) == ("无需等候", "no wait")
    assert lines["commerce"].wait_zh == "下一位 · 约 7 分钟"


def test_history_must_be_positive():
    with pytest.raises(ValueError):
        BoardPresenter(history=0)


def test_the_presenter_needs_no_window_toolkit_or_network():
    import subprocess
    import sys

    code = ("import sys, display.presenter, display.device; "
            "print(sorted(m for m in ('kivy', 'requests', 'flask', 'sqlite3') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
