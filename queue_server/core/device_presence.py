"""Which of the hall's screens are up: a kiosk or wall display that runs holds its event stream open all day.

Pure: the server tells it when a device's stream opens and closes; the dashboard asks who dropped off. A device
that was up today and has held no stream for OFFLINE_AFTER_S is offline (its stream reconnects within seconds
after a blip, so a short gap is not reported); one never seen today is not (it may not be switched on yet).
"""

from __future__ import annotations

from collections import Counter

OFFLINE_AFTER_S = 120
STREAMING_KINDS = frozenset({"kiosk", "display"})  # devices that follow the hall through an event stream


class DevicePresence:
    def __init__(self) -> None:
        self._open: Counter[str] = Counter()
        self._left_at: dict[str, float] = {}

    def opened(self, name: str) -> None:
        self._open[name] += 1

    def closed(self, name: str, now_s: float) -> None:
        self._open[name] -= 1
        if self._open[name] <= 0:
            del self._open[name]
            self._left_at[name] = now_s

    def streaming(self, name: str) -> bool:
        return self._open[name] > 0 if name in self._open else False

    def offline(self, devices: list[dict], now_s: float, day_start_s: float) -> list[dict]:
        """Of `devices` ({name, kind, window, last_seen_s}), those up today that hold no stream now, with since
        when (the later of their last request and their stream's end)."""
        out = []
        for d in devices:
            if d["kind"] not in STREAMING_KINDS or self.streaming(d["name"]):
                continue
            seen = max(d.get("last_seen_s") or 0.0, self._left_at.get(d["name"], 0.0))
            if seen >= day_start_s and now_s - seen >= OFFLINE_AFTER_S:
                out.append(d | {"since_s": seen})
        return out
