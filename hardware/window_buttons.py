"""Call-next buttons: one press -> one window action on the server, through a callable.

The keypad (keypad_evdev.py) and the serial base station (serial_caller.py) both press here.
`act(window, action)` is wired by the caller to `HallClient.window_action(no, action)`; it
returns the ticket (or window) as a dict, None when nobody is waiting, or raises on refusal.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

CALL_NEXT = "call_next"
RECALL = "recall"
START = "start"
FINISH = "finish"
NO_SHOW = "no_show"
PAUSE = "pause"
RESUME = "resume"
PAUSE_TOGGLE = "pause_toggle"  # one physical "pause" key: pause, press again to resume
ACTIONS = (CALL_NEXT, RECALL, START, FINISH, NO_SHOW, PAUSE, RESUME)

Act = Callable[[int, str], "dict | None"]


@dataclass(frozen=True)
class ButtonResult:
    window: int
    action: str
    ok: bool
    ticket: str | None = None  # the ticket number concerned, if any
    error_code: str = ""
    message: str = ""


def ticket_number(result: object) -> str | None:
    """The ticket number in an action's answer (a ticket, or a window holding one)."""
    if not isinstance(result, dict):
        return None
    if isinstance(result.get("number"), str):
        return result["number"]
    for key in ("ticket", "current_ticket", "current"):
        inner = result.get(key)
        if isinstance(inner, dict) and isinstance(inner.get("number"), str):
            return inner["number"]
    return None


class WindowButtons:
    """Presses for any number of windows; never raises (a button must not crash a reader)."""

    def __init__(self, act: Act) -> None:
        self.act = act
        self._paused: dict[int, bool] = {}
        self._lock = threading.Lock()  # one action at a time, in press order

    def press(self, window: int, action: str) -> ButtonResult:
        if action == PAUSE_TOGGLE:
            action = RESUME if self._paused.get(window) else PAUSE
        if action not in ACTIONS:
            return ButtonResult(window, action, False, error_code="unknown_action",
                                message=f"unknown action {action!r}")
        with self._lock:
            try:
                result = self.act(window, action)
            except Exception as error:  # the server refused or cannot be reached
                code = str(getattr(error, "code", "") or type(error).__name__)
                message = str(getattr(error, "message", "") or error)
                log.info("window %s %s refused: %s %s", window, action, code, message)
                return ButtonResult(window, action, False, error_code=code, message=message)
        if action in (PAUSE, RESUME):
            self._paused[window] = action == PAUSE
        return ButtonResult(window, action, True, ticket=ticket_number(result))
