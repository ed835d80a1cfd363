"""Wait estimates (queue_server.core.estimate): the snapshot the server and the simulator share, and its quality."""

from pathlib import Path

import pytest

from queue_server.core.estimate import (
    OpenWindow,
    ZoneSnapshot,
    build_snapshots,
    expected_wait_s,
    mean_service_s,
    spare_fraction,
)
from queue_server.hall_config import load_config
from simulator.engine import simulate
from simulator.metrics import prediction_error
from simulator.policies import POLICIES
from simulator.profile import generate, load_profile

PRIORS = {"a": 600.0, "b": 600.0, "c": 300.0}


def test_expected_wait_counts_places_after_the_idle_windows():
    snap = ZoneSnapshot("a", mean_service_s=600, home_windows=3)
    assert expected_wait_s(0, snap) == 200 and expected_wait_s(5, snap) == 1200
    idle = ZoneSnapshot("a", mean_service_s=600, home_windows=3, idle_windows=2)
    assert expected_wait_s(1, idle) == 0 and expected_wait_s(2, idle) == 200
    nobody = ZoneSnapshot("a", mean_service_s=600, home_windows=0)
    assert expected_wait_s(0, nobody) == 1200  # finite, long


def test_mean_service_leans_on_the_configured_value_until_data_arrive():
    assert mean_service_s([], 600) == 600
    assert mean_service_s([300] * 10, 600) == pytest.approx(450)  # the prior counts as ten services
    assert mean_service_s([300] * 1000, 600) == pytest.approx((10 * 600 + 100 * 300) / 110)  # last 100 only
    assert mean_service_s([0, -5], 600) == 600  # broken durations are ignored


def test_snapshots_share_a_windows_spare_time_among_its_queued_overflow_zones():
    windows = [OpenWindow(("a", "b", "c"), busy=True), OpenWindow(("a",), busy=True), OpenWindow(("b",), busy=False)]
    rates = {"a": 1 / 600}  # zone a uses half of its two windows
    assert spare_fraction(1 / 600, 600, 2) == 0.5
    both = build_snapshots(PRIORS, {}, rates, windows, waiting_zones=["b", "c"])
    assert both["b"].overflow_capacity == 0.25 and both["c"].overflow_capacity == 0.25
    assert both["a"].home_windows == 2 and both["b"].home_windows == 1 and both["c"].home_windows == 0
    assert both["b"].idle_windows == 1 and both["a"].idle_windows == 0
    only_b = build_snapshots(PRIORS, {}, rates, windows, waiting_zones=["b"])
    assert only_b["b"].overflow_capacity == 0.5  # c has nobody waiting: b gets all the spare time
    assert only_b["c"].overflow_capacity == 0.25  # a new ticket in c would share it with b


def test_snapshots_before_anyone_signs_on_use_the_configured_windows():
    snaps = build_snapshots(PRIORS, {"a": [300.0] * 10}, {}, [], planned_homes=["a", "a", "b"])
    assert snaps["a"].home_windows == 2 and snaps["b"].home_windows == 1
    assert snaps["a"].mean_service_s == pytest.approx(450)


def test_estimates_beat_the_simple_predictor_on_a_day_with_a_morning_peak():
    """Sample hall, shipped policy, a sharp Monday-morning rush, five days: ours has the lower rel_mse."""
    cfg = load_config()
    monday = load_profile(Path(__file__).resolve().parent.parent / "config/profiles/monday.toml")
    ours, simple = [], []
    for seed in range(1, 6):
        for o in simulate(cfg, generate(cfg, monday, 0.85, seed), POLICIES["shipped"]).outcomes:
            if o.wait_s is not None and not o.no_show:
                ours.append((o.estimate_s, o.wait_s))
                simple.append((o.simple_s, o.wait_s))
    assert prediction_error(ours)["rel_mse"] < prediction_error(simple)["rel_mse"]
    assert prediction_error(ours)["mae_s"] < prediction_error(simple)["mae_s"] * 1.1
