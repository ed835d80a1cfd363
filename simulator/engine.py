"""The discrete-event simulation of one hall day under one policy, in simulated seconds.

No copies of the server's logic: every call-next goes through
`queue_server.core.dispatch.choose_next`, every estimate through
`queue_server.core.estimate` (build_snapshots, ahead_of, expected_wait_s), and the
rebalance policy through `queue_server.core.rebalance.propose_moves`, looked up on
their modules at call time (so a test can spy on them).

Modelling choices (say why, briefly):
- A window calls next as soon as it is free (staff press call-next at once).
- An arrival finding idle windows able to serve it goes to one whose home zone
  is its zone if there is one, else to the one idle longest.
- A no-show costs the window NO_SHOW_S (call, recall, mark not present) and its
  wait is left out of the wait figures (nobody was there).
- Without a schedule every window opens at the first arrival and stays open
  until the queue is empty; with one, a window stops calling at the end of its
  shift (its current service finishes) and tickets nobody serves are `unserved`.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from queue_server.core import dispatch, estimate, rebalance
from queue_server.core.dispatch import DispatchRules, Waiting
from queue_server.hall_config import HallConfig
from simulator.arrivals import Arrival
from simulator.policies import Policy
from simulator.schedule import Shift

NO_SHOW_S = 90.0
REBALANCE_EVERY_S = 600.0


@dataclass(slots=True)
class Outcome:
    """One ticket's day: when it came, when it was called, and what it had been told."""

    id: int
    zone: str
    priority: str | None
    arrival: float
    service_s: float
    no_show: bool
    estimate_s: float = 0.0  # what the server's estimate said at issue
    simple_s: float = 0.0  # the simple predictor: (queue length + 1) / service rate of the home windows
    naive_s: float = 0.0  # the same with the configured service time instead of the learned one
    called_at: float | None = None
    window: int | None = None

    @property
    def wait_s(self) -> float | None:
        return None if self.called_at is None else self.called_at - self.arrival


@dataclass
class SimResult:
    policy: str
    outcomes: list[Outcome]
    busy: dict[int, list[tuple[float, float]]]  # window → busy intervals
    shifts: dict[int, list[tuple[float, float]]]  # window → open intervals (end may be the day's end)
    moves: list[tuple[float, rebalance.Move]] = field(default_factory=list)
    end: float = 0.0


@dataclass(slots=True)
class _Window:
    number: int
    zones: tuple[str, ...] = ()
    open: bool = False
    current: Outcome | None = None
    idle_since: float = 0.0
    opened_at: float = 0.0


def simple_wait_s(ahead: int, snap: estimate.ZoneSnapshot, mean_service_s: float | None = None) -> float:
    """The textbook predictor: (queue length + 1) / (home windows / mean service); 0 if a window is idle.

    It is the best predictor for one zone served by its own windows (M/M/c); what it ignores is
    how the hall shares windows between zones.
    """
    if snap.idle_windows > 0 and ahead < snap.idle_windows:
        return 0.0
    return (ahead + 1) * (mean_service_s or snap.mean_service_s) / max(snap.home_windows, 1.0)


