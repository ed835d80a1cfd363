"""Figures for bench/README.md: the sample hall at 85 % load on a realistic day, 5 seeds.

Prints mean and p90 wait per policy (mean over seeds), the prediction quality of
the server's estimate against the simple predictor, and the Erlang C anchors.
Run: .venv/bin/python bench/simulate_policies.py [--config FILE] [--profile FILE] [--load 0.85] [--seeds 5]
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

from queue_server.core.rebalance import mmc_mean_wait_s
from queue_server.hall_config import DEFAULT_CONFIG, load_config
from simulator.engine import simulate
from simulator.metrics import batch_means_interval, mean, percentile, prediction_error
from simulator.policies import POLICIES
from simulator.profile import generate, load_profile
from simulator.scenarios import poisson_arrivals, single_zone_config

PROFILES = DEFAULT_CONFIG.parent / "profiles"


def policy_table(cfg, profile, load: float, seeds: int) -> None:
    print(f"{'policy':<18} {'mean min':>8} {'p90 min':>8} {'max min':>8} {'ours mae s':>10} {'ours rel_mse':>12} "
          f"{'simple mae s':>12} {'simple rel_mse':>14} {'naive rel_mse':>13} {'moves/day':>9}")
    days = [generate(cfg, profile, load, s) for s in range(1, seeds + 1)]
    for p in POLICIES.values():
        figures = defaultdict(list)
        ours, simple, naive = [], [], []
        for day in days:
            r = simulate(cfg, day, p)
            waits = [o.wait_s for o in r.outcomes if o.wait_s is not None and not o.no_show]
            figures["mean"].append(mean(waits))
            figures["p90"].append(percentile(waits, 90))
            figures["max"].append(max(waits))
            figures["moves"].append(len(r.moves))
            served = [o for o in r.outcomes if o.wait_s is not None and not o.no_show]
            ours += [(o.estimate_s, o.wait_s) for o in served]
            simple += [(o.simple_s, o.wait_s) for o in served]
            naive += [(o.naive_s, o.wait_s) for o in served]
        o, s = prediction_error(ours), prediction_error(simple)
        print(f"{p.name:<18} {mean(figures['mean']) / 60:>8.2f} {mean(figures['p90']) / 60:>8.2f} "
              f"{mean(figures['max']) / 60:>8.1f} {o['mae_s']:>10.0f} {o['rel_mse']:>12.3f} {s['mae_s']:>12.0f} "
              f"{s['rel_mse']:>14.3f} {prediction_error(naive)['rel_mse']:>13.3f} {mean(figures['moves']):>9.0f}")


def erlang_anchors() -> None:
    split = {"economy": 3, "construction": 2, "social": 3, "commerce": 18, "special": 2, "public": 12}
    s, rho = 600.0, 0.85
    rates = {z: rho * c / s for z, c in split.items()}
    dedicated = sum(rates[z] * mmc_mean_wait_s(c, rates[z], s) for z, c in split.items()) / sum(rates.values())
    pooled = mmc_mean_wait_s(sum(split.values()), sum(rates.values()), s)
    print(f"Erlang C, 40 windows 3/2/3/18/2/12, 10-min service, 85 %: dedicated {dedicated / 60:.2f} min, "
          f"pooled {pooled / 60:.2f} min")


def mmc_check(seeds: int) -> None:
    """Single-zone M/M/c: one long run per case (warm-up dropped), mean wait with its 99 % batch-means interval."""
    for c, rho in ((5, 0.85), (2, 0.85), (18, 0.85)):
        s = 60.0
        cfg = single_zone_config(c, s)
        waits, ours = [], []
        for seed in range(1, seeds + 1):
            r = simulate(cfg, poisson_arrivals(rho * c / s, s, 30_000, 100 * c + seed), POLICIES["shipped"])
            waits += [o.wait_s for o in r.outcomes][2000:]
            ours += [(o.estimate_s, o.wait_s) for o in r.outcomes]
        m, half = batch_means_interval(waits)
        print(f"M/M/{c} at {rho:.0%}: simulated mean wait {m:.1f} ± {half:.1f} s (Erlang C "
              f"{mmc_mean_wait_s(c, rho * c / s, s):.1f} s); estimate rel_mse {prediction_error(ours)['rel_mse']:.3f} "
              f"(ideal {1 - rho:.2f})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default=None)
    ap.add_argument("--profile", default=str(PROFILES / "weekday.toml"))
    ap.add_argument("--load", type=float, default=0.85)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--only", choices=["policies", "anchors", "mmc"], default=None)
    args = ap.parse_args()
    cfg = load_config(args.config)
    t = time.perf_counter()
    if args.only in (None, "anchors"):
        erlang_anchors()
    if args.only in (None, "policies"):
        print(f"\nsample hall, {args.profile.rsplit('/', 1)[-1]}, load {args.load}, {args.seeds} seeds")
        policy_table(cfg, load_profile(args.profile), args.load, args.seeds)
    if args.only in (None, "mmc"):
        print()
        mmc_check(args.seeds)
    print(f"\n({time.perf_counter() - t:.1f} s)")


if __name__ == "__main__":
    main()
