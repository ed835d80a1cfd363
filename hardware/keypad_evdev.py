"""A window's call-next keypad as a Linux input device (evdev).

Cheap USB keypads are keyboards: each window's keypad appears as /dev/input/eventN (better:
/dev/input/by-id/...-event-kbd, stable across reboots). The reader grabs it, so its keys
never type into the kiosk or console, and turns key presses into window actions:

    reader = KeypadReader("/dev/input/by-id/usb-keypad-event-kbd", window=3,
                          act=client.window_action)
    reader.start()

Default keys (numeric keypad, digit row or F-keys): 1 call next, 2 recall, 3 start,
4 finish, 5 no-show, 6 pause/resume; Enter also calls next. Only key-down events count
(auto-repeat and key-up are ignored). An unplugged keypad is reported and reopened.
"""

from __future__ import annotations

import logging
import select
import threading
from collections.abc import Callable, Iterable
from typing import Protocol

from evdev import InputDevice, InputEvent, ecodes

from hardware.window_buttons import (
    CALL_NEXT,
    FINISH,
    NO_SHOW,
    PAUSE_TOGGLE,
    RECALL,
    START,
    Act,
    ButtonResult,
    WindowButtons,
)

log = logging.getLogger(__name__)

KEY_DOWN = 1

DEFAULT_KEYMAP: dict[int, str] = {}
for _action, _keys in {
    CALL_NEXT: ("KEY_KP1", "KEY_1", "KEY_F1", "KEY_KPENTER", "KEY_ENTER"),
    RECALL: ("KEY_KP2", "KEY_2", "KEY_F2"),
    START: ("KEY_KP3", "KEY_3", "KEY_F3"),
    FINISH: ("KEY_KP4", "KEY_4", "KEY_F4"),
    NO_SHOW: ("KEY_KP5", "KEY_5", "KEY_F5"),
    PAUSE_TOGGLE: ("KEY_KP6", "KEY_6", "KEY_F6"),
}.items():
    for _key in _keys:
        DEFAULT_KEYMAP[ecodes.ecodes[_key]] = _action

KEYPAD_OPEN = "keypad_open"
KEYPAD_UNAVAILABLE = "keypad_unavailable"
KEYPAD_LOST = "keypad_lost"


class EventSource(Protocol):
    """What the reader needs from a device: evdev.InputDevice has exactly this."""

    fd: int

    def read(self) -> Iterable[InputEvent]: ...

    def close(self) -> None: ...


class KeypadReader:
    def __init__(self, device: str | EventSource, window: int, act: Act, *,
                 keymap: dict[int, str] | None = None, grab: bool = True,
                 on_result: Callable[[ButtonResult], None] | None = None,
                 on_status: Callable[[str], None] | None = None,
                 reopen_after_s: float = 2.0) -> None:
        self.device = device
        self.window = window
        self.buttons = WindowButtons(act)
        self.keymap = DEFAULT_KEYMAP if keymap is None else keymap
        self.grab = grab
        self.on_result = on_result
        self.on_status = on_status
        self.reopen_after_s = reopen_after_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def handle_event(self, event: InputEvent) -> ButtonResult | None:
        """Act on one input event; None for events that are not a mapped key press."""
        if event.type != ecodes.EV_KEY or event.value != KEY_DOWN:
            return None
        action = self.keymap.get(event.code)
        if action is None:
            return None
        result = self.buttons.press(self.window, action)
        if self.on_result:
            try:
                self.on_result(result)
            except Exception:
                log.exception("keypad on_result callback failed")
        return result

    def handle_events(self, events: Iterable[InputEvent]) -> list[ButtonResult]:
        return [r for r in map(self.handle_event, events) if r is not None]

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"keypad w{self.window}",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return bool(self._thread and self._thread.is_alive())

    def _status(self, status: str) -> None:
        log.info("keypad for window %s: %s", self.window, status)
        if self.on_status:
            self.on_status(status)

    def _open(self) -> EventSource | None:
        if not isinstance(self.device, str):
            return self.device
        try:
            device = InputDevice(self.device)
        except OSError as error:
            log.debug("cannot open %s: %s", self.device, error)
            return None
        if self.grab:
            try:
                device.grab()  # keys go to us only, not to whatever window has focus
            except OSError as error:
                log.warning("cannot grab %s (%s): keys also reach other programs",
                            self.device, error)
        return device

    def _run(self) -> None:
        reported = False
        while not self._stop.is_set():
            device = self._open()
            if device is None:
                if not reported:
                    self._status(KEYPAD_UNAVAILABLE)
                    reported = True
                self._stop.wait(self.reopen_after_s)
                continue
            reported = False
            self._status(KEYPAD_OPEN)
            try:
                self._read(device)
            except OSError as error:
                log.warning("keypad for window %s lost: %s", self.window, error)
                self._status(KEYPAD_LOST)
                if not isinstance(self.device, str):
                    return  # a device handed in cannot be reopened by us
                self._stop.wait(self.reopen_after_s)
            finally:
                if isinstance(self.device, str):
                    try:
                        device.close()
                    except OSError:
                        pass

    def _read(self, device: EventSource) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([device.fd], [], [], 0.2)  # wake up to notice stop()
            if ready:
                self.handle_events(device.read())
