"""The serial caller base station, driven through a real pseudo-terminal pair."""

import logging
import os
import select
import threading
import tty

import pytest

from hardware.serial_caller import SerialCallerStation, handle_line
from hardware.window_buttons import WindowButtons


class ApiError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


class FakeServer:
    def __init__(self) -> None:
        self.calls: list[tuple[int, str]] = []
        self.waiting = ["A001"]

    def act(self, window: int, action: str) -> dict | None:
        self.calls.append((window, action))
        if window == 7:
            raise ApiError("window_not_open", "窗口 7 未开启 window 7 is closed")
        if action == "call_next":
            return {"number": self.waiting.pop(0)} if self.waiting else None
        if action in ("pause", "resume"):
            return {"number": 3, "state": action}  # a window, not a ticket
        return {"id": 1, "number": "A001"}


@pytest.fixture
def station():
    controller, device = os.openpty()
    tty.setraw(controller)
    tty.setraw(device)
    server = FakeServer()
    station = SerialCallerStation(os.ttyname(device), server.act, baudrate=9600)
    station.start()
    yield controller, server
    station.stop()
    os.close(device)
    os.close(controller)


def exchange(controller: int, line: bytes) -> str:
    os.write(controller, line)
    answer = b""
    while not answer.endswith(b"\n"):
        ready, _, _ = select.select([controller], [], [], 5)
        assert ready, f"no answer to {line!r}"
        answer += os.read(controller, 256)
    return answer.decode("ascii")


def test_base_station_session_over_a_pty(station):
    controller, server = station
    assert exchange(controller, b"PING\n") == "PONG\n"
    assert exchange(controller, b"W03 CALL\n") == "OK A001\n"
    assert exchange(controller, b"W3 START\r\n") == "OK A001\n"
    assert exchange(controller, b"W003 FINISH\n") == "OK A001\n"
    assert exchange(controller, b"W03 CALL\n") == "OK NONE\n"
    assert exchange(controller, b"W03 TOGGLE\n") == "OK\n"
    assert exchange(controller, b"W03 TOGGLE\n") == "OK\n"
    assert exchange(controller, b"W07 RECALL\n") == "ERR WINDOW_NOT_OPEN ?? 7 ??? window 7 is closed\n"
    assert server.calls == [(3, "call_next"), (3, "start"), (3, "finish"), (3, "call_next"),
                            (3, "pause"), (3, "resume"), (7, "recall")]


def test_bad_lines_get_errors_and_the_station_keeps_going(station):
    controller, server = station
    assert exchange(controller, b"W03 FLY\n") == "ERR UNKNOWN_COMMAND FLY\n"
    assert exchange(controller, b"hello\n").startswith("ERR BAD_LINE")
    assert exchange(controller, b"W00 CALL\n").startswith("ERR BAD_WINDOW")
    assert exchange(controller, b"W03 \xe5\x8f\xab\n") == "ERR BAD_LINE not ASCII\n"
    assert exchange(controller, b"X" * 100).startswith("ERR BAD_LINE too long")
    assert exchange(controller, b"\nW03 CALL\n") == "OK A001\n"  # blank lines are ignored
    assert server.calls == [(3, "call_next")]


def test_handle_line_is_pure_and_case_insensitive():
    server = FakeServer()
    buttons = WindowButtons(server.act)
    assert handle_line("w12 noshow", buttons) == "OK A001"
    assert handle_line(b"W12 NOSHOW", buttons) == "OK A001"
    assert server.calls == [(12, "no_show"), (12, "no_show")]


def test_missing_port_is_a_clear_error():
    station = SerialCallerStation("/dev/ttyHALL-missing", FakeServer().act)
    with pytest.raises(OSError, match="cannot open the caller base station"):
        station.start()


def test_lost_line_is_logged_once_and_stop_still_works(caplog):
    controller, device = os.openpty()
    tty.setraw(controller)
    tty.setraw(device)
    station = SerialCallerStation(os.ttyname(device), FakeServer().act, reopen_after_s=0.05)
    with caplog.at_level(logging.WARNING, logger="hardware.serial_caller"):
        station.start()
        assert exchange(controller, b"PING\n") == "PONG\n"
        os.close(controller)  # the base station's cable is pulled
        os.close(device)
        pause = threading.Event()
        for _ in range(100):  # up to 5 s
            if any("lost" in r.getMessage() for r in caplog.records):
                break
            pause.wait(0.05)
        station.stop()
    assert not station._thread.is_alive()
    assert sum("lost" in r.getMessage() for r in caplog.records) == 1
