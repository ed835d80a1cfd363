"""The kiosk's device file (config/devices/kiosk-01.toml) read into a frozen dataclass.

The common part ([device], [server]) and the checking are hall_client/device_file.py's, shared with the
wall display and the buttons; the kiosk adds its tables below. A wrong file stops start-up with a
message that names the file and the key and says what to write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hall_client.device_file import DeviceFileError, Key, read_device, read_toml
from kiosk.staff_pin import is_pin_hash

DEFAULT_DEVICE = Path(__file__).resolve().parent.parent / "config" / "devices" / "kiosk-01.toml"
SAMPLE = "config/devices/kiosk-01.toml"
ORIENTATIONS = {"portrait": (1080, 1920), "landscape": (1920, 1080)}

DeviceConfigError = DeviceFileError  # the kiosk's name for it


def _size(value: list) -> bool:
    return len(value) == 2 and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)


def _positive(value: float) -> bool:
    return value > 0


TABLES: dict[str, tuple[Key, ...]] = {
    "kiosk": (Key("hall_name_zh", str, ""), Key("hall_name_en", str, "")),
    "server": (Key("retry_s", float, 3.0, _positive, "be seconds above 0"),
               Key("board_poll_s", float, 10.0, _positive, "be seconds above 0")),
    "printer": (Key("spec", str, "none"),
                Key("paper_mm", int, 80, lambda v: v in (58, 80), "be 58 or 80")),
    "camera": (Key("source", str, "none"),),
    "screen": (
        Key("orientation", str, "portrait", lambda v: v in ORIENTATIONS, "be portrait or landscape"),
        Key("size", list, None, _size, "be [width, height] in pixels"),
        Key("fullscreen", bool, True),
        Key("language", str, "zh", lambda v: v in ("zh", "en"), "be zh or en"),
        Key("large_text", bool, False),
        Key("zones", list, [], lambda v: all(isinstance(z, str) for z in v),
            'be a list of zone codes, e.g. ["commerce", "public"]'),
    ),
    "idle": (Key("home_after_s", float, 60.0, _positive, "be seconds above 0"),
             Key("board_after_s", float, 180.0, _positive, "be seconds above 0")),
    "staff": (Key("exit_pin_hash", str, check=is_pin_hash,
                  must="be the line that `hall devices add NAME --kind kiosk` (or `hall devices pin`) prints: "
                       "it makes a staff exit PIN"),),
}


@dataclass(frozen=True)
class KioskConfig:
    name: str
    server_url: str
    token: str
    printer: str  # a printer spec (network:HOST:PORT, usb:..., serial:..., file:...) or "none"
    paper_mm: int
    camera: str  # camera index, /dev/videoN, a video file or a stream URL; "none" = keypad only
    orientation: str
    fullscreen: bool
    size: tuple[int, int]
    zones: tuple[str, ...]  # zone codes on the home screen, in order; empty = every front zone
    language: str
    large_text: bool
    staff_pin_hash: str  # the staff exit PIN's salted hash (kiosk/staff_pin.py); the PIN itself is nowhere on disk
    hall_name_zh: str = ""
    hall_name_en: str = ""
    idle_home_s: float = 60.0
    idle_board_s: float = 180.0
    retry_s: float = 3.0
    board_poll_s: float = 10.0
    extra: dict = field(default_factory=dict, hash=False)


def parse_device(data: dict, source: str = "device file") -> KioskConfig:
    """Validate a parsed device file. The token may come from $HALL_DEVICE_TOKEN instead."""
    if "exit_pin" in data.get("staff", {}):
        raise DeviceConfigError(f"{source}: staff.exit_pin (a PIN in plain text) is not read any more: replace it "
                                "with the exit_pin_hash line that `hall devices pin` prints")
    d = read_device(data, kind="kiosk", tables=TABLES, token_required=True, source=source)
    t = d.tables
    screen = t["screen"]
    size = screen["size"] or ORIENTATIONS[screen["orientation"]]
    return KioskConfig(
        name=d.name, server_url=d.server_url, token=d.token or "",
        printer=t["printer"]["spec"], paper_mm=t["printer"]["paper_mm"], camera=t["camera"]["source"],
        orientation=screen["orientation"], fullscreen=screen["fullscreen"], size=(int(size[0]), int(size[1])),
        zones=tuple(screen["zones"]), language=screen["language"], large_text=screen["large_text"],
        staff_pin_hash=t["staff"]["exit_pin_hash"],
        hall_name_zh=t["kiosk"]["hall_name_zh"], hall_name_en=t["kiosk"]["hall_name_en"],
        idle_home_s=t["idle"]["home_after_s"], idle_board_s=t["idle"]["board_after_s"],
        retry_s=t["server"]["retry_s"], board_poll_s=t["server"]["board_poll_s"],
    )


def load_device(path: str | Path = DEFAULT_DEVICE) -> KioskConfig:
    return parse_device(read_toml(path, SAMPLE), str(path))
