"""USB barcode scanners that "type" like a keyboard: tell their bursts from a person typing.

A scanner types a whole code in a few tens of milliseconds, usually ending with Enter; a person
needs 100 ms or more per key. The kiosk feeds every key event here:

    wedge = KeyboardWedgeBuffer()
    code = wedge.feed(key, t)      # a code when Enter ends a fast burst, else None
    code = wedge.poll(t)           # a code when a fast burst stopped without Enter

Slow typing is never taken for a scan (the kiosk's text fields get those keys as usual).
"""

from __future__ import annotations

import time

ENTER_KEYS = {"\r", "\n", "enter", "return", "kp_enter", "numpadenter"}  # Kivy key names too


class KeyboardWedgeBuffer:
    def __init__(self, *, max_key_gap_s: float = 0.05, end_gap_s: float = 0.2,
                 min_length: int = 4, max_length: int = 2048) -> None:
        self.max_key_gap_s = max_key_gap_s  # slower than this between keys = a person
        self.end_gap_s = end_gap_s  # a burst without Enter ends after this silence
        self.min_length = min_length
        self.max_length = max_length
        self._chars: list[str] = []
        self._times: list[float] = []

    @property
    def pending(self) -> str:
        return "".join(self._chars)

    def feed(self, key: str, t: float | None = None) -> str | None:
        """One key: a printable character or "enter". Returns a scanned code or None."""
        t = time.monotonic() if t is None else t
        if key.lower() in ENTER_KEYS:
            return self._finish()
        code = self.poll(t)  # a burst that ended in silence before this key
        if len(key) != 1 or not key.isprintable():
            self.clear()  # shift, arrows, ...: not part of a code
            return code
        if self._times and t - self._times[-1] > self.max_key_gap_s:
            self.clear()  # too slow: a person typing, start over
        self._chars.append(key)
        self._times.append(t)
        if len(self._chars) > self.max_length:
            self.clear()
        return code

    def poll(self, t: float | None = None) -> str | None:
        """Call now and then: emits a fast burst that ended without Enter."""
        t = time.monotonic() if t is None else t
        if self._times and t - self._times[-1] >= self.end_gap_s:
            return self._finish()
        return None

    def clear(self) -> None:
        self._chars.clear()
        self._times.clear()

    def _finish(self) -> str | None:
        chars, times = self.pending, list(self._times)
        self.clear()
        if len(chars) < self.min_length:
            return None
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        if gaps and max(gaps) > self.max_key_gap_s:
            return None
        return chars
