"""A wall display's device file (TOML): which server, what it shows, how it speaks.

The common part ([device], [server]) and the checking are hall_client/device_file.py's, shared with the
kiosk and the buttons; the display adds [display] and [voice]:

    [device]
    name = "display-01"
    kind = "display"

    [server]
    url = "http://127.0.0.1:8000"
    token = ""                 # optional: board and events are public

    [display]
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

from dataclasses import dataclass
from pathlib import Path

from hall_client.device_file import DeviceFileError, Key, read_device, read_toml

DEFAULT_DEVICE = Path(__file__).resolve().parent.parent / "config" / "devices" / "display-01.toml"


SAMPLE = "config/devices/display-01.toml"
DeviceError = DeviceFileError  # the display's name for it


def _pixels(value: int) -> bool:
    return 320 <= value <= 8000


TABLES: dict[str, tuple[Key, ...]] = {
    "display": (
        Key("zones", list, [], lambda v: all(isinstance(z, str) and z for z in v),
            'be a list of zone codes or prefixes, e.g. ["A", "public"], or [] for all'),
        Key("windows", list, [], lambda v: all(isinstance(w, int) and not isinstance(w, bool) and w > 0 for w in v),
            "be a list of window numbers, e.g. [1, 2, 3], or [] for all"),
        Key("orientation", str, "landscape", lambda v: v in ("landscape", "portrait"),
            'be "landscape" or "portrait"'),
        Key("width", int, 1920, _pixels, "be screen pixels (320 to 8000)"),
        Key("height", int, 1080, _pixels, "be screen pixels (320 to 8000)"),
        Key("fullscreen", bool, True),
        Key("history", int, 8, lambda v: 1 <= v <= 20, "be 1 to 20 earlier calls"),
        Key("flash_s", float, 6.0, lambda v: 0 <= v <= 60, "be 0 to 60 seconds"),
        Key("notice", str, "scroll", lambda v: v in ("scroll", "page"), 'be "scroll" or "page"'),
    ),
    "voice": (
        Key("enabled", bool, True),
        Key("repeat", int, 2, lambda v: 1 <= v <= 5, "be 1 to 5 times"),
        Key("chime", bool, True),
        Key("audio_device", str, ""),
    ),
}


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
    f = read_device(data, kind="display", tables=TABLES, source=source)
    d, v = f.tables["display"], f.tables["voice"]
    return DisplayDevice(
        name=f.name, server=f.server_url, token=f.token, zones=tuple(d["zones"]), windows=tuple(d["windows"]),
        orientation=d["orientation"], width=d["width"], height=d["height"], fullscreen=d["fullscreen"],
        history=d["history"], flash_s=d["flash_s"], notice=d["notice"], voice=v["enabled"], repeat=v["repeat"],
        chime=v["chime"], audio_device=v["audio_device"] or None,
    )


def load_device(path: str | Path = DEFAULT_DEVICE) -> DisplayDevice:
    return parse_device(read_toml(path, SAMPLE), str(path))
