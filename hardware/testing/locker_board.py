"""Test double of a locker relay board: speaks hardware/locker.py's line protocol on a pseudo-terminal."""

from __future__ import annotations

import os
import select
import threading
import tty


class PtyLockerBoard:
    """A cabinet with `doors`; `.port` is the tty path to give SerialLocker. Records every door it opened."""

    def __init__(self, doors: tuple[str, ...] = tuple(str(n) for n in range(1, 25)), *, jammed: tuple[str, ...] = (),
                 silent: bool = False):
        self.doors = set(doors)
        self.jammed = set(jammed)
        self.silent = silent  # a board that never answers (unplugged on its end)
        self.opened: list[str] = []
        self.open_now: set[str] = set()
        self.lines: list[str] = []
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)  # no echo, no line editing: bytes as a real serial line carries them
        self.port = os.ttyname(self._slave)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PtyLockerBoard:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        os.close(self._master)
        os.close(self._slave)

    def answer(self, line: str) -> str:
        self.lines.append(line)
        cmd, _, door = line.partition(" ")
        if cmd == "PING" and not door:
            return "PONG"
        if cmd in ("OPEN", "STATE"):
            if door not in self.doors:
                return f"ERR NO_DOOR {door}"
            if cmd == "STATE":
                return f"DOOR {door} {'OPEN' if door in self.open_now else 'CLOSED'}"
            if door in self.jammed:
                return f"ERR JAMMED {door}"
            self.opened.append(door)
            self.open_now.add(door)
            return f"OK {door}"
        return "ERR BAD_LINE"

    def _run(self) -> None:
        buf = b""
        while not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if not ready:
                continue
            try:
                buf += os.read(self._master, 256)
            except OSError:
                return
            while b"\n" in buf:
                raw, buf = buf.split(b"\n", 1)
                reply = self.answer(raw.decode("ascii", "replace").strip())
                if not self.silent:
                    os.write(self._master, reply.encode() + b"\r\n")
