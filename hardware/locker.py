"""Pickup lockers (智能取件柜): a serial relay board that unlocks one compartment door at a time.

Line protocol (ASCII, 9600 8N1 by default, one line each way, "\\n" or "\\r\\n", at most 32
characters; we send, the board answers every line):

    PING                 liveness check                  -> PONG
    OPEN <door>          pulse the door's relay           -> OK <door>
    STATE <door>         is the door shut?                -> DOOR <door> OPEN | DOOR <door> CLOSED
    any refusal          unknown door, jammed lock, ...   -> ERR <CODE> <text>   (e.g. ERR NO_DOOR 99)

A door is 1-6 capital letters or digits, as painted on the cabinet (e.g. 7, A12).
Example session:  > OPEN A12   < OK A12   > STATE A12   < DOOR A12 OPEN   > OPEN 99   < ERR NO_DOOR 99

The server opens doors through the small `Locker` interface; `open_locker(spec)` turns the
configured spec ("serial:/dev/ttyUSB0[:BAUD]" or "none") into one. The test double is a
pseudo-terminal board (hardware/testing/locker_board.py).
"""

from __future__ import annotations

import re
import threading
from typing import Protocol

import serial

from queue_server.pickups.lockers import LockerError

DOOR_RE = re.compile(r"^[A-Z0-9]{1,6}$")
DEFAULT_BAUD = 9600
DEFAULT_TIMEOUT_S = 2.0
MAX_LINE = 32


class Locker(Protocol):
    def open_door(self, door: str) -> None:
        """Unlock one door; raises LockerError if the board refuses or does not answer."""

    def close(self) -> None: ...


def check_door(door: str | int) -> str:
    text = str(door).strip().upper()
    if not DOOR_RE.match(text):
        raise LockerError("BAD_DOOR", f"door {door!r} is not 1-6 letters or digits as painted on the cabinet")
    return text


class SerialLocker:
    """A relay board on a serial line. The port opens lazily and reopens after an error."""

    def __init__(self, port: str, baud: int = DEFAULT_BAUD, timeout_s: float = DEFAULT_TIMEOUT_S):
        self.port = port
        self.baud = baud
        self.timeout_s = timeout_s
        self._serial: serial.Serial | None = None
        self._lock = threading.Lock()  # one exchange at a time: answers must match their requests

    def _line(self) -> serial.Serial:
        if self._serial is None:
            try:
                self._serial = serial.Serial(self.port, self.baud, timeout=self.timeout_s,
                                             write_timeout=self.timeout_s)
            except (serial.SerialException, OSError) as e:
                raise LockerError("OFFLINE", f"cannot open the locker's serial port {self.port}: {e}") from None
        return self._serial

    def exchange(self, command: str) -> str:
        """Send one line, return the board's answer line (without the newline)."""
        with self._lock:
            try:
                line = self._line()
                line.reset_input_buffer()  # drop stale answers of an earlier timed-out exchange
                line.write(command.encode("ascii") + b"\r\n")
                line.flush()
                answer = line.readline()
            except (serial.SerialException, OSError) as e:
                self._reset()
                raise LockerError("OFFLINE", f"the locker on {self.port} stopped answering: {e}") from None
            if not answer.endswith(b"\n"):
                self._reset()
                raise LockerError("NO_ANSWER", f"the locker on {self.port} did not answer in {self.timeout_s:g} s")
        return answer[:MAX_LINE * 2].decode("ascii", "replace").strip()

    def ping(self) -> bool:
        return self.exchange("PING") == "PONG"

    def open_door(self, door: str) -> None:
        door = check_door(door)
        answer = self.exchange(f"OPEN {door}")
        if answer == f"OK {door}":
            return
        if answer.startswith("ERR "):
            code, _, text = answer[4:].partition(" ")
            raise LockerError(code or "ERR", f"the locker refused door {door}: {text or code}")
        raise LockerError("BAD_ANSWER", f"the locker answered {answer!r} to OPEN {door}")

    def door_state(self, door: str) -> str:
        door = check_door(door)
        answer = self.exchange(f"STATE {door}")
        parts = answer.split()
        if len(parts) == 3 and parts[0] == "DOOR" and parts[1] == door and parts[2] in ("OPEN", "CLOSED"):
            return parts[2].lower()
        raise LockerError("BAD_ANSWER", f"the locker answered {answer!r} to STATE {door}")

    def _reset(self) -> None:
        if self._serial is not None:
            try:
                self._serial.close()
            except (serial.SerialException, OSError):
                pass
        self._serial = None

    def close(self) -> None:
        with self._lock:
            self._reset()


def open_locker(spec: str | None) -> SerialLocker | None:
    """"serial:/dev/ttyUSB0[:BAUD]" → SerialLocker; "", "none" or None → None (no locker in this hall)."""
    if not spec or spec.strip().lower() == "none":
        return None
    kind, _, rest = spec.strip().partition(":")
    if kind != "serial" or not rest:
        raise ValueError(f"locker spec {spec!r}: use serial:/dev/ttyUSB0[:BAUD] or none")
    port, baud = rest, DEFAULT_BAUD
    head, _, tail = rest.rpartition(":")
    if head and tail.isdigit():
        port, baud = head, int(tail)
    return SerialLocker(port, baud)
