"""How many event streams each client address holds, so one address cannot take them all."""

from __future__ import annotations

import threading
from collections import Counter


class StreamSlots:
    def __init__(self) -> None:
        self._open: Counter[str] = Counter()
        self._lock = threading.Lock()  # a gevent lock in the patched server, a real one in test clients

    def take(self, address: str, limit: int) -> bool:
        """Count one more stream for address; False (nothing counted) when it already holds `limit`."""
        with self._lock:
            if self._open[address] >= limit:
                return False
            self._open[address] += 1
            return True

    def give_back(self, address: str) -> None:
        with self._lock:
            self._open[address] -= 1
            if self._open[address] <= 0:
                del self._open[address]

    def held(self, address: str) -> int:
        with self._lock:
            return self._open.get(address, 0)
