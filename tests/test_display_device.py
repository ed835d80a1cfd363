"""Wall display device files."""

from pathlib import Path

import pytest

from display.device import DeviceError, load_device, parse_device

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_device_files_load():
    d1 = load_device(ROOT / "config/devices/display-01.toml")
    assert (d1.size, d1.voice, d1.zones, d1.token) == ((1920, 1080), True, (), None)
    d2 = load_device(ROOT / "config/devices/display-02.toml")
    assert (d2.portrait, d2.size, d2.voice, d2.zones, d2.notice) == (True, (1080, 1920), False, ("A", "B"), "page")


COMMON = {"device": {"name": "display-09", "kind": "display"}, "server": {"url": "http://127.0.0.1:8000"}}


@pytest.mark.parametrize(("data", "words"), [
    ({"server": {"url": "127.0.0.1:8000"}}, "server.url must start with http"),
    ({"display": {"server": "http://127.0.0.1:8000"}}, "display.server is not a setting"),
    ({"display": {"zones": "A"}}, "display.zones must be"),
    ({"display": {"windows": [0]}}, "display.windows must be"),
    ({"display": {"orientation": "sideways"}}, "display.orientation"),
    ({"voice": {"repeat": 9}}, "voice.repeat must be 1 to 5"),
    ({"display": {"notice": "blink"}}, "display.notice must be"),
    ({"voice": {"enabled": "yes"}}, "voice.enabled must be true or false"),
    ({"device": {"name": "kiosk-01", "kind": "kiosk"}}, "not a display file"),
    ({"device": {"kind": "display"}}, "device.name is missing"),
])
def test_bad_settings_say_what_to_write(data, words):
    with pytest.raises(DeviceError, match=words):
        parse_device(COMMON | data, "display-09.toml")


def test_missing_and_broken_files(tmp_path):
    with pytest.raises(DeviceError, match="copy config/devices/display-01.toml"):
        load_device(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[display\n")
    with pytest.raises(DeviceError, match="not valid TOML"):
        load_device(bad)


def test_hall_display_says_what_is_wrong_with_the_device_file(tmp_path):
    from click.testing import CliRunner

    from queue_server.cli import cli

    bad = tmp_path / "display.toml"
    bad.write_text('[device]\nname = "display-09"\nkind = "display"\n[server]\nurl = "http://127.0.0.1:8000"\n'
                   '[display]\norientation = "sideways"\n')
    result = CliRunner().invoke(cli, ["display", "--device", str(bad)])
    assert result.exit_code == 1
    assert f'{bad}: display.orientation must be "landscape" or "portrait"' in result.output
    result = CliRunner().invoke(cli, ["display", "--device", str(tmp_path / "missing.toml")])
    assert result.exit_code == 1 and "copy config/devices/display-01.toml" in result.output
