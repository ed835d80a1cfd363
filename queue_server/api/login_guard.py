"""What stands before a password check: rate limits per client address and per user name, and a bound
on checks at once (each scrypt check takes about 32 MiB, so unbounded sign-ins could exhaust memory).

The windows are in memory (a restart only forgets one minute); lockouts after wrong passwords are in
the database (ops/login_lockouts.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from queue_server.core.login_limits import SlidingWindow
from queue_server.errors import ServiceUnavailable, TooManyRequests

BUSY_RETRY_S = 2


class LoginGuard:
    def __init__(self, settings: dict[str, Any], clock: Callable[[], float]):
        self.clock = clock
        self.per_address = SlidingWindow(int(settings["LOGIN_PER_ADDRESS_PER_MINUTE"]))
        self.per_user = SlidingWindow(int(settings["LOGIN_PER_USER_PER_MINUTE"]))
        self.checks = threading.BoundedSemaphore(int(settings["LOGIN_CONCURRENT_CHECKS"]))
        self.max_waiting = int(settings["LOGIN_WAITING_CHECKS"])
        self.wait_s = float(settings["LOGIN_CHECK_WAIT_S"])
        self._waiting = 0
        self._lock = threading.Lock()

    def admit(self, address: str, username: str) -> None:
        """Count one attempt, or TooManyRequests with the seconds until the next is allowed."""
        now = self.clock()
        wait = self.per_address.hit(address, now)
        if wait:
            raise TooManyRequests(f"too many sign-in attempts from this address; try again in {wait} s",
                                  code="too_many_logins", retry_after_s=wait)
        wait = self.per_user.hit(username, now)
        if wait:
            raise TooManyRequests(f"too many sign-in attempts for this user name; try again in {wait} s",
                                  code="too_many_logins", retry_after_s=wait)

    @contextmanager
    def password_check(self) -> Iterator[None]:
        """Hold one of the few password-check slots; a full queue or a long wait answers 503."""
        if not self.checks.acquire(blocking=False) and not self._wait_for_slot():
            raise ServiceUnavailable("the server is busy checking other sign-ins; try again shortly",
                                     code="login_busy", retry_after_s=BUSY_RETRY_S)
        try:
            yield
        finally:
            self.checks.release()

    def _wait_for_slot(self) -> bool:
        with self._lock:
            if self._waiting >= self.max_waiting:
                return False
            self._waiting += 1
        try:
            return self.checks.acquire(timeout=self.wait_s)
        finally:
            with self._lock:
                self._waiting -= 1
