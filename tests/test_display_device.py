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


@pytest.mark.parametrize(("data", "words"), [
    ({"display": {"server": "127.0.0.1:8000"}}, "server must be"),
    ({"display": {"zones": "A"}}, "zones must be"),
    ({"display": {"windows": [0]}}, "windows must be"),
    ({"display": {"orientation": "sideways"}}, "orientation"),
    ({"voice": {"repeat": 9}}, "repeat must be 1 to 5"),
    ({"display": {"notice": "blink"}}, "notice must be"),
    ({"voice": {"enabled": "yes"}}, "enabled must be true or false"),
])
def test_bad_settings_say_what_to_write(data, words):
    with pytest.raises(DeviceError, match=words):
        parse_device(data)


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
    bad.write_text('[display]\norientation = "sideways"\n')
    result = CliRunner().invoke(cli, ["display", "--device", str(bad)])
    assert result.exit_code == 1
    assert 'orientation must be "landscape" or "portrait"' in result.output
    result = CliRunner().invoke(cli, ["display", "--device", str(tmp_path / "missing.toml")])
    assert result.exit_code == 1 and "copy config/devices/display-01.toml" in result.output
