"""Keypad double: Linux input events through an OS pipe, read back as evdev.InputEvent.

Where the machine has /dev/uinput, tests use a real virtual keyboard (evdev.UInput) instead;
containers usually lack it. The pipe carries the kernel's own `struct input_event` records, so
the keypad reader's select/read loop runs for real against a file descriptor.
"""

from __future__ import annotations

import errno
import os
import struct
import time

from evdev import InputEvent, ecodes

RECORD = struct.Struct("llHHi")  # struct input_event: timeval sec, usec; type; code; value


class InputEventPipe:
    def __init__(self) -> None:
        self.fd, self._writer = os.pipe()
        self._pending = b""

    def write_event(self, type_: int, code: int, value: int) -> None:
        now = time.time()
        os.write(self._writer, RECORD.pack(int(now), int(now % 1 * 1e6), type_, code, value))

    def press(self, code: int, *, repeats: int = 0) -> None:
        """Key down, optional auto-repeats, key up, each followed by a sync report."""
        for value in [1] + [2] * repeats + [0]:
            self.write_event(ecodes.EV_KEY, code, value)
            self.write_event(ecodes.EV_SYN, ecodes.SYN_REPORT, 0)

    def read(self) -> list[InputEvent]:
        data = os.read(self.fd, RECORD.size * 64)
        if not data:  # the writer is gone: like a keypad pulled out
            raise OSError(errno.ENODEV, "No such device")
        data = self._pending + data
        whole = len(data) - len(data) % RECORD.size
        self._pending = data[whole:]
        return [InputEvent(*RECORD.unpack_from(data, offset))
                for offset in range(0, whole, RECORD.size)]

    def unplug(self) -> None:
        os.close(self._writer)
        self._writer = -1

    def close(self) -> None:
        for fd in (self.fd, self._writer):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.fd = self._writer = -1
