"""Dispatch: which waiting ticket a window gets when it calls next.

The policy (pure, shared by the server and the simulator):

1. Appointments whose slot has begun (`due_at <= now`) go first, earliest slot first.
2. Otherwise tickets are ordered by *effective queue time*: the time they joined
   the queue, minus `priority_boost_s` for green-channel classes (绿色通道). This
   is aging: a green ticket overtakes only normal tickets that joined less than
   `priority_boost_s` before it, so no normal ticket is overtaken indefinitely.
   Within one zone and class this is exactly arrival order (FIFO).
3. A window prefers its home zone (the first zone it serves). It turns to one of
   its overflow zones only when that zone's oldest ticket has waited past the
   zone's target and that zone is under more pressure (oldest wait / target)
   than the home zone; when its home zone is empty it helps whichever of its
   other zones is under most pressure.

`mode="fifo"` ignores zones and targets and serves the earliest effective time
among all the window's zones (the simulator's fully pooled yardstick).

Two windows never get the same ticket: the server runs this inside its single
write transaction and marks the chosen ticket called before committing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Waiting:
    """A ticket waiting to be called, as dispatch sees it. Times in seconds."""

    id: int
    zone: str
    queued_at: float
    priority: str | None = None  # a green-channel class, "appointment", or None
    due_at: float | None = None  # an appointment's slot start


@dataclass(frozen=True, slots=True)
class DispatchRules:
    priority_classes: frozenset[str] = frozenset(
        {"elderly", "disabled", "veteran", "pregnant", "talent"}
    )
    priority_boost_s: float = 900.0

    @classmethod
    def from_rules(cls, rules: object) -> DispatchRules:
        return cls(
            priority_classes=frozenset(rules.priority_classes),  # type: ignore[attr-defined]
            priority_boost_s=float(rules.priority_boost_s),  # type: ignore[attr-defined]
        )


def is_due(t: Waiting, now: float) -> bool:
    return t.priority == "appointment" and t.due_at is not None and t.due_at <= now


def order_key(t: Waiting, rules: DispatchRules, now: float) -> tuple:
    """Sort key: the smaller, the sooner the ticket is served (within the zones considered)."""
    if is_due(t, now):
        return (0, t.due_at, t.queued_at, t.id)
    boost = rules.priority_boost_s if t.priority in rules.priority_classes else 0.0
    return (1, t.queued_at - boost, t.queued_at, t.id)


def choose_next(
    window_zones: Sequence[str],
    waiting: Iterable[Waiting],
    targets: Mapping[str, float],
    rules: DispatchRules,
    now: float,
    *,
    mode: str = "balanced",
) -> Waiting | None:
    """The ticket this window should call now, or None if none of its zones has anyone waiting."""
    zones = set(window_zones)
    heads: dict[str, Waiting] = {}
    head_keys: dict[str, tuple] = {}
    oldest: dict[str, float] = {}
    best_due: Waiting | None = None
    for t in waiting:
        if t.zone not in zones:
            continue
        key = order_key(t, rules, now)
        if key[0] == 0 and (best_due is None or key < order_key(best_due, rules, now)):
            best_due = t
        if t.zone not in head_keys or key < head_keys[t.zone]:
            heads[t.zone], head_keys[t.zone] = t, key
        if t.queued_at < oldest.get(t.zone, float("inf")):
            oldest[t.zone] = t.queued_at
    if best_due is not None:
        return best_due
    if not heads:
        return None
    if mode == "fifo":
        return heads[min(heads, key=lambda z: head_keys[z])]
    if mode != "balanced":
        raise ValueError(f"unknown dispatch mode {mode!r}")

    def pressure(z: str) -> float:
        return (now - oldest[z]) / max(1.0, float(targets.get(z, 1200)))

    home = window_zones[0]
    others = [z for z in window_zones[1:] if z in heads]
    if home in heads:
        home_pressure = pressure(home)
        overdue = [z for z in others if pressure(z) > 1.0 and pressure(z) > home_pressure]
        if not overdue:
            return heads[home]
        others = overdue
    # Highest pressure wins; ties go to the earlier zone in the window's order.
    chosen = max(others, key=lambda z: (pressure(z), -window_zones.index(z)))
    return heads[chosen]


def queue_order(waiting: Iterable[Waiting], rules: DispatchRules, now: float) -> list[Waiting]:
    """A zone's queue in the order dispatch will serve it."""
    return sorted(waiting, key=lambda t: order_key(t, rules, now))


def call_order(
    window_zones: Sequence[str],
    waiting: Iterable[Waiting],
    targets: Mapping[str, float],
    rules: DispatchRules,
    now: float,
    n: int,
) -> list[Waiting]:
    """The next `n` tickets this window would call, one call-next after another, if nothing else changed
    (no new arrivals, no other window calling): `choose_next` applied `n` times."""
    left = [t for t in waiting if t.zone in set(window_zones)]
    out: list[Waiting] = []
    while len(out) < n:
        chosen = choose_next(window_zones, left, targets, rules, now)
        if chosen is None:
            break
        out.append(chosen)
        left = [t for t in left if t.id != chosen.id]
    return out
