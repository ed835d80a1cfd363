"""How often anyone may try a password: sliding-window rate limits and the lockout's growing delay.

Pure: times are plain seconds (the caller's clock), no Flask, no database.
"""

from __future__ import annotations

import math
import threading
from collections import deque

LOCK_AFTER_FAILURES = 5  # consecutive wrong passwords for one user name before it is locked
FIRST_LOCK_S = 60  # the first lock; each further wrong password after a lock doubles it
MAX_LOCK_S = 3600


def lock_seconds(failures: int) -> int:
    """How long a user name stays locked after its `failures`-th consecutive wrong password (0: not locked)."""
    if failures < LOCK_AFTER_FAILURES:
        return 0
    return min(FIRST_LOCK_S * 2 ** min(failures - LOCK_AFTER_FAILURES, 16), MAX_LOCK_S)


class SlidingWindow:
    """At most `limit` events per key within any `window_s` seconds; thread-safe, in memory.

    A restart forgets the windows, which only gives an attacker one fresh minute; the lockout that
    matters lives in the database. Keys idle for a whole window are dropped, so random user names
    cannot grow the table without bound.
    """

    def __init__(self, limit: int, window_s: float = 60.0, max_keys: int = 10_000):
        self.limit = limit
        self.window_s = window_s
        self.max_keys = max_keys
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, now: float) -> int:
        """Count one event; 0 if allowed, else the whole seconds until one would be (the event is not counted)."""
        with self._lock:
            events = self._events.get(key)
            if events is None:
                if len(self._events) >= self.max_keys:
                    self._prune(now)
                events = self._events[key] = deque(maxlen=max(self.limit, 1))
            while events and now - events[0] >= self.window_s:
                events.popleft()
            if len(events) >= self.limit:
                return max(1, math.ceil(events[0] + self.window_s - now))
            events.append(now)
            return 0

    def _prune(self, now: float) -> None:
        idle = [k for k, ev in self._events.items() if not ev or now - ev[-1] >= self.window_s]
        for k in idle:
            del self._events[k]
        while len(self._events) >= self.max_keys:  # still full of live keys: forget the oldest
            del self._events[next(iter(self._events))]
