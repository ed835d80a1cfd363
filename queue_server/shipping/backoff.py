"""Capped exponential backoff with full jitter (pure): how long the shipper waits after its n-th failure."""

from __future__ import annotations

import random
from collections.abc import Callable


def backoff_s(failures: int, *, base_s: float = 0.5, cap_s: float = 30.0,
              rand: Callable[[], float] = random.random) -> float:
    """A wait in [0, min(cap, base * 2^(failures-1))): many halls coming back at once spread their retries."""
    if failures <= 0:
        return 0.0
    return rand() * min(cap_s, base_s * 2 ** min(failures - 1, 30))
