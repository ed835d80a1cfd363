"""Small synthetic halls for checks and benchmarks: one zone served by c identical windows (M/M/c)."""

from __future__ import annotations

import random

from queue_server.hall_config import HallConfig, parse_config
from simulator.arrivals import Arrival


def single_zone_config(windows: int, service_s: float, target_wait_s: int = 1200) -> HallConfig:
    return parse_config({
        "hall": {"code": "mmc", "name_zh": "单区", "name_en": "Single zone",
                 "notice_zh": "模拟", "notice_en": "Simulation"},
        "zones": [{"code": "a", "prefix": "A", "name_zh": "甲", "name_en": "A",
                   "target_wait_s": target_wait_s, "service_s": round(service_s)}],
        "windows": [{"number": n, "zones": ["a"]} for n in range(1, windows + 1)],
    })


def poisson_arrivals(rate_per_s: float, service_s: float, count: int, seed: int, zone: str = "a",
                     start: float = 0.0) -> list[Arrival]:
    """`count` Poisson arrivals with exponential service times (no priorities, no no-shows)."""
    rng = random.Random(seed)
    t, out = start, []
    for _ in range(count):
        t += rng.expovariate(rate_per_s)
        out.append(Arrival(at=t, zone=zone, service_s=rng.expovariate(1 / service_s)))
    return out
