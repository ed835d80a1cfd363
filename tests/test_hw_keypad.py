"""Call-next keypads (evdev): real input events through the reader, and window actions."""

import threading
from collections.abc import Callable

import pytest
from evdev import InputEvent, UInput, UInputError, ecodes

from hardware.keypad_evdev import (
    KEYPAD_LOST,
    KEYPAD_OPEN,
    KEYPAD_UNAVAILABLE,
    KeypadReader,
)
from hardware.testing.input_events import InputEventPipe
from hardware.window_buttons import WindowButtons


class FakeServer:
    """Stands in for HallClient.window_action: records calls, answers like the server."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, str]] = []
        self.waiting = ["A001", "A002"]
        self.changed = threading.Condition()

    def act(self, window: int, action: str) -> dict | None:
        with self.changed:
            self.calls.append((window, action))
            self.changed.notify_all()
        if action == "call_next":
            return {"number": self.waiting.pop(0)} if self.waiting else None
        if action == "start" and window == 99:
            raise RuntimeError("window 99 is not open")
        return {"number": "A001", "state": action}

    def wait_calls(self, count: int, timeout: float = 5.0) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: len(self.calls) >= count, timeout)


def key(code: int, value: int) -> InputEvent:
    return InputEvent(1700000000, 0, ecodes.EV_KEY, code, value)


def syn() -> InputEvent:
    return InputEvent(1700000000, 0, ecodes.EV_SYN, ecodes.SYN_REPORT, 0)


def test_key_presses_map_to_window_actions():
    server = FakeServer()
    reader = KeypadReader("/dev/null", window=3, act=server.act)
    events = []
    for code in (ecodes.KEY_KP1, ecodes.KEY_KP2, ecodes.KEY_KP3, ecodes.KEY_KP4,
                 ecodes.KEY_KP5, ecodes.KEY_KP6, ecodes.KEY_KP6, ecodes.KEY_F1):
        events += [key(code, 1), syn(), key(code, 2), key(code, 2), key(code, 0), syn()]
    events.append(key(ecodes.KEY_Z, 1))  # not on the keypad map
    results = reader.handle_events(events)
    assert server.calls == [(3, "call_next"), (3, "recall"), (3, "start"), (3, "finish"),
                            (3, "no_show"), (3, "pause"), (3, "resume"), (3, "call_next")]
    assert [r.ticket for r in results][:1] == ["A001"]
    assert all(r.ok for r in results)


def test_refusals_and_empty_queue_are_results_not_crashes():
    server = FakeServer()
    server.waiting = []
    reader = KeypadReader("/dev/null", window=99, act=server.act)
    nobody, refused = reader.handle_events([key(ecodes.KEY_1, 1), key(ecodes.KEY_3, 1)])
    assert nobody.ok and nobody.ticket is None
    assert not refused.ok and "not open" in refused.message


def test_pause_toggle_stays_paused_when_resume_is_refused():
    calls = []

    def act(window: int, action: str) -> dict:
        calls.append(action)
        if action == "resume":
            raise RuntimeError("server unreachable")
        return {}

    buttons = WindowButtons(act)
    assert [buttons.press(1, "pause_toggle").ok for _ in range(3)] == [True, False, False]
    assert calls == ["pause", "resume", "resume"]
    assert not buttons.press(1, "explode").ok


@pytest.fixture
def keypad() -> tuple[object, Callable[[int], None], str]:
    """A real virtual keyboard via /dev/uinput where the machine has it, else an event pipe."""
    try:
        device = UInput({ecodes.EV_KEY: list(range(ecodes.KEY_ESC, ecodes.KEY_F12 + 1))},
                        name="hall test keypad")
    except (OSError, UInputError):  # no uinput in this kernel or container
        pipe = InputEventPipe()
        yield pipe, pipe.press, "pipe"
        pipe.close()
        return

    def press(code: int) -> None:
        device.write(ecodes.EV_KEY, code, 1)
        device.syn()
        device.write(ecodes.EV_KEY, code, 0)
        device.syn()

    yield device.device.path, press, "uinput"
    device.close()


def test_reader_thread_acts_on_key_presses_from_a_device(keypad):
    source, press, _kind = keypad
    server = FakeServer()
    statuses = []
    results = []
    reader = KeypadReader(source, window=5, act=server.act, on_status=statuses.append,
                          on_result=results.append)
    reader.start()
    try:
        press(ecodes.KEY_KP1)
        press(ecodes.KEY_KP4)
        press(ecodes.KEY_KP1)
        assert server.wait_calls(3)
    finally:
        reader.stop()
    assert server.calls == [(5, "call_next"), (5, "finish"), (5, "call_next")]
    assert [r.ticket for r in results] == ["A001", "A001", "A002"]
    assert statuses[0] == KEYPAD_OPEN
    assert not reader.running


def test_unplugged_keypad_is_reported():
    pipe = InputEventPipe()
    statuses = []
    done = threading.Event()
    reader = KeypadReader(pipe, window=2, act=FakeServer().act,
                          on_status=lambda s: (statuses.append(s), s == KEYPAD_LOST and done.set()))
    reader.start()
    pipe.unplug()
    assert done.wait(5)
    reader.stop()
    pipe.close()
    assert statuses == [KEYPAD_OPEN, KEYPAD_LOST]


def test_missing_keypad_device_is_reported_and_retried():
    statuses = []
    seen = threading.Event()
    reader = KeypadReader("/dev/input/event-hall-missing", window=1, act=FakeServer().act,
                          on_status=lambda s: (statuses.append(s), seen.set()),
                          reopen_after_s=0.05)
    reader.start()
    assert seen.wait(5)
    assert reader.running  # keeps trying: the keypad may be plugged in later
    reader.stop()
    assert statuses == [KEYPAD_UNAVAILABLE]
