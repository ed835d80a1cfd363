"""How often each event stream may write: a fan-out budget shared by the anonymous streams.

Every write to a stream costs the server's one event loop some 40 µs (wake-up, read of the new events,
chunked write), and a request waits behind every write queued before it: gevent does not preempt. So
anonymous streams (citizens' phones, browser boards, anything on the hall's LAN without a token) share a
budget of writes per second: with N of them open, each writes at most every N / budget seconds, never
more often than every STREAM_SETTLE_S. With the default 2,000 writes a second, up to 100 anonymous streams
write every 50 ms, 1,000 every half second, 5,000 every 2.5 s (bench/README.md has the measurements behind
the default). A stream woken after an idle spell takes a random moment
within its interval, so thousands of them spread their writes instead of bursting together. Events stay
complete and in order: a later write carries everything since the last one. Staff and device streams
(consoles, wall displays, kiosks) are not paced beyond the settle time.
"""

from __future__ import annotations

import random
import time

from queue_server.broker import STREAM_SETTLE_S, Broker


class FanoutBudget:
    """The anonymous streams open now, and the writes per second they may make together."""

    def __init__(self, writes_per_s: float, settle_s: float = STREAM_SETTLE_S):
        self.writes_per_s = max(1.0, float(writes_per_s))
        self.settle_s = settle_s
        self.open = 0  # changed only by StreamPace, on the event loop (or under the GIL in test clients)

    def interval_s(self) -> float:
        return max(self.settle_s, self.open / self.writes_per_s)


class StreamPace:
    """One stream's turn to write; a context manager that counts a paced stream in its budget while open."""

    def __init__(self, broker: Broker, budget: FanoutBudget | None):
        self.broker = broker
        self.budget = budget  # None: not paced (staff, devices), settles only
        self._next_at = 0.0

    def __enter__(self) -> StreamPace:
        if self.budget is not None:
            self.budget.open += 1
        return self

    def __exit__(self, *exc: object) -> None:
        if self.budget is not None:
            self.budget.open -= 1

    def interval_s(self) -> float:
        return STREAM_SETTLE_S if self.budget is None else self.budget.interval_s()

    def wrote(self) -> None:
        """The stream has just written: its next write waits its interval. A paced stream's interval varies
        by ±50 % at random, so streams that a pause of the loop made write together drift apart again (with
        a fixed interval they would stay together and every pause would add more to the crowd)."""
        interval = self.interval_s()
        if self.budget is not None and interval > STREAM_SETTLE_S:
            interval *= random.uniform(0.5, 1.5)
        self._next_at = time.monotonic() + interval

    def wait(self, last_id: int, timeout: float) -> bool:
        """Block until this stream's turn to write events newer than last_id (True) or `timeout` passes with
        nothing new (False: time for a heartbeat). Ends at once, True, when the broker closes."""
        early = self._next_at - time.monotonic()
        if early > 0 and not self.broker.closed:
            time.sleep(early)  # wrote a moment ago: sleep out the interval, whatever happens meanwhile
            if self.broker.closed or self.broker.last_id > last_id:
                return True
        if not self.broker.wait(last_id, timeout):
            return False
        if not self.broker.closed:
            # Woken with every other waiting stream by one event: settle, and spread the paced ones over their interval.
            interval = self.interval_s()
            time.sleep(STREAM_SETTLE_S if self.budget is None else random.uniform(STREAM_SETTLE_S, interval))
        return True
