"""The report PNG: waits per zone per hour and window utilisation per hour, one row per policy."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from simulator.engine import SimResult
from simulator.metrics import mean


def hourly_waits(result: SimResult) -> dict[str, dict[int, float]]:
    """zone → arrival hour → mean wait in minutes."""
    acc: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for o in result.outcomes:
        if o.wait_s is not None and not o.no_show:
            acc[o.zone][int(o.arrival // 3600)].append(o.wait_s / 60)
    return {z: {h: mean(v) for h, v in sorted(hours.items())} for z, hours in acc.items()}


def hourly_utilisation(result: SimResult) -> dict[int, float]:
    """hour → busy time / open time over all windows."""
    busy: dict[int, float] = defaultdict(float)
    open_: dict[int, float] = defaultdict(float)

    def spread(into: dict[int, float], a: float, b: float) -> None:
        while a < b:
            h = int(a // 3600)
            end = min(b, (h + 1) * 3600)
            into[h] += end - a
            a = end

    for spans in result.busy.values():
        for a, b in spans:
            spread(busy, a, b)
    for spans in result.shifts.values():
        for a, b in spans:
            spread(open_, a, b)
    return {h: busy[h] / open_[h] for h in sorted(open_) if open_[h] > 0}


def write_report(results: list[SimResult], path: str | Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(results), 2, figsize=(13, 3.2 * len(results)), squeeze=False)
    for row, result in zip(axes, results, strict=True):
        for zone, hours in sorted(hourly_waits(result).items()):
            row[0].plot([h for h in hours], list(hours.values()), marker="o", label=zone)
        row[0].set_title(f"{result.policy}: mean wait per zone by hour of arrival")
        row[0].set_xlabel("hour")
        row[0].set_ylabel("wait (min)")
        row[0].legend(fontsize=7, ncol=3)
        util = hourly_utilisation(result)
        row[1].bar(list(util), [u * 100 for u in util.values()], color="tab:blue")
        row[1].set_ylim(0, 100)
        row[1].set_title(f"{result.policy}: window utilisation by hour")
        row[1].set_xlabel("hour")
        row[1].set_ylabel("busy (%)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
