"""Every device file (kiosk, wall display, call-next buttons) has one shape, read and checked here.

    [device]
    name = "kiosk-01"
    kind = "kiosk"                       # kiosk | display | buttons

    [server]
    url = "http://192.168.1.10:8000"
    token = "…"                          # `hall devices add kiosk-01 --kind kiosk`; $HALL_DEVICE_TOKEN may stand in

Each kind adds its own tables ([screen], [printer], [display], [voice], [[keypad]], [serial]…), declared as
`Key`s and checked by the same code: a wrong file stops start-up with one plain line naming the file and the
key (`kiosk-01.toml: printer.paper_mm must be 58 or 80`). Unknown keys are refused too, so a typo or
a setting in the wrong table does not pass silently.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from queue_server.settings import device_setting

KINDS = ("kiosk", "display", "buttons")
TOKEN_ENV = "HALL_DEVICE_TOKEN"
REQUIRED: Any = object()


class DeviceFileError(ValueError):
    """The device file is missing or wrong; the message names the file and the key and says what to write."""


@dataclass(frozen=True)
class Key:
    """One setting of a table: its type, its default (REQUIRED: none), a check and what it must be, in words."""

    name: str
    kind: type
    default: Any = REQUIRED
    check: Callable[[Any], bool] | None = None
    must: str = ""  # completes "<table>.<key> must …", e.g. "be 58 or 80"

    def describe(self) -> str:
        return self.must or f"be {'true or false' if self.kind is bool else 'a ' + self.kind.__name__}"


@dataclass(frozen=True)
class DeviceFile:
    """The common part of a device file, and each table of the kind's part as a plain dict of checked values."""

    source: str
    name: str
    kind: str
    server_url: str
    token: str | None
    tables: dict[str, Any] = field(default_factory=dict)


def is_url(value: str) -> bool:
    scheme, _, host = value.partition("://")
    return scheme in ("http", "https") and bool(host)


COMMON: dict[str, tuple[Key, ...]] = {
    "device": (
        Key("name", str, check=bool, must='be the device\'s name, e.g. "kiosk-01"'),
        Key("kind", str, check=lambda v: v in KINDS, must="be kiosk, display or buttons"),
    ),
    "server": (
        Key("url", str, check=is_url, must='start with http:// or https://, e.g. "http://192.168.1.10:8000"'),
        Key("token", str, ""),
    ),
}


def _typed(key: Key, value: Any) -> tuple[bool, Any]:
    if key.kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, key.kind) or (key.kind in (int, float) and isinstance(value, bool)):
        return False, value
    return True, value


def read_table(table: Any, where: str, keys: Sequence[Key]) -> dict[str, Any]:
    """Check one table against its keys; `where` names it in errors ("screen", "keypad[0]")."""
    if not isinstance(table, dict):
        raise DeviceFileError(f"{where} must be a table ([{where}]), not {table!r}")
    known = {k.name for k in keys}
    for name in table:
        if name not in known:
            raise DeviceFileError(f"{where}.{name} is not a setting of [{where}] (it has: {', '.join(sorted(known))})")
    out: dict[str, Any] = {}
    for key in keys:
        if key.name not in table:
            if key.default is REQUIRED:
                raise DeviceFileError(f"{where}.{key.name} is missing: it must {key.describe()}")
            out[key.name] = key.default
            continue
        ok, value = _typed(key, table[key.name])
        if not ok or (key.check is not None and not key.check(value)):
            raise DeviceFileError(f"{where}.{key.name} must {key.describe()}, not {table[key.name]!r}")
        out[key.name] = value
    return out


def read_device(data: Mapping[str, Any], *, kind: str, tables: Mapping[str, Sequence[Key]],
                lists: Mapping[str, Sequence[Key]] | None = None, token_required: bool = False,
                source: str = "device file") -> DeviceFile:
    """The common part and the kind's tables (`lists`: arrays of tables such as [[keypad]]).

    A kind may add keys to a common table (e.g. the kiosk's [server] retry_s) by naming it in `tables`.
    """
    lists = lists or {}
    try:
        values: dict[str, Any] = {"device": read_table(data.get("device", {}), "device", COMMON["device"])}
        if values["device"]["kind"] != kind:  # first: a file of another kind fails here, not on its tables
            raise DeviceFileError(f"device.kind is {values['device']['kind']!r}: this is not a {kind} file")
        known = set(COMMON) | set(tables) | set(lists)
        for name in data:
            if name not in known:
                raise DeviceFileError(f"[{name}] is not a table of a {kind} file (it has: {', '.join(sorted(known))})")
        for name in dict.fromkeys(["server", *tables]):
            values[name] = read_table(data.get(name, {}), name, (*COMMON.get(name, ()), *tables.get(name, ())))
        for name, keys in lists.items():
            items = data.get(name, [])
            if not isinstance(items, list):
                raise DeviceFileError(f"{name} must be written [[{name}]], once per item")
            values[name] = [read_table(item, f"{name}[{i}]", keys) for i, item in enumerate(items)]
        token = device_setting(TOKEN_ENV) or values["server"]["token"] or None
        if token_required and not token:
            name = values["device"]["name"]
            raise DeviceFileError(f"server.token is missing: register the device with `hall devices add {name} "
                                  f"--kind {kind}` and paste the token (or set ${TOKEN_ENV})")
    except DeviceFileError as error:
        raise DeviceFileError(f"{source}: {error}") from None
    return DeviceFile(source=source, name=values["device"]["name"], kind=kind,
                      server_url=values["server"]["url"].rstrip("/"), token=token,
                      tables={k: v for k, v in values.items() if k != "device"})


def read_toml(path: str | Path, sample: str) -> dict[str, Any]:
    """A device file's TOML; `sample` is the file in config/devices/ to copy when it is missing."""
    path = Path(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DeviceFileError(f"device file {path} not found: copy {sample} and edit it") from None
    except tomllib.TOMLDecodeError as e:
        raise DeviceFileError(f"device file {path} is not valid TOML: {e}") from None
