"""One zone's waiting tickets, kept in dispatch order so that no question about them scans the queue.

Pure. Walk-in and green-channel tickets have an order key that does not change with time
(`dispatch.order_key`), so they sit in a sorted list: the head, the oldest and a ticket's rank
are O(log n). Appointments move to the front when their slot begins, so their key depends on
the time; they are few (booked slots), kept apart and looked at whole.

`candidates(now)` is a handful of tickets on which `dispatch.choose_next` makes exactly the
choice it would make on the whole queue: every appointment (which includes the earliest due
one), the head in dispatch order and the longest-waiting ticket (which sets the zone's pressure).
"""

from __future__ import annotations

from sortedcontainers import SortedList

from queue_server.core.dispatch import DispatchRules, Waiting, order_key


class ZoneQueue:
    def __init__(self, rules: DispatchRules):
        self._rules = rules
        self._tickets: dict[int, Waiting] = {}
        self._order = SortedList()  # order keys of walk-in tickets (each key ends with the ticket id)
        self._age = SortedList()  # (queued_at, id) of walk-in tickets
        self._appointments: dict[int, Waiting] = {}

    def __len__(self) -> int:
        return len(self._tickets)

    def __contains__(self, ticket_id: int) -> bool:
        return ticket_id in self._tickets

    def get(self, ticket_id: int) -> Waiting | None:
        return self._tickets.get(ticket_id)

    def add(self, t: Waiting) -> None:
        if t.id in self._tickets:
            raise ValueError(f"ticket {t.id} is already in the queue")
        self._tickets[t.id] = t
        if t.priority == "appointment":
            self._appointments[t.id] = t
        else:
            self._order.add(order_key(t, self._rules, 0.0))
            self._age.add((t.queued_at, t.id))

    def remove(self, ticket_id: int) -> Waiting:
        t = self._tickets.pop(ticket_id)
        if t.priority == "appointment":
            del self._appointments[ticket_id]
        else:
            self._order.remove(order_key(t, self._rules, 0.0))
            self._age.remove((t.queued_at, t.id))
        return t

    def appointments(self) -> list[Waiting]:
        return list(self._appointments.values())

    def walk_ins_before(self, t: Waiting, now: float) -> int:
        """Walk-in tickets dispatch serves before `t` (appointments are counted by the caller)."""
        return self._order.bisect_left(order_key(t, self._rules, now))

    def oldest_queued_at(self) -> float | None:
        ages = [self._age[0][0]] if self._age else []
        ages += [a.queued_at for a in self._appointments.values()]
        return min(ages, default=None)

    def candidates(self) -> list[Waiting]:
        out = list(self._appointments.values())
        if self._order:
            out.append(self._tickets[self._order[0][-1]])
            out.append(self._tickets[self._age[0][1]])
        return out

    def front(self, k: int) -> list[Waiting]:
        """Enough tickets to decide the next `k` calls exactly as on the whole queue: every appointment, the
        first `k` + 1 in dispatch order and the `k` + 1 longest waiting (the zone's pressure after k calls)."""
        picked = {t.id: t for t in self._appointments.values()}
        for key in self._order[:k + 1]:
            picked[key[-1]] = self._tickets[key[-1]]
        for _, tid in self._age[:k + 1]:
            picked[tid] = self._tickets[tid]
        return list(picked.values())

    def first(self, k: int, now: float) -> list[Waiting]:
        """The first `k` tickets in the order dispatch serves this zone at `now` (the board's "get ready" line):
        the appointments (few) merged with the first `k` walk-ins, so it costs O(k log n)."""
        heads = [self._tickets[key[-1]] for key in self._order.islice(0, k)]
        both = heads + list(self._appointments.values())
        return sorted(both, key=lambda t: order_key(t, self._rules, now))[:k]

    def tickets(self) -> list[Waiting]:
        return list(self._tickets.values())
