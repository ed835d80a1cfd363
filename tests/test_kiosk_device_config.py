"""The kiosk's device file: the one in the repo is valid, and each mistake names its key."""

from __future__ import annotations

import tomllib

import pytest

from kiosk.device_config import DEFAULT_DEVICE, DeviceConfigError, load_device, parse_device
from tests.support.kiosk_fakes import PIN_HASH


def test_device_file_in_the_repo_ships_no_pin(monkeypatch):
    monkeypatch.delenv("HALL_DEVICE_TOKEN", raising=False)
    data = tomllib.loads(DEFAULT_DEVICE.read_text(encoding="utf-8"))
    assert data["staff"] == {"exit_pin_hash": ""}
    with pytest.raises(DeviceConfigError, match="hall devices add"):
        load_device()
    data["staff"]["exit_pin_hash"] = PIN_HASH  # what `hall devices add` prints: then the file is valid
    device = parse_device(data)
    assert device.orientation in ("portrait", "landscape") and device.staff_pin_hash == PIN_HASH


@pytest.mark.parametrize("change, message", [
    ({"server": {"url": "ftp://x", "token": "t"}}, "server.url"),
    ({"server": {"url": "http://x"}}, "server.token"),
    ({"staff": {"exit_pin": "2580"}}, "exit_pin .a PIN in plain text. is not read"),
    ({"staff": {}}, "exit_pin_hash is missing"),
    ({"staff": {"exit_pin_hash": "2580"}}, "exit_pin_hash must be the line"),
    ({"screen": {"orientation": "sideways"}}, "orientation"),
    ({"printer": {"paper_mm": 70}}, "paper_mm"),
    ({"screen": {"zones": "commerce"}}, "screen.zones"),
    ({"screen": {"zone": ["commerce"]}}, "screen.zone is not a setting"),
    ({"device": {"name": "display-01", "kind": "display"}}, "not a kiosk file"),
])
def test_device_file_errors_name_the_key(change, message, monkeypatch):
    monkeypatch.delenv("HALL_DEVICE_TOKEN", raising=False)
    data = {"device": {"name": "kiosk-01", "kind": "kiosk"}, "server": {"url": "http://x", "token": "t"},
            "staff": {"exit_pin_hash": PIN_HASH}}
    data.update(change)
    with pytest.raises(DeviceConfigError, match=message):
        parse_device(data)


def test_missing_device_file(tmp_path):
    with pytest.raises(DeviceConfigError, match="not found"):
        load_device(tmp_path / "nope.toml")
