"""A zone's queue in dispatch order gives dispatch and estimates the same answers as the whole queue does."""

from __future__ import annotations

import random

import pytest

from queue_server.core.dispatch import DispatchRules, Waiting, call_order, choose_next
from queue_server.core.estimate import ahead_of
from queue_server.core.zone_queue import ZoneQueue

RULES = DispatchRules()
ZONES = ["A", "B", "C"]
TARGETS = {"A": 600, "B": 900, "C": 1200}
NOW = 100_000.0


def random_queue(rng: random.Random, n: int) -> list[Waiting]:
    out = []
    for i in range(1, n + 1):
        kind = rng.random()
        priority = "appointment" if kind < 0.1 else "elderly" if kind < 0.25 else None
        due = NOW + rng.uniform(-900, 900) if priority == "appointment" else None
        out.append(Waiting(id=i, zone=rng.choice(ZONES), queued_at=NOW - rng.uniform(0, 5000),
                           priority=priority, due_at=due))
    return out


@pytest.mark.parametrize("seed", range(40))
def test_candidates_and_ranks_match_the_whole_queue(seed):
    rng = random.Random(seed)
    tickets = random_queue(rng, rng.randint(0, 60))
    queues = {z: ZoneQueue(RULES) for z in ZONES}
    for t in tickets:
        queues[t.zone].add(t)
    for t in rng.sample(tickets, len(tickets) // 4):  # some leave (called, cancelled)
        queues[t.zone].remove(t.id)
        tickets.remove(t)
    for _ in range(5):
        zones = rng.sample(ZONES, rng.randint(1, 3))
        candidates = [c for z in zones for c in queues[z].candidates()]
        assert choose_next(zones, candidates, TARGETS, RULES, NOW) == choose_next(zones, tickets, TARGETS, RULES, NOW)
    for t in tickets:
        q = queues[t.zone]
        assert ahead_of(t, q.appointments(), RULES, NOW) + q.walk_ins_before(t, NOW) == ahead_of(t, tickets, RULES, NOW)
    for z in ZONES:
        mine = [t.queued_at for t in tickets if t.zone == z]
        assert queues[z].oldest_queued_at() == min(mine, default=None) and len(queues[z]) == len(mine)


@pytest.mark.parametrize("seed", range(40))
def test_the_next_five_from_the_front_of_each_queue_match_calling_five_times(seed):
    rng = random.Random(seed)
    tickets = random_queue(rng, rng.randint(0, 60))
    queues = {z: ZoneQueue(RULES) for z in ZONES}
    for t in tickets:
        queues[t.zone].add(t)
    for _ in range(5):
        zones = rng.sample(ZONES, rng.randint(1, 3))
        front = [c for z in zones for c in queues[z].front(5)]
        called, left = [], list(tickets)
        for _ in range(5):  # what five call-nexts in a row would take
            t = choose_next(zones, left, TARGETS, RULES, NOW)
            if t is None:
                break
            called.append(t)
            left.remove(t)
        assert call_order(zones, front, TARGETS, RULES, NOW, 5) == called
