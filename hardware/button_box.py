"""The call-next button box of a hall: window keypads and the serial caller base station, wired to
the queue server through its client (each window's own button token).

A buttons file has the shape of every device file (hall_client/device_file.py reads and checks it) and
says which devices serve which windows:

    [device]
    name = "buttons-01"
    kind = "buttons"

    [server]
    url = "http://192.168.1.10:8000"

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

from dataclasses import dataclass, field
from pathlib import Path

from hall_client.client import ApiError, HallClient
from hall_client.device_file import DeviceFileError, Key, read_device, read_toml

SAMPLE = "config/devices/buttons-01.toml"
ButtonsFileError = DeviceFileError  # the buttons' name for it


def _window_tokens(tokens: dict) -> bool:
    return all(str(k).isdigit() and int(k) > 0 and isinstance(v, str) and v for k, v in tokens.items())


KEYPAD: tuple[Key, ...] = (
    Key("window", int, check=lambda v: v > 0, must="be a window number"),
    Key("device", str, check=bool, must="be the keypad's /dev/input path"),
    Key("token", str, check=bool, must="be the window's button token "
        "(`hall devices add button-03 --kind button --window 3`)"),
)
TABLES: dict[str, tuple[Key, ...]] = {
    "serial": (
        Key("port", str, "", must='be the base station\'s serial port, e.g. "/dev/ttyUSB0"'),
        Key("baud", int, 9600, lambda v: v > 0, "be the line speed, e.g. 9600"),
        Key("tokens", dict, {}, _window_tokens, 'map window numbers to their button tokens, e.g. 2 = "…"'),
    ),
}


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


def parse_buttons(data: dict, source: str = "buttons file") -> ButtonsFile:
    f = read_device(data, kind="buttons", tables=TABLES, lists={"keypad": KEYPAD}, source=source)
    serial = f.tables["serial"]
    keypads = tuple(KeypadSpec(k["window"], k["device"], k["token"]) for k in f.tables["keypad"])
    tokens = {int(k): v for k, v in serial["tokens"].items()}
    problem = ""
    if serial["port"] and not tokens:
        problem = "serial.tokens lists no window: give each window's button token"
    elif tokens and not serial["port"]:
        problem = 'serial.port is missing: the base station\'s serial port, e.g. "/dev/ttyUSB0"'
    elif not keypads and not serial["port"]:
        problem = "the buttons file has no [[keypad]] and no [serial]: nothing to run"
    if problem:
        raise ButtonsFileError(f"{source}: {problem}")
    return ButtonsFile(f.server_url, keypads, serial["port"] or None, serial["baud"], tokens)


def load_buttons_file(path: str | Path) -> ButtonsFile:
    """Read and check a buttons file; a mistake names the file and the key and says what it should be."""
    return parse_buttons(read_toml(path, SAMPLE), str(path))


class ServerActions:
    """`act(window, action)` for the button readers: each window through its own token."""

    def __init__(self, server: str, tokens: dict[int, str], timeout: float = 5.0) -> None:
        self.clients = {window: HallClient(server, token, timeout) for window, token in tokens.items()}

    def act(self, window: int, action: str) -> dict | None:
        client = self.clients.get(window)
        if client is None:
            raise ApiError(None, "no_token", f"no button token for window {window} in the buttons file")
        return client.window_action(window, action)
