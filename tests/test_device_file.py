"""One device-file shape (hall_client/device_file.py): [device] and [server] in every file, each kind's own tables
checked by the same code, errors naming the file and the key."""

from pathlib import Path

import pytest

from display.device import load_device as load_display
from display.device import parse_device as parse_display
from hall_client.device_file import DeviceFileError, Key, read_device, read_toml
from hardware.button_box import load_buttons_file, parse_buttons
from kiosk.device_config import load_device as load_kiosk
from kiosk.device_config import parse_device as parse_kiosk
from tests.support.kiosk_fakes import PIN_HASH

DEVICES = Path(__file__).resolve().parent.parent / "config" / "devices"
PARSERS = {"kiosk": parse_kiosk, "display": parse_display, "buttons": parse_buttons}


def test_every_sample_has_the_common_part_and_loads_with_its_kind():
    loaders = {"kiosk": load_kiosk, "display": load_display, "buttons": load_buttons_file}
    kinds = []
    for path in sorted(DEVICES.glob("*.toml")):
        data = read_toml(path, "sample")
        assert data["device"]["name"] == path.stem and data["server"]["url"].startswith("http://")
        kinds.append(data["device"]["kind"])
        if data["device"]["kind"] == "kiosk":  # no staff exit PIN ships: `hall devices add` makes one
            with pytest.raises(DeviceFileError, match="hall devices add"):
                loaders["kiosk"](path)
            data["staff"]["exit_pin_hash"] = PIN_HASH
            parse_kiosk(data)
        else:
            loaders[data["device"]["kind"]](path)
    assert sorted(set(kinds)) == ["buttons", "display", "kiosk"]


@pytest.mark.parametrize("kind", ["kiosk", "display", "buttons"])
def test_the_common_part_is_checked_alike_for_every_kind(kind, monkeypatch):
    monkeypatch.delenv("HALL_DEVICE_TOKEN", raising=False)
    parse = PARSERS[kind]
    good = {"device": {"name": f"{kind}-09", "kind": kind}, "server": {"url": "http://h:8000", "token": "t"}}
    cases = [
        ({"server": {"url": "h:8000"}}, f"{kind}-09.toml: server.url must start with http:// or https://"),
        ({"device": {"name": "x", "kind": "printer"}}, "device.kind must be kiosk, display or buttons, not 'printer'"),
        ({"device": {"kind": kind}}, "device.name is missing"),
        ({"sever": {"url": "http://h"}}, "[sever] is not a table"),
        ({"server": {"url": "http://h", "tokn": "t"}}, "server.tokn is not a setting of [server]"),
    ]
    for change, says in cases:
        with pytest.raises(DeviceFileError) as error:
            parse(good | change, f"{kind}-09.toml")
        assert says in str(error.value), (change, str(error.value))


def test_the_token_may_come_from_the_environment_and_a_kind_may_require_it(monkeypatch):
    data = {"device": {"name": "k", "kind": "kiosk"}, "server": {"url": "http://h:8000/"}}
    monkeypatch.delenv("HALL_DEVICE_TOKEN", raising=False)
    with pytest.raises(DeviceFileError, match="server.token is missing: register the device with `hall devices add k"):
        read_device(data, kind="kiosk", tables={}, token_required=True)
    monkeypatch.setenv("HALL_DEVICE_TOKEN", "from-env")
    device = read_device(data, kind="kiosk", tables={}, token_required=True)
    assert (device.name, device.server_url, device.token) == ("k", "http://h:8000", "from-env")


def test_a_kind_declares_its_tables_with_keys():
    tables = {"screen": (Key("width", int, 1920, lambda v: v > 0, "be pixels above 0"), Key("dark", bool, False)),
              "server": (Key("retry_s", float, 3.0),)}
    data = {"device": {"name": "d", "kind": "display"}, "server": {"url": "http://h", "retry_s": 2},
            "screen": {"width": 800}}
    device = read_device(data, kind="display", tables=tables)
    assert device.tables["screen"] == {"width": 800, "dark": False} and device.tables["server"]["retry_s"] == 2.0
    for screen, says in (({"width": 0}, "screen.width must be pixels above 0, not 0"),
                         ({"width": True}, "screen.width must be pixels above 0, not True"),
                         ({"dark": "yes"}, "screen.dark must be true or false, not 'yes'")):
        with pytest.raises(DeviceFileError, match=says):
            read_device(data | {"screen": screen}, kind="display", tables=tables)


def test_missing_and_broken_files_name_the_sample(tmp_path):
    with pytest.raises(DeviceFileError, match="not found: copy config/devices/kiosk-01.toml"):
        load_kiosk(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[device\n")
    with pytest.raises(DeviceFileError, match="not valid TOML"):
        load_buttons_file(bad)
