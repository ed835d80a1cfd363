"""The simulator against queueing theory: single-zone M/M/c waits agree with Erlang C."""

import pytest

from queue_server.core.rebalance import erlang_c, mmc_mean_wait_s
from simulator.engine import simulate
from simulator.metrics import batch_means_interval, prediction_error
from simulator.policies import POLICIES
from simulator.scenarios import poisson_arrivals, single_zone_config


def test_erlang_c_formula_known_values():
    # Two servers, offered load 1: P(wait) = 1/3; one server: P(wait) = utilisation.
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c(1, 0.7) == pytest.approx(0.7)
    assert mmc_mean_wait_s(1, 0.7 / 60, 60) == pytest.approx(0.7 * 60 / 0.3)
    # The anchors: 40 windows split 3/2/3/18/2/12, 10-minute service, 85 %.
    split = [3, 2, 3, 18, 2, 12]
    dedicated = sum(c * mmc_mean_wait_s(c, 0.85 * c / 600, 600) for c in split) / sum(split)
    assert dedicated / 60 == pytest.approx(6.5, abs=0.1)
    assert mmc_mean_wait_s(40, 0.85 * 40 / 600, 600) / 60 == pytest.approx(0.4, abs=0.05)


@pytest.mark.parametrize("windows, utilisation, seed", [(5, 0.85, 11), (2, 0.7, 12)])
def test_mmc_waits_agree_with_erlang_c(windows, utilisation, seed):
    service = 60.0
    rate = utilisation * windows / service
    arrivals = poisson_arrivals(rate, service, 40_000, seed)
    result = simulate(single_zone_config(windows, service), arrivals, POLICIES["shipped"])
    waits = [o.wait_s for o in result.outcomes][2000:]  # drop the warm-up from an empty hall
    m, half = batch_means_interval(waits)
    theory = mmc_mean_wait_s(windows, rate, service)
    assert abs(m - theory) <= half, f"simulated {m:.1f} ± {half:.1f} s, Erlang C {theory:.1f} s"
    # The share who wait at all is Erlang C's probability of waiting.
    waited = sum(1 for w in waits if w > 0) / len(waits)
    assert waited == pytest.approx(erlang_c(windows, rate * service), abs=0.03)


def test_stationary_estimate_is_at_the_theoretical_best():
    """M/M/c at 85 %: the best predictor has rel_mse = 1 - utilisation = 0.15; ours is near it."""
    service, windows = 60.0, 5
    cfg = single_zone_config(windows, service)
    pairs = []
    for seed in (21, 22):
        result = simulate(cfg, poisson_arrivals(0.85 * windows / service, service, 20_000, seed), POLICIES["shipped"])
        pairs += [(o.estimate_s, o.wait_s) for o in result.outcomes]
    figures = prediction_error(pairs)
    # 0.15 knowing the true service time exactly; ours learns it from the last services.
    assert 0.10 <= figures["rel_mse"] <= 0.22, figures
