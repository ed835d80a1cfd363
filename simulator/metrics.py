"""Figures of a simulated day: waits per policy and zone, and how right the estimates were."""

from __future__ import annotations

import math
from collections.abc import Iterable

from simulator.engine import Outcome, SimResult


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0 for no data."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def batch_means_interval(values: list[float], batches: int = 19, t: float = 2.88) -> tuple[float, float]:
    """(mean, half-width of the confidence interval) by batch means, for correlated series such as
    successive waits; t is Student's t for batches - 1 degrees of freedom (2.88: 99 % with 19 batches)."""
    size = len(values) // batches
    means = [mean(values[i * size:(i + 1) * size]) for i in range(batches)]
    m = mean(means)
    sd = math.sqrt(sum((x - m) ** 2 for x in means) / (batches - 1))
    return m, t * sd / math.sqrt(batches)


def prediction_error(pairs: Iterable[tuple[float, float]]) -> dict:
    """mae over all served tickets; rel_mse = mean squared error / squared mean wait, over those who waited.

    Over those who waited because that is where the estimate matters: for M/M/c and the ideal
    predictor this is exactly 1 − utilisation.
    """
    pairs = list(pairs)
    waited = [(p, w) for p, w in pairs if w > 0]
    mae = mean([abs(p - w) for p, w in pairs])
    mw = mean([w for _, w in waited])
    mse = mean([(p - w) ** 2 for p, w in waited])
    return {"mae_s": round(mae, 1), "rel_mse": round(mse / mw ** 2, 3) if mw > 0 else 0.0}


def _waits(outcomes: Iterable[Outcome]) -> list[float]:
    return [o.wait_s for o in outcomes if o.wait_s is not None and not o.no_show]


def summarise(result: SimResult) -> dict:
    served = [o for o in result.outcomes if o.called_at is not None and not o.no_show]
    waits = _waits(served)
    zones: dict[str, list[Outcome]] = {}
    for o in served:
        zones.setdefault(o.zone, []).append(o)
    prio = [o.wait_s for o in served if o.priority]
    normal = [o.wait_s for o in served if not o.priority]
    return {
        "policy": result.policy,
        "tickets": len(result.outcomes),
        "served": len(served),
        "no_shows": sum(1 for o in result.outcomes if o.no_show and o.called_at is not None),
        "unserved": sum(1 for o in result.outcomes if o.called_at is None),
        "mean_wait_s": round(mean(waits), 1),
        "p90_wait_s": round(percentile(waits, 90), 1),
        "max_wait_s": round(max(waits, default=0.0), 1),
        "per_zone": {
            z: {"tickets": len(os), "mean_wait_s": round(mean(_waits(os)), 1),
                "p90_wait_s": round(percentile(_waits(os), 90), 1)}
            for z, os in sorted(zones.items())
        },
        "priority_mean_wait_s": round(mean(prio), 1),
        "normal_mean_wait_s": round(mean(normal), 1),
        "prediction": prediction_error((o.estimate_s, o.wait_s) for o in served),
        "simple_prediction": prediction_error((o.simple_s, o.wait_s) for o in served),
        "naive_prediction": prediction_error((o.naive_s, o.wait_s) for o in served),
        "window_moves": [{"at_s": round(t), "move": m.describe()} for t, m in result.moves],
    }
