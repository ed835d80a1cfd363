"""Staffing plan: how many windows each zone needs in each hour to keep its p90 wait under target.

First guess from queueing theory (the fewest windows for which the M/M/c wait
exceeds the target for at most one citizen in ten, each zone on its own), then
checked by simulating the day on several seeds under the chosen policy: a
zone-hour over target gets one more window (and is not trimmed again), a
zone-hour far under target (p90 below half the target) gives one back, until
nothing changes or `max_rounds` is reached. The plan returned is the last one
that passed (the guess may be generous: windows that help each other need fewer
staff than separate M/M/c queues).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from queue_server.core.rebalance import erlang_c
from queue_server.hall_config import HallConfig
from simulator.engine import simulate
from simulator.metrics import percentile
from simulator.policies import Policy
from simulator.profile import Profile, generate, zone_hour_rates, zone_mix
from simulator.schedule import Shift

TRIM_BELOW = 0.5  # a zone-hour whose p90 is under this share of the target gives a window back
DRAIN_S = 3 * 3600  # the last hour's windows stay until the queue is empty
MAX_WINDOWS = 60


def windows_for_p90(arrivals_per_s: float, mean_service_s: float, target_s: float) -> int:
    """Fewest M/M/c servers with P(wait > target) ≤ 10 %."""
    if arrivals_per_s <= 0:
        return 0
    offered = arrivals_per_s * mean_service_s
    for c in range(max(1, math.ceil(offered)), MAX_WINDOWS + 1):
        if offered >= c:
            continue
        if erlang_c(c, offered) * math.exp(-(c / mean_service_s - arrivals_per_s) * target_s) <= 0.10:
            return c
    return MAX_WINDOWS


@dataclass
class StaffingPlan:
    hours: tuple[int, ...]
    windows: dict[str, dict[int, int]]  # zone → hour → windows
    p90_s: dict[str, dict[int, float]]  # zone → hour → simulated p90 wait (by hour of arrival)
    targets_s: dict[str, float]
    rounds: int

    @property
    def ok(self) -> bool:
        return all(p <= self.targets_s[z] for z, hours in self.p90_s.items() for p in hours.values())

    def as_json(self) -> dict:
        return {"hours": list(self.hours), "ok": self.ok, "rounds": self.rounds,
                "zones": {z: {"target_p90_s": self.targets_s[z],
                              "windows": {f"{h:02d}:00": n for h, n in self.windows[z].items()},
                              "p90_wait_s": {f"{h:02d}:00": round(p) for h, p in self.p90_s[z].items()}}
                          for z in self.windows}}


def schedule_for(cfg: HallConfig, windows: dict[str, dict[int, int]], last_hour: int) -> list[Shift]:
    """Shifts that open the planned number of windows per zone and hour (configured windows first)."""
    extra = max(w.number for w in cfg.windows) + 1
    shifts = []
    for zone, hours in windows.items():
        own = [w for w in cfg.windows if w.zones[0] == zone]
        for i in range(max(hours.values(), default=0)):
            if i < len(own):
                number, zones = own[i].number, own[i].zones
            else:
                number, zones, extra = extra, (zone,), extra + 1
            for h, n in hours.items():
                if i < n:
                    end = (h + 1) * 3600 + (DRAIN_S if h == last_hour else 0)
                    shifts.append(Shift(number, h * 3600, end, zones))
    return shifts


def plan_staffing(cfg: HallConfig, profile: Profile, load: float, policy: Policy,
                  target_p90_s: float | None = None, seeds: tuple[int, ...] = (1, 2, 3),
                  max_rounds: int = 8) -> StaffingPlan:
    rates = zone_hour_rates(cfg, profile, load)
    targets = {z: float(target_p90_s or cfg.zone(z).target_wait_s) for z in rates}
    windows = {z: {h: windows_for_p90(r, zone_mix(cfg, z)[2], targets[z]) for h, r in hours.items()}
               for z, hours in rates.items()}
    days = [generate(cfg, profile, load, s) for s in seeds]
    last_hour = max(profile.hours)
    locked: set[tuple[str, int]] = set()
    best: StaffingPlan | None = None
    plan_now = StaffingPlan(profile.hours, windows, {}, targets, 0)
    for rounds in range(1, max_rounds + 1):
        p90 = _simulated_p90(cfg, days, policy, schedule_for(cfg, windows, last_hour), profile.hours, windows)
        plan_now = StaffingPlan(profile.hours, {z: dict(h) for z, h in windows.items()}, p90, targets, rounds)
        failing = [(z, h) for z, hours in p90.items() for h, p in hours.items() if p > targets[z]]
        if not failing:
            best = plan_now
        spare = [(z, h) for z, hours in p90.items() for h, p in hours.items()
                 if p < TRIM_BELOW * targets[z] and windows[z][h] > 1 and (z, h) not in locked]
        if not failing and not spare:
            break
        for z, h in failing:
            windows[z][h] = min(MAX_WINDOWS, windows[z][h] + 1)
            locked.add((z, h))
        if not failing:
            for z, h in spare:
                windows[z][h] -= 1
    return best or plan_now


def _simulated_p90(cfg: HallConfig, days: list, policy: Policy, shifts: list[Shift], hours: tuple[int, ...],
                   windows: dict[str, dict[int, int]]) -> dict[str, dict[int, float]]:
    """zone → hour → p90 wait of the citizens arriving in that hour, over all the simulated days."""
    waits: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for day in days:
        for o in simulate(cfg, day, policy, shifts).outcomes:
            if not o.no_show:
                # A ticket nobody served counts as over target.
                waits[o.zone][int(o.arrival // 3600)].append(o.wait_s if o.wait_s is not None else float("inf"))
    return {z: {h: percentile(waits[z][h], 90) for h in hours} for z in windows}
