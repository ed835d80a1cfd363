"""`hall kiosk`: registered on the hall command, and a wrong device file stops it with a plain message."""

from __future__ import annotations

from click.testing import CliRunner

from queue_server.cli import cli


def test_hall_kiosk_is_a_command():
    result = CliRunner().invoke(cli, ["kiosk", "--help"])
    assert result.exit_code == 0 and "--device" in result.output


def test_a_wrong_device_file_says_what_to_fix(tmp_path):
    bad = tmp_path / "kiosk.toml"
    bad.write_text('[device]\nname = "kiosk-01"\nkind = "kiosk"\n[server]\nurl = "http://127.0.0.1:8000"\ntoken = "t"\n'
                   '[staff]\nexit_pin = "12"\n')
    result = CliRunner().invoke(cli, ["kiosk", "--device", str(bad)])
    assert result.exit_code == 1
    assert "staff.exit_pin (a PIN in plain text) is not read any more" in result.output
    assert "`hall devices pin`" in result.output
    assert "Traceback" not in result.output
