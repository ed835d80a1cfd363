"""Storage faults answer 503 storage_unavailable (with Retry-After), show on the dashboard and in /health, and
pass by themselves; reads do not wait behind a locked writer; a database deleted under the running server stops
it for good and is never recreated empty."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from queue_server.app import DatabaseMissing, create_app
from queue_server.cli import cli
from queue_server.storage import database
from queue_server.storage.health import fault_kind
from tests.support.db_lock import locked_by_another_process
from tests.support.pickup_helpers import make_hallway


def take(hw, who: str = "kiosk-01"):
    return hw.post("/api/v1/tickets", who, {"zone": "commerce"})


def assert_unavailable(r, kind: str) -> dict:
    body = r.get_json()
    assert r.status_code == 503, body
    assert body["error"] == "storage_unavailable" and body["kind"] == kind
    zh, en = body["message"].split(" / ")
    assert zh and en and not zh.isascii() and en.isascii()
    return body


def storage_alerts(hw) -> list[dict]:
    r = hw.get("/api/v1/supervision/live", "manager")
    assert r.status_code == 200, r.get_json()
    return [a for a in r.get_json()["alerts"] if a["kind"] == "storage_fault"]


def test_a_database_locked_by_another_process_is_a_503_an_alert_and_then_recovers(tmp_path, monkeypatch):
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 1000)
    hw = make_hallway(tmp_path)
    ticket = take(hw).get_json()
    with locked_by_another_process(hw.db_path):
        r = take(hw)
        assert_unavailable(r, "locked")
        assert int(r.headers["Retry-After"]) > 0
        assert_unavailable(take(hw), "locked")
        assert hw.get(f"/api/v1/tickets/{ticket['id']}", "kiosk-01").status_code == 200  # reads go on
        health = hw.client.get("/api/v1/health")
        assert health.status_code == 503
        assert health.get_json()["storage"] | {"since": None} == {
            "state": "fault", "kind": "locked", "since": None, "failures": 3,
            "message": health.get_json()["storage"]["message"]}
        alerts = storage_alerts(hw)
        assert [a["fault"] for a in alerts] == ["locked"] and alerts[0]["level"] == "red"
    health = hw.client.get("/api/v1/health")
    assert health.status_code == 200 and health.get_json()["storage"]["state"] == "ok"
    assert storage_alerts(hw) == []
    assert take(hw).status_code == 201
    # The outage stays on the dashboard, to be resolved by the manager.
    alerts = hw.get("/api/v1/supervision/live", "manager").get_json()["alerts"]
    passed = [a for a in alerts if a["kind"] == "storage_recovered"]
    assert len(passed) == 1 and passed[0]["id"] and "recovered about" in passed[0]["en"]
    assert "数据库被其他程序占用" in passed[0]["zh"] and "locked" not in passed[0]["zh"]


def test_a_read_answers_while_the_writer_waits_for_a_lock(tmp_path, monkeypatch):
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 120_000)  # the writer would wait two minutes
    hw = make_hallway(tmp_path)
    ticket = take(hw).get_json()
    answers = {}

    def write() -> None:
        answers["write"] = hw.app.test_client().post("/api/v1/tickets", json={"zone": "commerce"},
                                                     headers=hw.h("kiosk-01")).status_code

    def read() -> None:  # a new thread: a new read connection
        answers["read"] = hw.app.test_client().get(f"/api/v1/tickets/{ticket['id']}",
                                                   headers=hw.h("kiosk-01")).status_code

    with locked_by_another_process(hw.db_path):
        writer = threading.Thread(target=write)
        writer.start()
        while not hw.hall.store._lock.locked():  # the writer is waiting inside its transaction
            time.sleep(0.01)
        reader = threading.Thread(target=read)
        reader.start()
        reader.join()
        assert answers["read"] == 200 and writer.is_alive()
    writer.join()
    assert answers["write"] == 201


@pytest.mark.parametrize(("message", "kind"), [
    ("database is locked", "locked"), ("database table is locked", "locked"), ("disk I/O error", "io_error"),
    ("database or disk is full", "disk_full"), ("attempt to write a readonly database", "readonly"),
    ("unable to open database file", "cannot_open"), ("no such table: tickets", None),
    ("near \"SELEC\": syntax error", None),
])
def test_which_sqlite_errors_are_storage_faults(message, kind):
    assert fault_kind(message) == kind


def test_readers_wait_about_a_second_at_most():
    assert database.READ_BUSY_TIMEOUT_MS <= 1000


def test_a_deleted_database_stops_the_server_and_is_not_recreated(tmp_path):
    hw = make_hallway(tmp_path)
    ticket = take(hw).get_json()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{hw.db_path}{suffix}").unlink(missing_ok=True)
    r = take(hw)
    assert_unavailable(r, "gone")
    assert "Retry-After" not in r.headers
    assert_unavailable(hw.get(f"/api/v1/tickets/{ticket['id']}", "kiosk-01"), "gone")
    health = hw.client.get("/api/v1/health")
    assert health.status_code == 503 and health.get_json()["storage"]["state"] == "lost"
    assert not hw.db_path.exists()
    hw.db_path.write_bytes(b"")  # someone puts another file there: still lost, never used
    assert_unavailable(take(hw), "gone")
    hw.db_path.unlink()
    with pytest.raises(DatabaseMissing):
        create_app(db_path=hw.db_path)
    assert not hw.db_path.exists()


def test_a_replaced_database_is_refused(tmp_path):
    hw = make_hallway(tmp_path)
    other = tmp_path / "other.db"
    other.write_bytes(hw.db_path.read_bytes())
    os.replace(other, hw.db_path)
    assert_unavailable(take(hw), "replaced")


def test_hall_server_refuses_a_missing_database_of_a_hall_that_ran_but_creates_a_first_one(tmp_path):
    first = tmp_path / "new" / "hall.db"
    create_app(db_path=first).extensions["hall"].close()
    assert first.exists()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{first}{suffix}").unlink(missing_ok=True)
    result = CliRunner().invoke(cli, ["server", "--db", str(first), "--port", "9"])
    assert result.exit_code != 0
    assert "backup" in result.output and "不存在" in result.output
    assert not first.exists()


def test_a_full_disk_is_a_503_and_recovers_when_there_is_room(tmp_path):
    hw = make_hallway(tmp_path)
    writer = hw.hall.store._write_conn
    pages = writer.execute("PRAGMA page_count").fetchone()[0]
    writer.execute(f"PRAGMA max_page_count = {pages}")  # SQLITE_FULL as soon as the file must grow
    for _ in range(2000):
        r = take(hw)
        if r.status_code != 201:
            break
    assert_unavailable(r, "disk_full")
    assert hw.client.get("/api/v1/health").get_json()["storage"]["kind"] == "disk_full"
    assert [a["fault"] for a in storage_alerts(hw)] == ["disk_full"]
    writer.execute("PRAGMA max_page_count = 1073741823")
    assert take(hw).status_code == 201
    assert hw.client.get("/api/v1/health").status_code == 200
    assert storage_alerts(hw) == []


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_write_ahead_log_deleted_or_replaced_under_the_server_stops_it(tmp_path, how):
    """The -wal file holds commits not yet in the main file: without it (or with another one) they would be
    lost at the next start, so the server stops writing and says so, as for the main file."""
    hw = make_hallway(tmp_path)
    take(hw)
    wal = Path(f"{hw.db_path}-wal")
    assert wal.exists()
    if how == "deleted":
        wal.unlink()
    else:
        copy = tmp_path / "copy-wal"
        copy.write_bytes(wal.read_bytes())
        os.replace(copy, wal)
    kind = "gone" if how == "deleted" else "replaced"
    body = assert_unavailable(take(hw), kind)
    assert "restore" in body["message"]
    health = hw.client.get("/api/v1/health")
    assert health.status_code == 503 and health.get_json()["storage"]["state"] == "lost"
    assert_unavailable(take(hw), kind)  # for good, not just once