class Simulation:
    def __init__(self, cfg: HallConfig, arrivals: Sequence[Arrival], policy: Policy,
                 shifts: Sequence[Shift] | None = None):
        self.cfg = cfg
        self.policy = policy
        self.arrivals = list(arrivals)
        self.rules = DispatchRules.from_rules(cfg.rules)
        self.targets = {z.code: z.target_wait_s for z in cfg.zones}
        self.priors = {z.code: float(z.service_s) for z in cfg.zones}
        self.codes = cfg.zone_codes()
        self.queues: dict[str, dict[int, Waiting]] = {z: {} for z in self.codes}
        self.durations: dict[str, list[float]] = {z: [] for z in self.codes}
        self.recent_arrivals: dict[str, deque[float]] = {z: deque() for z in self.codes}
        self.windows = {w.number: _Window(w.number) for w in cfg.windows}
        self.events: list[tuple] = []
        self.seq = itertools.count()
        self.outcomes: list[Outcome] = []
        self.busy: dict[int, list[tuple[float, float]]] = {n: [] for n in self.windows}
        self.open_spans: dict[int, list[list[float]]] = {n: [] for n in self.windows}
        self.moves: list[tuple[float, rebalance.Move]] = []
        self.now = 0.0
        self._plan(shifts)

    # ---- events ----
    def _push(self, at: float, kind: str, *payload) -> None:
        # At equal times: shift ends first (a window stops calling at its end), then finishes, openings,
        # arrivals and rebalancing.
        rank = {"close": 0, "finish": 1, "open": 2, "arrive": 3, "rebalance": 4}[kind]
        heapq.heappush(self.events, (at, rank, next(self.seq), kind, payload))

    def _plan(self, shifts: Sequence[Shift] | None) -> None:
        if not self.arrivals:
            return
        first, last = self.arrivals[0].at, self.arrivals[-1].at
        if shifts is None:
            for w in self.cfg.windows:
                self._push(first, "open", w.number, tuple(w.zones))
        else:
            for s in shifts:
                self.windows.setdefault(s.window, _Window(s.window))
                self.busy.setdefault(s.window, [])
                self.open_spans.setdefault(s.window, [])
                self._push(s.start, "open", s.window, s.zones)
                self._push(s.end, "close", s.window)
        for i, a in enumerate(self.arrivals):
            self._push(a.at, "arrive", i)
        if self.policy.rebalance:
            t = first + REBALANCE_EVERY_S
            while t < last:
                self._push(t, "rebalance")
                t += REBALANCE_EVERY_S

    def run(self) -> SimResult:
        while self.events:
            self.now, _, _, kind, payload = heapq.heappop(self.events)
            getattr(self, "_on_" + kind)(*payload)
        for spans in self.open_spans.values():
            for span in spans:
                if span[1] == float("inf"):
                    span[1] = self.now
        return SimResult(
            policy=self.policy.name, outcomes=self.outcomes, busy=self.busy,
            shifts={n: [tuple(s) for s in spans] for n, spans in self.open_spans.items()},
            moves=self.moves, end=self.now,
        )

    def _on_open(self, number: int, zones: tuple[str, ...]) -> None:
        w = self.windows[number]
        w.zones = self.policy.window_zones(zones, self.codes)
        if not w.open:
            w.open, w.idle_since, w.opened_at = True, self.now, self.now
            self.open_spans[number].append([self.now, float("inf")])
        if w.current is None:
            self._call_next(w)

    def _on_close(self, number: int) -> None:
        w = self.windows[number]
        if w.open:
            w.open = False
            self.open_spans[number][-1][1] = self.now

    def _on_arrive(self, i: int) -> None:
        a = self.arrivals[i]
        o = Outcome(id=i + 1, zone=a.zone, priority=a.priority, arrival=self.now, service_s=a.service_s,
                    no_show=a.no_show)
        self.outcomes.append(o)
        ticket = Waiting(id=o.id, zone=a.zone, queued_at=self.now, priority=a.priority)
        self.recent_arrivals[a.zone].append(self.now)
        self.queues[a.zone][o.id] = ticket
        self._predict(o, ticket)
        idle = [w for w in self.windows.values() if w.open and w.current is None and a.zone in w.zones]
        idle.sort(key=lambda w: (w.zones[0] != a.zone, w.idle_since, w.number))
        for w in idle:
            if o.id not in self.queues[a.zone]:
                break
            self._call_next(w)

    def _on_finish(self, number: int) -> None:
        w = self.windows[number]
        o = w.current
        w.current = None
        w.idle_since = self.now
        if o is not None:
            self.busy[number].append((o.called_at, self.now))
            if not o.no_show:
                recent = self.durations[o.zone]
                recent.append(self.now - o.called_at)
                if len(recent) > 2 * estimate.RECENT_SERVICES:
                    del recent[:-estimate.RECENT_SERVICES]
        if w.open:
            self._call_next(w)

    def _on_rebalance(self) -> None:
        snaps = self.snapshots()
        loads = {z: rebalance.ZoneLoad(zone=z, waiting=len(self.queues[z]), arrivals_per_s=self._rate(z),
                                       mean_service_s=snaps[z].mean_service_s) for z in self.codes}
        open_windows = {n: w.zones for n, w in self.windows.items() if w.open}
        movable = {n: self.policy.movable(self.cfg, n, self.codes) for n in open_windows}
        for move in rebalance.propose_moves(open_windows, loads, movable=movable):
            w = self.windows[move.window]
            w.zones = move.zones
            self.moves.append((self.now, move))
            if w.current is None:
                self._call_next(w)

    # ---- the server's logic ----
    def _call_next(self, w: _Window) -> None:
        candidates = [t for z in w.zones for t in self.queues[z].values()]
        chosen = dispatch.choose_next(w.zones, candidates, self.targets, self.rules, self.now, mode=self.policy.mode)
        if chosen is None:
            return
        del self.queues[chosen.zone][chosen.id]
        o = self.outcomes[chosen.id - 1]
        o.called_at, o.window = self.now, w.number
        w.current = o
        self._push(self.now + (NO_SHOW_S if o.no_show else o.service_s), "finish", w.number)

    def _rate(self, zone: str) -> float:
        """Arrivals per second over the last ARRIVAL_WINDOW_S, as live.py counts them."""
        recent = self.recent_arrivals[zone]
        while recent and recent[0] < self.now - estimate.ARRIVAL_WINDOW_S:
            recent.popleft()
        return len(recent) / estimate.ARRIVAL_WINDOW_S

    def snapshots(self) -> dict[str, estimate.ZoneSnapshot]:
        """The zone snapshots the server would build from this state (same pure function as live.py)."""
        open_windows = [estimate.OpenWindow(zones=w.zones, busy=w.current is not None)
                        for w in self.windows.values() if w.open]
        return estimate.build_snapshots(
            self.priors, self.durations, {z: self._rate(z) for z in self.codes},
            open_windows,
            planned_homes=() if open_windows else [w.zones[0] for w in self.cfg.windows],
            waiting_zones=[z for z, q in self.queues.items() if q],
        )

    def _predict(self, o: Outcome, ticket: Waiting) -> None:
        snap = self.snapshots()[o.zone]
        ahead = estimate.ahead_of(ticket, self.queues[o.zone].values(), self.rules, self.now)
        o.estimate_s = float(round(estimate.expected_wait_s(ahead, snap)))
        o.simple_s = simple_wait_s(ahead, snap)
        o.naive_s = simple_wait_s(ahead, snap, self.priors[o.zone])


def simulate(cfg: HallConfig, arrivals: Sequence[Arrival], policy: Policy,
             shifts: Sequence[Shift] | None = None) -> SimResult:
    return Simulation(cfg, arrivals, policy, shifts).run()
