"""Window moves to propose to the hall manager when queues grow unevenly.

Pure (no I/O, no dependencies). Given each zone's queue, arrival rate and mean
service time, and which zones each open window serves, propose moves such as
"window 12: public → commerce, predicted mean wait −6 min". The manager accepts
a move by changing the window's zones (PUT /api/v1/windows/{no}/zones); the
simulator's `shipped+rebalance` policy accepts every move.

The model, per zone over the next `horizon_s`: the backlog drains (or grows) as
a fluid at (windows / mean service − arrival rate), and on top of it arrivals
wait as in a stationary M/M/c queue (Erlang C). A move takes one home
window from one zone to another; moves are chosen greedily by the predicted
saving of waiting time, and only when the saving is worth the disturbance
(`min_gain_s` on the mean wait of the two zones' citizens).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

HORIZON_S = 1800.0
MIN_GAIN_S = 60.0
MAX_MOVES = 4
RHO_CAP = 0.95  # queueing delay of an overloaded zone is taken at this utilisation (the backlog adds the rest)
UNSERVED_S = 4 * 3600.0  # what a citizen of a zone that nobody serves is counted to wait


@dataclass(frozen=True, slots=True)
class ZoneLoad:
    zone: str
    waiting: int
    arrivals_per_s: float
    mean_service_s: float


@dataclass(frozen=True, slots=True)
class Move:
    window: int
    from_zone: str
    to_zone: str
    zones: tuple[str, ...]  # the window's new zones, home first
    wait_change_s: float  # predicted change of the mean wait of both zones' citizens (negative: better)

    def describe(self) -> str:
        minutes = round(self.wait_change_s / 60)
        sign = "−" if minutes < 0 else "+"
        return (f"window {self.window}: {self.from_zone} → {self.to_zone}, "
                f"predicted mean wait {sign}{abs(minutes)} min")


def erlang_c(servers: int, offered: float) -> float:
    """Probability that an arrival waits in M/M/c (offered load = arrival rate × mean service)."""
    if servers <= 0 or offered >= servers:
        return 1.0
    if offered <= 0:
        return 0.0
    b = 1.0
    for k in range(1, servers + 1):  # Erlang B by the stable recursion
        b = offered * b / (k + offered * b)
    return servers * b / (servers - offered * (1 - b))


def mmc_mean_wait_s(servers: int, arrivals_per_s: float, mean_service_s: float) -> float:
    """Mean time in queue of M/M/c (inf when overloaded)."""
    offered = arrivals_per_s * mean_service_s
    if servers <= 0 or offered >= servers:
        return float("inf")
    return erlang_c(servers, offered) * mean_service_s / (servers - offered)


def zone_waiting_time(load: ZoneLoad, windows: int, horizon_s: float = HORIZON_S) -> float:
    """Predicted total waiting (citizen-seconds) of a zone's citizens: those waiting now and the horizon's arrivals.

    Those waiting now wait on average half the backlog's clearing time; a newcomer waits for the
    backlog as it stands on average over the horizon (a fluid), plus the M/M/c queueing delay.
    """
    q, lam, s = float(load.waiting), load.arrivals_per_s, max(1.0, load.mean_service_s)
    if windows <= 0:
        return (q + lam * horizon_s) * UNSERVED_S if q or lam else 0.0
    rate = windows / s
    if rate > lam:
        drain = q / (rate - lam)
        backlog = q * drain / (2 * horizon_s) if drain <= horizon_s else q - (rate - lam) * horizon_s / 2
    else:
        backlog = q + (lam - rate) * horizon_s / 2
    queueing = mmc_mean_wait_s(windows, min(lam, RHO_CAP * rate), s)
    return q * (q + 1) / 2 / rate + lam * horizon_s * (backlog / rate + queueing)


def propose_moves(
    windows: Mapping[int, Sequence[str]],
    zones: Mapping[str, ZoneLoad],
    *,
    movable: Mapping[int, Sequence[str]] | None = None,
    horizon_s: float = HORIZON_S,
    min_gain_s: float = MIN_GAIN_S,
    max_moves: int = MAX_MOVES,
) -> list[Move]:
    """Moves (best first) of open windows' home zones; each window moves at most once.

    `windows`: open window number → its zones, home first. `movable`: window → the zones it
    may be moved to (staff skills); default: any zone in `zones`. A zone keeps at least one
    home window.
    """
    homes: dict[int, str] = {n: zs[0] for n, zs in windows.items() if zs}
    count = {z: 0 for z in zones}
    for h in homes.values():
        if h in count:
            count[h] += 1
    tickets = {z: load.waiting + load.arrivals_per_s * horizon_s for z, load in zones.items()}
    cost = {z: zone_waiting_time(zones[z], count[z], horizon_s) for z in zones}
    moves: list[Move] = []
    moved: set[int] = set()
    while len(moves) < max_moves:
        best: tuple[float, int, str, str, float, float] | None = None
        for n in sorted(homes):
            a = homes[n]
            if n in moved or a not in zones or count[a] < 2:
                continue
            targets = movable.get(n, ()) if movable is not None else zones.keys()
            for b in targets:
                if b == a or b not in zones:
                    continue
                new_a = zone_waiting_time(zones[a], count[a] - 1, horizon_s)
                new_b = zone_waiting_time(zones[b], count[b] + 1, horizon_s)
                people = tickets[a] + tickets[b]
                if people <= 0:
                    continue
                change = (new_a + new_b - cost[a] - cost[b]) / people
                if best is None or change < best[0]:
                    best = (change, n, a, b, new_a, new_b)
        if best is None or best[0] > -min_gain_s:
            break
        change, n, a, b, new_a, new_b = best
        zones_now = tuple(windows[n])
        new_zones = (b, *[z for z in zones_now if z != b])
        moves.append(Move(window=n, from_zone=a, to_zone=b, zones=new_zones, wait_change_s=change))
        moved.add(n)
        homes[n] = b
        count[a] -= 1
        count[b] += 1
        cost[a], cost[b] = new_a, new_b
    return moves
