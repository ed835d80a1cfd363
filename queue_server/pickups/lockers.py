"""The pickup locker as the server sees it: a port that the hall's adapter (hardware.locker) implements.

The server is given its locker (`create_app(locker=...)`); it never imports a device library.
"""

from __future__ import annotations

from typing import Protocol


class LockerError(Exception):
    """The locker could not open the door; `code` is the board's (or the adapter's) and the text says what to do."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class Locker(Protocol):
    def open_door(self, door: str) -> None:
        """Open one door, or raise LockerError."""
