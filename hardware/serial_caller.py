"""Serial caller base station: wireless window buttons reported over one serial line.

Line protocol (ASCII, one command per line, "\\n" or "\\r\\n", at most 64 characters; the
base station sends, we answer one line for every line):

    W<window> <COMMAND>      window 1-999, leading zeros allowed: "W03 CALL"
    PING                     liveness check

    COMMAND   action            COMMAND   action
    CALL      call next         NOSHOW    no-show (citizen did not come)
    RECALL    call again        PAUSE     pause the window
    START     start serving     RESUME    resume the window
    FINISH    finish serving    TOGGLE    pause if running, resume if paused

Answers:
    OK <ticket>              done; the ticket concerned, e.g. "OK A001"
    OK                       done, no ticket concerned (PAUSE, RESUME)
    OK NONE                  CALL with nobody waiting
    PONG                     answer to PING
    ERR <CODE> <text>        BAD_LINE, BAD_WINDOW, UNKNOWN_COMMAND, or the server's refusal
                             code in capitals (e.g. ERR WINDOW_NOT_OPEN window 3 is closed)

Example session:  > W03 CALL   < OK A001   > W03 START   < OK A001   > W3 FLY   < ERR UNKNOWN_COMMAND FLY
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable

import serial

from hardware.window_buttons import (
    CALL_NEXT,
    FINISH,
    NO_SHOW,
    PAUSE,
    PAUSE_TOGGLE,
    RECALL,
    RESUME,
    START,
    Act,
    WindowButtons,
)

log = logging.getLogger(__name__)

COMMANDS = {"CALL": CALL_NEXT, "RECALL": RECALL, "START": START, "FINISH": FINISH,
            "NOSHOW": NO_SHOW, "PAUSE": PAUSE, "RESUME": RESUME, "TOGGLE": PAUSE_TOGGLE}
LINE_RE = re.compile(r"^W(\d{1,3})\s+([A-Z_]+)$")
MAX_LINE = 64


def ascii_text(text: str, limit: int = 48) -> str:
    """Printable ASCII only: base-station displays cannot show anything else."""
    return "".join(ch if " " <= ch <= "~" else "?" for ch in text)[:limit]


def handle_line(line: bytes | str, buttons: WindowButtons) -> str:
    """One request line -> one answer line (without the newline)."""
    if isinstance(line, bytes):
        try:
            line = line.decode("ascii")
        except UnicodeDecodeError:
            return "ERR BAD_LINE not ASCII"
    text = line.strip().upper()
    if text == "PING":
        return "PONG"
    match = LINE_RE.match(text)
    if not match:
        return f"ERR BAD_LINE expected W<window> <COMMAND>, got {ascii_text(text, 24)}"
    window, command = int(match.group(1)), match.group(2)
    if window < 1:
        return "ERR BAD_WINDOW window numbers start at 1"
    if command not in COMMANDS:
        return f"ERR UNKNOWN_COMMAND {ascii_text(command, 16)}"
    result = buttons.press(window, COMMANDS[command])
    if not result.ok:
        code = re.sub(r"[^A-Z0-9_]", "_", result.error_code.upper()) or "SERVER"
        return f"ERR {code} {ascii_text(result.message)}".rstrip()
    if result.ticket:
        return f"OK {ascii_text(result.ticket, 16)}"
    return "OK NONE" if COMMANDS[command] == CALL_NEXT else "OK"


class SerialCallerStation:
    """Reads the base station's lines on a background thread and answers each one."""

    def __init__(self, port: str | serial.Serial, act: Act, *, baudrate: int = 9600,
                 on_line: Callable[[str, str], None] | None = None,
                 reopen_after_s: float = 2.0) -> None:
        self.port = port
        self.baudrate = baudrate
        self.buttons = WindowButtons(act)
        self.on_line = on_line  # (request, answer) for logs and tests
        self.reopen_after_s = reopen_after_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._serial: serial.Serial | None = None

    def open(self) -> None:
        """Open the port now, so a wrong port name is an error for the caller to show."""
        if isinstance(self.port, serial.Serial):
            self._serial = self.port
        else:
            try:
                self._serial = serial.Serial(self.port, self.baudrate, timeout=0.2,
                                             write_timeout=2)
            except serial.SerialException as error:
                raise OSError(f"cannot open the caller base station on {self.port}: {error}. "
                              "Check the port name and that nothing else uses it") from None

    def start(self) -> None:
        if self._serial is None:
            self.open()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="serial caller", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)
        if self._serial is not None and not isinstance(self.port, serial.Serial):
            self._serial.close()
        self._serial = None

    def _run(self) -> None:
        buffer = b""
        lost = False
        while not self._stop.is_set():
            try:
                if self._serial is None:  # unplugged USB-serial adapter: try it again
                    self.open()
                    log.warning("caller base station on %s is back", self.port)
                    lost = False
                assert self._serial is not None
                # Wait for one byte (or the 0.2 s timeout, to notice stop()), then take the rest.
                chunk = self._serial.read(1)
                if chunk and self._serial.in_waiting:
                    chunk += self._serial.read(self._serial.in_waiting)
            except (serial.SerialException, OSError) as error:
                if not lost:
                    log.warning("caller base station on %s lost: %s", self.port, error)
                    lost = True
                if not isinstance(self.port, serial.Serial) and self._serial is not None:
                    self._serial.close()
                    self._serial = None
                self._stop.wait(self.reopen_after_s)
                continue
            buffer += chunk
            while b"\n" in buffer:
                raw, buffer = buffer.split(b"\n", 1)
                self._answer(raw.rstrip(b"\r"))
            if len(buffer) > MAX_LINE:  # noise on the line: drop it, say so once
                buffer = b""
                self._write("ERR BAD_LINE too long")

    def _answer(self, raw: bytes) -> None:
        if not raw.strip():
            return
        answer = handle_line(raw, self.buttons) if len(raw) <= MAX_LINE else \
            "ERR BAD_LINE too long"
        self._write(answer)
        if self.on_line:
            self.on_line(raw.decode("ascii", errors="replace"), answer)

    def _write(self, answer: str) -> None:
        try:
            assert self._serial is not None
            self._serial.write(answer.encode("ascii") + b"\n")
        except (serial.SerialException, OSError) as error:
            log.warning("caller base station write failed: %s", error)
