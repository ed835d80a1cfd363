"""Hourly arrival profiles and the arrivals generator (`hall simulate gen`).

`load` is the day-average utilisation each zone would have with only its home
windows (dedicated): a zone with c home windows and mean service s receives
load × c / s arrivals per second on average over the opening hours, spread over
the hours by the profile's shares (Poisson within each hour). Service times are
exponential around the mean of the matter drawn (common matters twice as often).
"""

from __future__ import annotations

import random
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from queue_server.hall_config import HallConfig
from simulator.arrivals import Arrival, InputError


@dataclass(frozen=True)
class Profile:
    name: str
    hours: tuple[int, ...]
    shares: dict[str, tuple[float, ...]]  # zone (or "default") → normalised shares per hour
    priority_share: float = 0.0
    no_show_share: float = 0.0

    def zone_shares(self, zone: str) -> tuple[float, ...]:
        return self.shares.get(zone) or self.shares["default"]


def parse_profile(data: dict, source: str = "profile") -> Profile:
    hours = data.get("hours")
    if not isinstance(hours, list) or not hours or not all(isinstance(h, int) and 0 <= h <= 23 for h in hours):
        raise InputError(f"{source}: hours must be a list of whole hours 0-23, e.g. [9, 10, 11]")
    raw = data.get("shares")
    if not isinstance(raw, dict) or "default" not in raw:
        raise InputError(f"{source}: [shares] needs at least a `default` list (one share per hour)")
    shares = {}
    for zone, values in raw.items():
        if (not isinstance(values, list) or len(values) != len(hours)
                or not all(isinstance(v, int | float) and v >= 0 for v in values) or sum(values) <= 0):
            raise InputError(f"{source}: shares.{zone} must list {len(hours)} non-negative numbers, one per hour")
        total = float(sum(values))
        shares[zone] = tuple(v / total for v in values)
    fractions = {}
    for key in ("priority_share", "no_show_share"):
        v = data.get(key, 0.0)
        if not isinstance(v, int | float) or not 0 <= v < 1:
            raise InputError(f"{source}: {key} must be a fraction between 0 and 1")
        fractions[key] = float(v)
    return Profile(name=str(data.get("name", source)), hours=tuple(hours), shares=shares, **fractions)


def load_profile(path: str | Path) -> Profile:
    try:
        with open(path, "rb") as f:
            return parse_profile(tomllib.load(f), source=str(path))
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{path}: not valid TOML: {e}") from None


def zone_mix(cfg: HallConfig, zone: str) -> tuple[list[str | None], list[float], float]:
    """(matters, weights, mean service) of a zone's citizens."""
    matters = [m for m in cfg.matters if m.zone == zone]
    if not matters:
        return [None], [1.0], float(cfg.zone(zone).service_s)
    weights = [2.0 if m.common else 1.0 for m in matters]
    mean = sum(w * m.service_s for w, m in zip(weights, matters, strict=True)) / sum(weights)
    return [m.code for m in matters], weights, mean


def home_windows(cfg: HallConfig) -> Counter:
    return Counter(w.zones[0] for w in cfg.windows)


def zone_hour_rates(cfg: HallConfig, profile: Profile, load: float) -> dict[str, dict[int, float]]:
    """zone → hour → arrivals per second at this load."""
    if not 0 < load < 5:
        raise InputError(f"load must be a utilisation above 0 (e.g. 0.85), got {load}")
    homes = home_windows(cfg)
    out = {}
    for zone in cfg.zone_codes():
        if homes[zone]:
            per_s = load * homes[zone] / zone_mix(cfg, zone)[2]
            out[zone] = {h: per_s * share * len(profile.hours)
                         for h, share in zip(profile.hours, profile.zone_shares(zone), strict=True)}
    return out


def generate(cfg: HallConfig, profile: Profile, load: float, seed: int) -> list[Arrival]:
    rates = zone_hour_rates(cfg, profile, load)
    rng = random.Random(seed)
    services = {m.code: m.service_s for m in cfg.matters}
    out = []
    for zone, hours in rates.items():
        matters, weights, mean = zone_mix(cfg, zone)
        for hour, rate in hours.items():
            if rate <= 0:
                continue
            t = hour * 3600 + rng.expovariate(rate)
            while t < (hour + 1) * 3600:
                matter = rng.choices(matters, weights)[0]
                mean_s = services[matter] if matter else mean
                priority = (rng.choice(cfg.rules.priority_classes)
                            if cfg.rules.priority_classes and rng.random() < profile.priority_share else None)
                out.append(Arrival(at=round(t), zone=zone, matter=matter, priority=priority,
                                   service_s=max(1, round(rng.expovariate(1 / mean_s))),
                                   no_show=rng.random() < profile.no_show_share))
                t += rng.expovariate(rate)
    out.sort(key=lambda a: (a.at, a.zone))
    return out
