"""The call-next button box of a hall: window keypads and the serial caller base station, wired to
the queue server through its client (each window's own button token).

A buttons file (TOML) says which devices serve which windows:

    server = "http://192.168.1.10:8000"

    [[keypad]]                      # a USB keypad (evdev) at one window
    window = 3
    device = "/dev/input/by-id/usb-05a4_9881-event-kbd"
    token = "…"                     # `hall devices add button-03 --kind button --window 3`

    [serial]                        # a wireless caller base station for several windows
    port = "/dev/ttyUSB0"
    baud = 9600
    [serial.tokens]                 # window number → that window's button token
    5 = "…"
    6 = "…"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from hall_client.client import ApiError, HallClient


class ButtonsFileError(ValueError):
    pass


@dataclass(frozen=True)
class KeypadSpec:
    window: int
    device: str
    token: str


@dataclass(frozen=True)
class ButtonsFile:
    server: str
    keypads: tuple[KeypadSpec, ...] = ()
    serial_port: str | None = None
    serial_baud: int = 9600
    serial_tokens: dict[int, str] = field(default_factory=dict)


def load_buttons_file(path: str | Path) -> ButtonsFile:
    """Parse and check a buttons file; a mistake names the key and says what it should be."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ButtonsFileError(f"buttons file {path} not found") from None
    except tomllib.TOMLDecodeError as e:
        raise ButtonsFileError(f"buttons file {path} is not valid TOML: {e}") from None
    server = data.get("server")
    if not isinstance(server, str) or not server.startswith(("http://", "https://")):
        raise ButtonsFileError("server must be the queue server's address, e.g. \"http://192.168.1.10:8000\"")
    keypads = []
    for i, k in enumerate(data.get("keypad", [])):
        where = f"keypad[{i}]"
        if not isinstance(k.get("window"), int) or k["window"] < 1:
            raise ButtonsFileError(f"{where}.window must be a window number")
        if not isinstance(k.get("device"), str) or not k["device"]:
            raise ButtonsFileError(f"{where}.device must be the keypad's /dev/input path")
        if not isinstance(k.get("token"), str) or not k["token"]:
            raise ButtonsFileError(f"{where}.token must be window {k['window']}'s button token "
                                   f"(`hall devices add button-{k['window']} --kind button --window {k['window']}`)")
        keypads.append(KeypadSpec(k["window"], k["device"], k["token"]))
    serial = data.get("serial", {})
    tokens: dict[int, str] = {}
    for key, token in serial.get("tokens", {}).items():
        if not str(key).isdigit() or not isinstance(token, str) or not token:
            raise ButtonsFileError(f"serial.tokens.{key} must map a window number to its button token")
        tokens[int(key)] = token
    port = serial.get("port")
    if serial and (not isinstance(port, str) or not port):
        raise ButtonsFileError("serial.port must be the base station's serial port, e.g. \"/dev/ttyUSB0\"")
    if port and not tokens:
        raise ButtonsFileError("serial.tokens lists no window: give each window's button token")
    if not keypads and not port:
        raise ButtonsFileError("the buttons file has no [[keypad]] and no [serial]: nothing to run")
    return ButtonsFile(server.rstrip("/"), tuple(keypads), port, int(serial.get("baud", 9600)), tokens)


class ServerActions:
    """`act(window, action)` for the button readers: each window through its own token."""

    def __init__(self, server: str, tokens: dict[int, str], timeout: float = 5.0) -> None:
        self.clients = {window: HallClient(server, token, timeout) for window, token in tokens.items()}

    def act(self, window: int, action: str) -> dict | None:
        client = self.clients.get(window)
        if client is None:
            raise ApiError(None, "no_token", f"no button token for window {window} in the buttons file")
        return client.window_action(window, action)
