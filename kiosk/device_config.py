"""The kiosk's device file (config/devices/kiosk-01.toml) read into a frozen dataclass.

Pure: a wrong file stops start-up with a message that names the key and says what to write.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.staff_pin import is_pin_hash

DEFAULT_DEVICE = Path(__file__).resolve().parent.parent / "config" / "devices" / "kiosk-01.toml"
ORIENTATIONS = {"portrait": (1080, 1920), "landscape": (1920, 1080)}


class DeviceConfigError(ValueError):
    """The device file is wrong; the message names the key."""


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


def _get(section: dict, key: str, kind: type, where: str, default: object = ...) -> object:
    if key not in section:
        if default is ...:
            raise DeviceConfigError(f"{where}.{key} is missing")
        return default
    value = section[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise DeviceConfigError(f"{where}.{key} must be a {kind.__name__}, not {value!r}")
    return value


def parse_device(data: dict) -> KioskConfig:
    """Validate a parsed device file. The token may come from $HALL_DEVICE_TOKEN instead."""
    kiosk = data.get("kiosk", {})
    server = data.get("server", {})
    printer = data.get("printer", {})
    camera = data.get("camera", {})
    screen = data.get("screen", {})
    idle = data.get("idle", {})
    staff = data.get("staff", {})
    url = str(_get(server, "url", str, "server"))
    if not url.startswith(("http://", "https://")):
        raise DeviceConfigError(f"server.url must start with http:// or https://, not {url!r}")
    token = os.environ.get("HALL_DEVICE_TOKEN") or str(_get(server, "token", str, "server", ""))
    if not token:
        raise DeviceConfigError("server.token is missing: register the kiosk with "
                                "`hall devices add kiosk-01 --kind kiosk` and paste the token")
    orientation = str(_get(screen, "orientation", str, "screen", "portrait"))
    if orientation not in ORIENTATIONS:
        raise DeviceConfigError(f"screen.orientation must be portrait or landscape, not {orientation!r}")
    size = tuple(_get(screen, "size", list, "screen", list(ORIENTATIONS[orientation])))
    if len(size) != 2 or not all(isinstance(v, int) and v > 0 for v in size):
        raise DeviceConfigError(f"screen.size must be [width, height] in pixels, not {list(size)!r}")
    language = str(_get(screen, "language", str, "screen", "zh"))
    if language not in ("zh", "en"):
        raise DeviceConfigError(f"screen.language must be zh or en, not {language!r}")
    if "exit_pin" in staff:
        raise DeviceConfigError("staff.exit_pin (a PIN in plain text) is not read any more: replace it with the "
                                "exit_pin_hash line that `hall devices pin` prints")
    pin_hash = str(_get(staff, "exit_pin_hash", str, "staff", ""))
    if not is_pin_hash(pin_hash):
        raise DeviceConfigError("staff.exit_pin_hash is missing or damaged: `hall devices add NAME --kind kiosk` "
                                "(or `hall devices pin`) makes a staff exit PIN and prints the line to paste")
    paper = int(_get(printer, "paper_mm", int, "printer", 80))
    if paper not in (58, 80):
        raise DeviceConfigError(f"printer.paper_mm must be 58 or 80, not {paper}")
    zones = tuple(_get(screen, "zones", list, "screen", []))
    if not all(isinstance(z, str) for z in zones):
        raise DeviceConfigError("screen.zones must be a list of zone codes, e.g. [\"commerce\", \"public\"]")
    return KioskConfig(
        name=str(_get(kiosk, "name", str, "kiosk", "kiosk-01")),
        server_url=url.rstrip("/"),
        token=token,
        printer=str(_get(printer, "spec", str, "printer", "none")),
        paper_mm=paper,
        camera=str(_get(camera, "source", str, "camera", "none")),
        orientation=orientation,
        fullscreen=bool(_get(screen, "fullscreen", bool, "screen", True)),
        size=(int(size[0]), int(size[1])),
        zones=zones,
        language=language,
        large_text=bool(_get(screen, "large_text", bool, "screen", False)),
        staff_pin_hash=pin_hash,
        hall_name_zh=str(_get(kiosk, "hall_name_zh", str, "kiosk", "")),
        hall_name_en=str(_get(kiosk, "hall_name_en", str, "kiosk", "")),
        idle_home_s=float(_get(idle, "home_after_s", float, "idle", 60.0)),
        idle_board_s=float(_get(idle, "board_after_s", float, "idle", 180.0)),
        retry_s=float(_get(server, "retry_s", float, "server", 3.0)),
        board_poll_s=float(_get(server, "board_poll_s", float, "server", 10.0)),
    )


def load_device(path: str | Path = DEFAULT_DEVICE) -> KioskConfig:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DeviceConfigError(f"device file {path} not found (copy config/devices/kiosk-01.toml)") from None
    except tomllib.TOMLDecodeError as e:
        raise DeviceConfigError(f"device file {path} is not valid TOML: {e}") from None
    try:
        return parse_device(data)
    except DeviceConfigError as e:
        raise DeviceConfigError(f"{path}: {e}") from None
