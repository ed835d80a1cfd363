"""The pickup key file: created 0600 on first use, rotated and retired with `hall keys`, never shown."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from queue_server.cli import cli
from queue_server.codes.keyfile import KeyFileError, KeyStore, key_path_for

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def test_created_private_and_reloaded_after_rotation(tmp_path):
    path = key_path_for(tmp_path / "hall.db")
    assert path.name == "hall.keys.json"
    store = KeyStore(path, NOW)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert store.ring().signing_key.id == 1
    runner = CliRunner()
    r = runner.invoke(cli, ["keys", "rotate", "--db", str(tmp_path / "hall.db")])
    assert r.exit_code == 0 and "key 2" in r.output
    assert store.ring().signing_key.id == 2  # the running store sees the new file
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    r = runner.invoke(cli, ["keys", "retire", "1", "--db", str(tmp_path / "hall.db")])
    assert r.exit_code == 0
    assert [k.retired for k in store.ring().keys] == [True, False]
    r = runner.invoke(cli, ["keys", "list", "--db", str(tmp_path / "hall.db")])
    secrets = [k["secret"] for k in json.loads(path.read_text())["keys"]]
    assert "key 1" in r.output and "retired" in r.output and not any(s in r.output for s in secrets)
    r = runner.invoke(cli, ["keys", "retire", "2", "--db", str(tmp_path / "hall.db")])
    assert r.exit_code != 0 and "only active key" in r.output
    r = runner.invoke(cli, ["keys", "retire", "9", "--db", str(tmp_path / "hall.db")])
    assert r.exit_code != 0 and "no key 9" in r.output


def test_widened_permissions_are_narrowed(tmp_path):
    path = key_path_for(tmp_path / "hall.db")
    KeyStore(path, NOW)
    path.chmod(0o644)
    KeyStore(path, NOW)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_damaged_file_says_what_to_do(tmp_path):
    path = key_path_for(tmp_path / "hall.db")
    path.write_text("{not json")
    with pytest.raises(KeyFileError) as e:
        KeyStore(path, NOW)
    assert "restore it from the backup" in str(e.value)


def test_list_before_first_start(tmp_path):
    r = CliRunner().invoke(cli, ["keys", "list", "--db", str(tmp_path / "hall.db")])
    assert r.exit_code != 0 and "created when the server first starts" in r.output
