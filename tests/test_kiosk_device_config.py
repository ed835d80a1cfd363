"""The kiosk's device file: the one in the repo is valid, and each mistake names its key."""

from __future__ import annotations

import pytest

from kiosk.device_config import DeviceConfigError, load_device, parse_device


def test_device_file_in_the_repo_is_valid():
    device = load_device()
    assert device.orientation in ("portrait", "landscape") and device.staff_pin.isdigit()


@pytest.mark.parametrize("change, message", [
    ({"server": {"url": "ftp://x", "token": "t"}}, "server.url"),
    ({"server": {"url": "http://x"}}, "server.token"),
    ({"staff": {"exit_pin": "12"}}, "exit_pin"),
    ({"screen": {"orientation": "sideways"}}, "orientation"),
    ({"printer": {"paper_mm": 70}}, "paper_mm"),
    ({"screen": {"zones": "commerce"}}, "screen.zones"),
    ({"screen": {"zone": ["commerce"]}}, "screen.zone is not a setting"),
    ({"device": {"name": "display-01", "kind": "display"}}, "not a kiosk file"),
])
def test_device_file_errors_name_the_key(change, message, monkeypatch):
    monkeypatch.delenv("HALL_DEVICE_TOKEN", raising=False)
    data = {"device": {"name": "kiosk-01", "kind": "kiosk"}, "server": {"url": "http://x", "token": "t"},
            "staff": {"exit_pin": "2580"}}
    data.update(change)
    with pytest.raises(DeviceConfigError, match=message):
        parse_device(data)


def test_missing_device_file(tmp_path):
    with pytest.raises(DeviceConfigError, match="not found"):
        load_device(tmp_path / "nope.toml")
