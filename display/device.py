"""A wall display's device file (TOML): which server, what it shows, how it speaks.

    [display]
    name = "display-01"
    server = "http://127.0.0.1:8000"
    token = ""                 # optional: board and events are public
    zones = ["A", "B"]         # zone codes or ticket prefixes; empty = every zone
    windows = []               # window numbers; empty = every window
    orientation = "landscape"  # or "portrait"
    width = 1920               # the screen in landscape; swapped for portrait
    height = 1080
    fullscreen = true
    history = 8                # earlier calls listed under the current one
    flash_s = 6
    notice = "scroll"          # the hall notice scrolls; "page": one language at a time, still
                               # (for boxes without a GPU: scrolling redraws every frame)

    [voice]
    enabled = true
    repeat = 2                 # each call is spoken this many times (1 to 5)
    chime = true
    audio_device = ""          # ALSA device for aplay; empty = default
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DEVICE = Path(__file__).resolve().parent.parent / "config" / "devices" / "display-01.toml"


class DeviceError(ValueError):
    """The device file is missing or wrong; the message says which setting and what to write."""


@dataclass(frozen=True)
class DisplayDevice:
    name: str = "display"
    server: str = "http://127.0.0.1:8000"
    token: str | None = None
    zones: tuple[str, ...] = ()
    windows: tuple[int, ...] = ()
    orientation: str = "landscape"
    width: int = 1920
    height: int = 1080
    fullscreen: bool = True
    history: int = 8
    flash_s: float = 6.0
    notice: str = "scroll"
    voice: bool = True
    repeat: int = 2
    chime: bool = True
    audio_device: str | None = None

    @property
    def portrait(self) -> bool:
        return self.orientation == "portrait"

    @property
    def size(self) -> tuple[int, int]:
        """Window size in pixels for the orientation (landscape is wider than tall)."""
        long, short = max(self.width, self.height), min(self.width, self.height)
        return (short, long) if self.portrait else (long, short)


def parse_device(data: dict, source: str = "device file") -> DisplayDevice:
    d = data.get("display", {})
    v = data.get("voice", {})
    if not isinstance(d, dict) or not isinstance(v, dict):
        raise DeviceError(f"{source}: [display] and [voice] must be tables")

    def need(cond: bool, message: str) -> None:
        if not cond:
            raise DeviceError(f"{source}: {message}")

    server = d.get("server", DisplayDevice.server)
    need(isinstance(server, str) and server.startswith(("http://", "https://")),
         f'server must be the queue server address like "http://192.168.1.10:8000", not {server!r}')
    zones = d.get("zones", [])
    need(isinstance(zones, list) and all(isinstance(z, str) and z for z in zones),
         'zones must be a list of zone codes or prefixes, e.g. ["A", "public"], or [] for all')
    windows = d.get("windows", [])
    need(isinstance(windows, list) and all(isinstance(w, int) and w > 0 for w in windows),
         "windows must be a list of window numbers, e.g. [1, 2, 3], or [] for all")
    orientation = d.get("orientation", "landscape")
    need(orientation in ("landscape", "portrait"),
         f'orientation must be "landscape" or "portrait", not {orientation!r}')
    width, height = d.get("width", 1920), d.get("height", 1080)
    need(isinstance(width, int) and isinstance(height, int) and 320 <= width <= 8000 and 320 <= height <= 8000,
         "width and height must be screen pixels (320 to 8000)")
    history = d.get("history", 8)
    need(isinstance(history, int) and 1 <= history <= 20, "history must be 1 to 20 earlier calls")
    flash_s = d.get("flash_s", 6)
    need(isinstance(flash_s, int | float) and 0 <= flash_s <= 60, "flash_s must be 0 to 60 seconds")
    notice = d.get("notice", "scroll")
    need(notice in ("scroll", "page"), f'notice must be "scroll" or "page", not {notice!r}')
    repeat = v.get("repeat", 2)
    need(isinstance(repeat, int) and 1 <= repeat <= 5, "voice repeat must be 1 to 5")
    for key, table in (("fullscreen", d), ("enabled", v), ("chime", v)):
        need(isinstance(table.get(key, True), bool), f"{key} must be true or false")
    token = d.get("token") or None
    need(token is None or isinstance(token, str), "token must be text")
    audio = v.get("audio_device") or None
    return DisplayDevice(
        name=str(d.get("name", "display")), server=server.rstrip("/"), token=token, zones=tuple(zones),
        windows=tuple(windows), orientation=orientation, width=width, height=height,
        fullscreen=d.get("fullscreen", True), history=history, flash_s=float(flash_s), notice=notice,
        voice=v.get("enabled", True), repeat=repeat, chime=v.get("chime", True), audio_device=audio,
    )


def load_device(path: str | Path = DEFAULT_DEVICE) -> DisplayDevice:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DeviceError(f"no device file at {path}: copy config/devices/display-01.toml and edit it") from None
    except tomllib.TOMLDecodeError as e:
        raise DeviceError(f"{path} is not valid TOML: {e}") from None
    return parse_device(data, str(path))
