"""Who each recently seen token is, kept in memory while nothing that decides it changes.

Every request names its caller by a token; looking it up took one or two queries. Entries are keyed by the
token's digest, as the database keeps it. The database keeps
a counter (`auth_generation`) that triggers move on any change to sessions, accounts or devices, whoever makes
it (this server, or `hall users disable` in another process); the cache holds only while that counter
stays where it was when each entry was read, so a logout, a disabled account, a changed password or role, a
revoked or rotated device token ends at the next request, as before. A session's expiry is checked at each use.
"""

from __future__ import annotations

import threading
from typing import Any

LIMIT = 10_000  # tokens kept at most (a hall has hundreds); beyond, the cache starts again


class TokenCache:
    def __init__(self, limit: int = LIMIT) -> None:
        self._limit = limit
        self._generation: int | None = None
        self._entries: dict[str, tuple[Any, float | None]] = {}
        self._lock = threading.Lock()

    def get(self, digest: str, generation: int) -> tuple[Any, float | None] | None:
        """(principal, session expiry as a Unix time or None) if this token was seen at this generation."""
        with self._lock:
            if generation != self._generation:
                self._entries.clear()
                self._generation = generation
                return None
            return self._entries.get(digest)

    def put(self, digest: str, generation: int, principal: Any, expires_at: float | None) -> None:
        """Remember what this token was found to be, by a lookup made after `generation` was read."""
        with self._lock:
            if generation != self._generation:
                return  # something changed since: the next request reads again
            if len(self._entries) >= self._limit:
                self._entries.clear()
            self._entries[digest] = (principal, expires_at)

    def __len__(self) -> int:
        return len(self._entries)
