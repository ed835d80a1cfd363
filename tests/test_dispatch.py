"""The dispatch policy: FIFO within zone and class, aging, home preference, overflow, appointments."""

import random

from queue_server.core.dispatch import DispatchRules, Waiting, choose_next, queue_order

RULES = DispatchRules(priority_boost_s=900)
TARGETS = {"A": 1200, "B": 1200, "C": 600}
NOW = 100_000.0


def w(id, zone="A", age=0.0, priority=None, due_in=None):
    return Waiting(id=id, zone=zone, queued_at=NOW - age, priority=priority,
                   due_at=None if due_in is None else NOW + due_in)


def serve_all(window_zones, tickets):
    """Call next until empty; the order in which tickets are called."""
    left = list(tickets)
    order = []
    while (t := choose_next(window_zones, left, TARGETS, RULES, NOW)) is not None:
        order.append(t.id)
        left.remove(t)
    return order


def test_nothing_waiting():
    assert choose_next(["A"], [], TARGETS, RULES, NOW) is None
    assert choose_next(["A"], [w(1, "B")], TARGETS, RULES, NOW) is None


def test_arrival_order_is_kept_within_a_zone_and_class():
    """FIFO: whatever the mix, tickets of one zone and class are called in arrival order."""
    rng = random.Random(7)
    for _ in range(200):
        tickets = []
        for i in range(40):
            zone = rng.choice("AB")
            prio = rng.choice([None, None, None, "elderly", "disabled"])
            tickets.append(w(i, zone, age=rng.uniform(0, 3000), priority=prio))
        order = serve_all(["A", "B"], tickets)
        by_id = {t.id: t for t in tickets}
        for zone in "AB":
            for cls in (False, True):
                seq = [by_id[i].queued_at for i in order
                       if by_id[i].zone == zone and (by_id[i].priority is not None) == cls]
                assert seq == sorted(seq), "arrival order broken within a zone and class"


def test_green_channel_goes_first_but_ages():
    normal_old = w(1, age=1000)  # waited longer than the boost: not overtaken
    normal_recent = w(2, age=300)
    elderly = w(3, age=0, priority="elderly")
    order = serve_all(["A"], [normal_old, normal_recent, elderly])
    assert order == [1, 3, 2]


def test_a_normal_ticket_is_never_overtaken_indefinitely():
    """A stream of green tickets arriving every minute overtakes a normal ticket only for the boost time."""
    normal = Waiting(id=0, zone="A", queued_at=0.0)
    now = 0.0
    left = [normal]
    for k in range(1, 100):
        now = k * 60.0
        left.append(Waiting(id=k, zone="A", queued_at=now, priority="pregnant"))
        chosen = choose_next(["A"], left, TARGETS, RULES, now)
        left.remove(chosen)
        if chosen.id == 0:
            break
    assert chosen.id == 0
    assert now <= RULES.priority_boost_s + 60


def test_due_appointments_first_but_not_before_their_slot():
    tickets = [w(1, age=2000), w(2, priority="appointment", due_in=-10), w(3, priority="appointment", due_in=600)]
    assert choose_next(["A"], tickets, TARGETS, RULES, NOW).id == 2
    # an appointment whose slot has not begun waits like anyone else
    assert serve_all(["A"], [w(1, age=100), w(3, priority="appointment", due_in=600)]) == [1, 3]


def test_home_zone_preferred_until_an_overflow_zone_is_past_target():
    home = w(1, "A", age=100)
    other = w(2, "B", age=1100)  # older, but B is within its 1200 s target
    assert choose_next(["A", "B"], [home, other], TARGETS, RULES, NOW).id == 1
    other_late = w(3, "B", age=1300)  # past target, more pressure than home
    assert choose_next(["A", "B"], [home, other_late], TARGETS, RULES, NOW).id == 3


def test_home_stays_when_home_is_under_more_pressure():
    home = w(1, "A", age=3000)  # 2.5 x target
    other = w(2, "B", age=1300)  # 1.08 x target
    assert choose_next(["A", "B"], [home, other], TARGETS, RULES, NOW).id == 1


def test_idle_window_helps_its_other_zones_by_pressure():
    b = w(1, "B", age=100)  # 0.08 of target
    c = w(2, "C", age=100)  # 0.17 of target (C's target is 600)
    assert choose_next(["A", "B", "C"], [b, c], TARGETS, RULES, NOW).id == 2


def test_window_never_takes_zones_it_does_not_serve():
    assert choose_next(["A"], [w(1, "B", age=9999)], TARGETS, RULES, NOW) is None


def test_fifo_mode_serves_earliest_across_zones():
    tickets = [w(1, "A", age=10), w(2, "B", age=500), w(3, "C", age=20)]
    assert choose_next(["A", "B", "C"], tickets, TARGETS, RULES, NOW, mode="fifo").id == 2


def test_queue_order_matches_dispatch():
    tickets = [w(1, age=100), w(2, age=50, priority="veteran"), w(3, age=2000)]
    assert [t.id for t in queue_order(tickets, RULES, NOW)] == serve_all(["A"], tickets)
