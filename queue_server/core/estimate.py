"""Wait estimates: how many are ahead of a ticket and how long until it is called.

Pure. The server (and the simulator) builds a ZoneSnapshot from live data:
the recent mean service time of the zone, the open windows whose home zone it
is, the spare capacity of windows that serve it as overflow, and how many of
those windows stand idle. The estimate is the M/M/c expectation for the
(ahead+1)-th customer in line: once the idle windows are used up, each further
place in line costs one mean service time divided by the zone's capacity.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from queue_server.core.dispatch import DispatchRules, Waiting, order_key

# How many recent services inform a zone's mean, and how many observations the configured
# value counts as. Chosen with the simulator (bench/README.md): fewer makes the mean too noisy
# (an exponential service time has a spread as large as its mean), more adapts too slowly.
RECENT_SERVICES = 100
PRIOR_WEIGHT = 10
ARRIVAL_WINDOW_S = 1800  # arrivals over the last half hour set each zone's load


@dataclass(frozen=True, slots=True)
class ZoneSnapshot:
    zone: str
    mean_service_s: float
    home_windows: float  # open (not paused) windows whose home zone this is
    overflow_capacity: float = 0.0  # summed spare fractions of windows serving it as overflow
    idle_windows: int = 0  # open windows able to serve it that have no ticket right now

    @property
    def capacity(self) -> float:
        return self.home_windows + self.overflow_capacity


def mean_service_s(recent_durations: Sequence[float], prior_s: float) -> float:
    """Mean service time, shrunk towards the configured value while data is scarce."""
    recent = [d for d in recent_durations[-RECENT_SERVICES:] if d > 0]
    return (prior_s * PRIOR_WEIGHT + sum(recent)) / (PRIOR_WEIGHT + len(recent))


def spare_fraction(arrivals_per_s: float, mean_service_s: float, home_windows: float) -> float:
    """Share of a window's time left over by its home zone (1 - utilisation, at least 0)."""
    if home_windows <= 0:
        return 1.0
    return max(0.0, 1.0 - arrivals_per_s * mean_service_s / home_windows)


def ahead_of(
    ticket: Waiting, zone_waiting: Iterable[Waiting], rules: DispatchRules, now: float
) -> int:
    """How many waiting tickets of the same zone dispatch will serve before this one."""
    mine = order_key(ticket, rules, now)
    return sum(
        1 for t in zone_waiting if t.id != ticket.id and t.zone == ticket.zone
        and order_key(t, rules, now) < mine
    )


def expected_wait_s(ahead: int, snap: ZoneSnapshot) -> float:
    """Expected seconds until a ticket with `ahead` tickets before it is called."""
    place = ahead + 1 - snap.idle_windows
    if place <= 0:
        return 0.0
    capacity = max(snap.capacity, 0.5)  # a zone nobody serves still gets a finite, long estimate
    return place * snap.mean_service_s / capacity


@dataclass(frozen=True, slots=True)
class OpenWindow:
    """An open (not paused, not closed) window as the estimate sees it."""

    zones: tuple[str, ...]  # home zone first
    busy: bool  # has a current ticket


def build_snapshots(
    priors_s: Mapping[str, float],
    recent_durations: Mapping[str, Sequence[float]],
    arrivals_per_s: Mapping[str, float],
    open_windows: Sequence[OpenWindow],
    planned_homes: Sequence[str] = (),
    waiting_zones: Collection[str] | None = None,
) -> dict[str, ZoneSnapshot]:
    """Each zone's snapshot from the hall's state; the server (live.py) and the simulator both call this.

    `priors_s` lists every zone with its configured mean service time; `planned_homes` are the
    configured windows' home zones, used for capacity while nobody has signed on yet. A window's
    spare time (what its home zone leaves over) goes to its overflow zones that have someone
    waiting (`waiting_zones`; all of them when not given), shared equally: dispatch sends it
    where the queues are, and a window that helps three zones is not counted three times.
    """
    means = {z: mean_service_s(recent_durations.get(z, ()), p) for z, p in priors_s.items()}
    queued = set(priors_s if waiting_zones is None else waiting_zones)
    home_count: dict[str, float] = {z: 0.0 for z in priors_s}
    for home in [w.zones[0] for w in open_windows] if open_windows else planned_homes:
        home_count[home] = home_count.get(home, 0.0) + 1
    overflow: dict[str, float] = {z: 0.0 for z in priors_s}
    idle: dict[str, int] = {z: 0 for z in priors_s}
    spare = {h: spare_fraction(arrivals_per_s.get(h, 0.0), means[h], home_count[h]) for h in priors_s}
    for w in open_windows:
        if not w.busy:
            for z in w.zones:
                if z in idle:
                    idle[z] += 1
        others = [z for z in w.zones[1:] if z in priors_s]
        if not others or w.zones[0] not in priors_s:
            continue
        busy_others = sum(1 for z in others if z in queued)
        for z in others:
            # A zone's own estimate counts it as waiting (a new ticket is about to join it).
            overflow[z] += spare[w.zones[0]] / (busy_others + (z not in queued))
    return {
        z: ZoneSnapshot(zone=z, mean_service_s=means[z], home_windows=home_count[z],
                        overflow_capacity=overflow[z], idle_windows=idle[z])
        for z in priors_s
    }
