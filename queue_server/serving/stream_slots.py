"""How many event streams each client address holds, and the server in all: one address cannot take them all,
and many addresses together cannot take more memory than the server's cap allows."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Literal


class StreamSlots:
    def __init__(self) -> None:
        self._open: Counter[str] = Counter()
        self._lock = threading.Lock()  # a gevent lock in the patched server, a real one in test clients
        self.total = 0

    def take(self, address: str, limit: int, total_limit: int) -> Literal["address", "server"] | None:
        """Count one more stream for address; or (nothing counted) which limit refuses it: the address already
        holds `limit`, or the server `total_limit`."""
        with self._lock:
            if self._open[address] >= limit:
                return "address"
            if self.total >= total_limit:
                return "server"
            self._open[address] += 1
            self.total += 1
            return None

    def give_back(self, address: str) -> None:
        with self._lock:
            self._open[address] -= 1
            self.total -= 1
            if self._open[address] <= 0:
                del self._open[address]

    def held(self, address: str) -> int:
        with self._lock:
            return self._open.get(address, 0)
