"""The file and the database agree explicitly: export, apply (diff, versions, live event), drift at start-up."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import requests
from click.testing import CliRunner

from queue_server.app import create_app
from queue_server.cli import cli
from queue_server.config_export import from_toml, to_toml
from queue_server.errors import Conflict
from queue_server.hall import Hall
from queue_server.hall_config import load_config
from queue_server.ops import config_versions


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_export_apply_export_is_byte_stable(tmp_path):
    db, first, second = tmp_path / "hall.db", tmp_path / "a.toml", tmp_path / "b.toml"
    _run("config", "export", "--db", str(db), "--to", str(first))
    assert "no difference" in _run("config", "apply", "--db", str(db), str(first), "--yes")
    _run("config", "export", "--db", str(db), "--to", str(second))
    assert first.read_bytes() == second.read_bytes()

    edited = first.read_text(encoding="utf-8").replace("no_show_grace_s = 1800", "no_show_grace_s = 1200")
    first.write_text(edited, encoding="utf-8")
    shown = _run("config", "apply", "--db", str(db), str(first))
    assert "-no_show_grace_s = 1800\n+no_show_grace_s = 1200" in shown and "nothing applied" in shown
    assert "applied as version 2" in _run("config", "apply", "--db", str(db), str(first), "--yes")
    _run("config", "export", "--db", str(db), "--to", str(second))
    assert second.read_bytes() == first.read_bytes()
    assert "1 line(s) added, 1 removed" in _run("config", "versions", "--db", str(db))


def test_apply_stores_a_version_updates_windows_and_announces_it(tmp_path):
    app = create_app(db_path=tmp_path / "hall.db")
    hall = app.extensions["hall"]
    client = app.test_client()
    old = hall.config
    zone = old.zones[0]
    new = replace(old, zones=(replace(zone, name_en="Business registration"), *old.zones[1:]),
                  windows=(replace(old.windows[0], zones=(old.zones[1].code,)), *old.windows[1:]))
    result = config_versions.apply_config(hall, new, who="manager1", source="test")
    assert result["changed"] and result["version"] == 2
    assert '+name_en = "Business registration"' in result["diff"]

    row = config_versions.latest(hall.store.read())
    assert (row["who"], row["source"], row["diff"]) == ("manager1", "test", result["diff"])
    assert from_toml(row["document"]) == new
    event = hall.store.read().execute("SELECT kind, data FROM events ORDER BY id DESC LIMIT 1").fetchone()
    assert event[0] == "config_changed" and json.loads(event[1])["version"] == 2
    assert hall.broker.since(0)[-1].kind == "config_changed"

    info = client.get("/api/v1/hall").get_json()
    assert info["zones"][0]["name_en"] == "Business registration"
    first_window = next(w for w in info["windows"] if w["number"] == old.windows[0].number)
    assert first_window["zones"] == [old.zones[1].code]
    assert config_versions.apply_config(hall, new, who="manager1", source="test")["changed"] is False
    hall.close()


def test_a_bad_document_is_refused_naming_the_field(tmp_path):
    hall = Hall(config=load_config(), db_path=tmp_path / "hall.db")
    text = to_toml(hall.config).replace('prefix = "A"', 'prefix = "a"', 1)
    try:
        config_versions.apply_config(hall, text, who="x", source="test")
    except Exception as e:  # BadRequest
        assert "zones[0].prefix" in str(e)
    else:
        raise AssertionError("a bad document was applied")
    assert config_versions.latest_id(hall.store.read()) == 1
    hall.close()


def test_a_version_made_from_an_older_one_is_refused_rather_than_undoing_the_newer(tmp_path):
    hall = Hall(config=load_config(), db_path=tmp_path / "hall.db")
    base = config_versions.latest_id(hall.store.read())
    manager = replace(hall.config, rules=replace(hall.config.rules, no_show_grace_s=1200))
    assert config_versions.apply_config(hall, manager, who="boss", source="test")["version"] == base + 1
    city = replace(hall.config, matters=hall.config.matters[:1], bundles=())  # made from `base`, before the boss
    with pytest.raises(Conflict) as e:
        config_versions.apply_config(hall, city, who="city", source="catalogue", base_version=base)
    assert e.value.code == "config_moved"
    assert config_versions.latest_id(hall.store.read()) == base + 1
    hall.close()


def test_a_running_server_takes_a_version_applied_from_the_cli(tmp_path):
    db = tmp_path / "hall.db"
    app = create_app(db_path=db)
    client = app.test_client()
    exported = tmp_path / "hall.toml"
    _run("config", "export", "--db", str(db), "--to", str(exported))
    exported.write_text(exported.read_text(encoding="utf-8").replace(
        "name_en = \"Lixia District Government Service Centre, Jinan\"", "name_en = \"Lixia Service Centre\""),
        encoding="utf-8")
    _run("config", "apply", "--db", str(db), str(exported), "--yes")
    assert client.get("/api/v1/hall").get_json()["name_en"] == "Lixia Service Centre"
    hall = app.extensions["hall"]
    assert hall.config_version == 2 and hall.broker.since(0)[-1].kind == "config_changed"
    hall.close()


def test_starting_with_a_file_that_differs_says_so_and_which_command(tmp_path):
    db = tmp_path / "hall.db"
    Hall(config=load_config(), db_path=db).close()
    edited = replace(load_config(), name_en="Edited in the file")
    hall = Hall(config=edited, db_path=db, on_config_drift="report")
    assert hall.config == load_config()  # the database's version serves, not silently the file
    assert hall.config_drift is not None and '+name_en = "Edited in the file"' in hall.config_drift.diff
    message = hall.config_drift.message("config/hall.toml")
    assert "hall config apply config/hall.toml" in message and "hall config export" in message
    hall.close()


def test_a_configuration_given_on_purpose_is_stored_as_a_version(tmp_path):
    db = tmp_path / "hall.db"
    Hall(config=load_config(), db_path=db).close()
    hall = Hall(config=replace(load_config(), name_en="Given"), db_path=db)
    assert hall.config.name_en == "Given" and hall.config_drift is None
    assert config_versions.latest(hall.store.read())["who"] == "start-up"
    hall.close()


def test_hall_server_started_with_a_differing_file_says_so_and_serves_the_database(tmp_path):
    from queue_server.testing.server_process import SAMPLE_CONFIG, ServerProcess

    db = tmp_path / "hall.db"
    Hall(config=load_config(), db_path=db).close()
    edited = tmp_path / "hall.toml"
    edited.write_text(SAMPLE_CONFIG.read_text(encoding="utf-8").replace(
        'name_en = "Lixia District Government Service Centre, Jinan"', 'name_en = "Edited"'), encoding="utf-8")

    with ServerProcess(db, config=edited, apply_config=False) as proc:
        assert requests.get(proc.url + "/api/v1/hall", timeout=10).json()["name_en"] != "Edited"
    log = proc.log_path.read_text(encoding="utf-8")
    assert f"hall config apply {edited}" in log and "differs from the database" in log
