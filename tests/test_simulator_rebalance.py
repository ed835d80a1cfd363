"""Window moves proposed to the manager (queue_server.core.rebalance, pure)."""

import pytest

from queue_server.core.rebalance import Move, ZoneLoad, mmc_mean_wait_s, propose_moves, zone_waiting_time

WINDOWS = {n: ["commerce", "public"] for n in range(1, 9)} | {n: ["public", "commerce"] for n in range(9, 13)}


def loads(commerce_waiting=0, public_waiting=0, commerce_rate=8 * 0.8 / 600, public_rate=4 * 0.8 / 600):
    return {
        "commerce": ZoneLoad("commerce", commerce_waiting, commerce_rate, 600.0),
        "public": ZoneLoad("public", public_waiting, public_rate, 600.0),
    }


def test_no_moves_when_queues_are_in_balance():
    assert propose_moves(WINDOWS, loads()) == []


def test_a_long_queue_draws_windows_from_a_quiet_zone():
    moves = propose_moves(WINDOWS, loads(commerce_waiting=0, public_waiting=40, commerce_rate=4 * 0.5 / 600))
    assert moves and all(m.from_zone == "commerce" and m.to_zone == "public" for m in moves)
    first = moves[0]
    assert first.zones == ("public", "commerce")  # the old home stays as overflow
    assert first.wait_change_s < 0
    assert len({m.window for m in moves}) == len(moves) <= 4
    assert first.describe() == (f"window {first.window}: commerce → public, predicted mean wait "
                                f"−{abs(round(first.wait_change_s / 60))} min")


def test_moves_respect_skills_and_keep_a_home_window_per_zone():
    moves = propose_moves(WINDOWS, loads(public_waiting=80, commerce_rate=0.0), movable={3: ["public"]})
    assert [m.window for m in moves] == [3]
    lonely = {1: ["commerce"], 2: ["public"]}
    assert propose_moves(lonely, loads(public_waiting=80, commerce_rate=0.0)) == []


def test_zone_model_backlog_and_overload():
    idle = ZoneLoad("a", 0, 0.0, 600.0)
    assert zone_waiting_time(idle, 3) == 0
    backlog = ZoneLoad("a", 10, 0.0, 600.0)
    # Ten waiting, two windows at 600 s: the k-th waits k × 300 s, 16500 citizen-seconds in all.
    assert zone_waiting_time(backlog, 2) == pytest.approx(10 * 11 / 2 * 300)
    stable = ZoneLoad("a", 0, 2 / 600, 600.0)
    assert zone_waiting_time(stable, 3) == pytest.approx(2 / 600 * 1800 * mmc_mean_wait_s(3, 2 / 600, 600))
    overloaded = ZoneLoad("a", 5, 3 / 600, 600.0)
    assert zone_waiting_time(overloaded, 2) > zone_waiting_time(overloaded, 3) > zone_waiting_time(overloaded, 4)
    assert zone_waiting_time(overloaded, 0) >= 4 * 3600 * 5


def test_move_is_a_plain_value():
    m = Move(window=12, from_zone="public", to_zone="commerce", zones=("commerce", "public"), wait_change_s=-361)
    assert m.describe() == "window 12: public → commerce, predicted mean wait −6 min"
