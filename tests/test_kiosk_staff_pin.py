"""The kiosk's staff exit PIN: made by `hall devices add … --kind kiosk` (or `hall devices pin`), shown once,
only its salted hash in the device file; five wrong PINs lock the keypad for a growing time."""

from __future__ import annotations

import re

from click.testing import CliRunner

from kiosk.device_config import parse_device
from kiosk.staff_pin import PinLock, hash_pin, is_pin_hash, lock_seconds, verify_pin
from queue_server.cli import cli


def test_hash_verifies_only_its_pin_and_differs_each_time():
    a, b = hash_pin("493027", iterations=1000), hash_pin("493027", iterations=1000)
    assert a != b and is_pin_hash(a)
    assert verify_pin("493027", a) and not verify_pin("493028", a) and not verify_pin("", a)
    assert not verify_pin("493027", "2580") and not is_pin_hash("") and not is_pin_hash("pbkdf2_sha256$x$y$z")


def test_lock_grows_from_thirty_seconds_to_a_cap():
    assert [lock_seconds(n) for n in range(1, 8)] == [0, 0, 0, 0, 30, 60, 120]
    assert lock_seconds(50) == 15 * 60


def test_a_pin_typed_while_locked_is_not_even_checked():
    now = [0.0]
    lock = PinLock(hash_pin("1234", iterations=1000), lambda: now[0])
    for _ in range(5):
        assert not lock.try_pin("0000")
    assert lock.locked_for() == 30 and not lock.try_pin("1234") and lock.wrong == 5
    now[0] = 29.5
    assert lock.locked_for() == 1
    now[0] = 30.0
    assert lock.try_pin("1234") and lock.wrong == 0


def test_adding_a_kiosk_prints_its_pin_once_and_a_hash_for_the_device_file(tmp_path):
    result = CliRunner().invoke(cli, ["devices", "add", "kiosk-07", "--kind", "kiosk", "--db", str(tmp_path / "h.db")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines[0]) >= 40  # the device token comes first, as before
    pin = re.search(r"staff exit PIN .*: (\d{6})$", result.output, re.M).group(1)
    line = next(x for x in lines if x.startswith("exit_pin_hash = "))
    pin_hash = line.split('"')[1]
    assert pin not in line and verify_pin(pin, pin_hash)
    device = parse_device({"device": {"name": "kiosk-09", "kind": "kiosk"}, "server": {"url": "http://x", "token": "t"},
                           "staff": {"exit_pin_hash": pin_hash}})
    assert device.staff_pin_hash == pin_hash
    display = CliRunner().invoke(cli, ["devices", "add", "d-1", "--kind", "display", "--db", str(tmp_path / "h.db")])
    assert display.exit_code == 0 and "PIN" not in display.output


def test_a_new_pin_for_a_kiosk():
    result = CliRunner().invoke(cli, ["devices", "pin"])
    pin = re.search(r"PIN .*: (\d{6})", result.output).group(1)
    assert result.exit_code == 0 and verify_pin(pin, result.output.split('exit_pin_hash = "')[1].split('"')[0])
