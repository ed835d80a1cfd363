"""The simulator runs the server's own dispatch and estimate functions, not copies of them."""

import ast
from pathlib import Path

from queue_server.core import dispatch, estimate
from queue_server.hall_config import load_config
from queue_server.ops import live
from queue_server.ops import windows as window_ops
from simulator.engine import simulate
from simulator.policies import POLICIES
from simulator.scenarios import poisson_arrivals, single_zone_config

SIMULATOR = Path(__file__).resolve().parent.parent / "simulator"
CFG = single_zone_config(3, 60)
DAY = poisson_arrivals(2.5 / 60, 60, 300, seed=5)


def test_simulator_calls_the_dispatch_function_the_server_calls(monkeypatch):
    server_choose = window_ops.choose_next  # what POST /windows/{no}/call-next runs
    assert server_choose is dispatch.choose_next
    calls = []

    def spy(*args, **kwargs):
        calls.append(kwargs.get("mode", "balanced"))
        return server_choose(*args, **kwargs)

    monkeypatch.setattr(dispatch, "choose_next", spy)
    result = simulate(CFG, DAY, POLICIES["shipped"])
    assert len(calls) >= len(DAY) and set(calls) == {"balanced"}
    assert all(o.called_at is not None for o in result.outcomes)
    simulate(CFG, DAY, POLICIES["pooled"])
    assert "fifo" in calls


def test_no_ticket_is_called_except_through_dispatch(monkeypatch):
    monkeypatch.setattr(dispatch, "choose_next", lambda *a, **k: None)
    result = simulate(CFG, DAY, POLICIES["shipped"])
    assert all(o.called_at is None for o in result.outcomes)


def test_simulator_estimates_with_the_servers_estimate_functions(monkeypatch):
    # live.py (the server) builds its snapshots with the very same pure function.
    assert live.build_snapshots is estimate.build_snapshots
    assert live.expected_wait_s is estimate.expected_wait_s and live.ahead_of is estimate.ahead_of
    seen = {"build_snapshots": 0, "ahead_of": 0, "expected_wait_s": 0}

    def spy_on(name, answer=None):
        original = getattr(estimate, name)

        def spy(*args, **kwargs):
            seen[name] += 1
            result = original(*args, **kwargs)
            return result if answer is None else answer

        monkeypatch.setattr(estimate, name, spy)

    spy_on("build_snapshots")
    spy_on("ahead_of")
    spy_on("expected_wait_s", answer=4242.0)
    result = simulate(CFG, DAY, POLICIES["shipped"])
    assert seen["build_snapshots"] >= len(DAY) and seen["ahead_of"] == len(DAY) == seen["expected_wait_s"]
    assert {o.estimate_s for o in result.outcomes} == {4242.0}


def test_simulator_defines_no_dispatch_or_estimate_of_its_own():
    server_names = {"choose_next", "order_key", "queue_order", "ahead_of", "expected_wait_s", "build_snapshots",
                    "mean_service_s", "spare_fraction", "propose_moves"}
    for path in SIMULATOR.glob("*.py"):
        defined = {n.name for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.FunctionDef)}
        assert not defined & server_names, f"{path.name} re-implements {defined & server_names}"


def test_sample_hall_day_runs_under_every_policy():
    from simulator.profile import generate, load_profile

    cfg = load_config()
    day = generate(cfg, load_profile(Path(__file__).resolve().parent.parent / "config/profiles/weekday.toml"),
                   0.85, seed=3)
    for policy in POLICIES.values():
        result = simulate(cfg, day, policy)
        assert all(o.called_at is not None for o in result.outcomes), policy.name
