"""Backups while the server issues tickets, restore (refused while a server runs), generations kept."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta

import pytest
import requests
from click.testing import CliRunner

from queue_server.cli import cli
from queue_server.ops.backup import BackupError, backup, generations, integrity, restore
from queue_server.storage.server_lock import DatabaseInUse, lock_path


def _issue_until(url: str, token: str, stop: threading.Event, acknowledged: list[tuple[int, int]],
                 errors: list[str]) -> None:
    """Take numbers until told to stop; each acknowledged one (201) is recorded with its order of arrival."""
    session = requests.Session()
    zones = ("public", "social", "economy")
    i = 0
    while not stop.is_set():
        r = session.post(f"{url}/api/v1/tickets", json={"zone": zones[i % 3]},
                         headers={"Authorization": f"Bearer {token}"}, timeout=30)
        i += 1
        if r.status_code != 201:
            errors.append(f"{r.status_code} {r.text[:200]}")
            return
        acknowledged.append(r.json()["id"])


def test_a_backup_taken_while_tickets_are_issued_restores_every_acknowledged_ticket(live_server, tmp_path):
    db = live_server.proc.db_path
    token = live_server.seeded.devices["kiosk-01"]
    stop = threading.Event()
    acknowledged: list[int] = []
    errors: list[str] = []
    threads = [threading.Thread(target=_issue_until, args=(live_server.url, token, stop, acknowledged, errors))
               for _ in range(4)]
    for t in threads:
        t.start()
    try:
        while len(acknowledged) < 40 and not errors:  # the server is busy issuing
            threading.Event().wait(0.01)
        before = set(acknowledged)  # acknowledged before the backup began
        path = backup(db, tmp_path / "backups", keep=3)
        during = len(acknowledged)
        while len(acknowledged) < during + 20 and not errors:  # it kept issuing after the backup
            threading.Event().wait(0.01)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors
    assert integrity(path) == "ok"

    restored = tmp_path / "restored" / "hall.db"
    restored.parent.mkdir()
    assert restore(path, restored) == path
    conn = sqlite3.connect(restored)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    ids = {r[0] for r in conn.execute("SELECT id FROM tickets")}
    conn.close()
    assert before <= ids, f"missing: {sorted(before - ids)[:10]}"
    assert len(before) >= 40
    assert (path.with_name(path.stem + ".keys.json")).exists() == (db.with_name(db.stem + ".keys.json")).exists()


def test_restore_is_refused_while_a_server_runs_on_the_database(live_server, tmp_path):
    db = live_server.proc.db_path
    path = backup(db, tmp_path / "backups")
    with pytest.raises(DatabaseInUse, match="in use by server"):
        restore(path, db)
    result = CliRunner().invoke(cli, ["restore", "--db", str(db), str(path)])
    assert result.exit_code == 1 and "stop it first" in result.output
    assert requests.get(live_server.url + "/api/v1/health", timeout=10).ok  # untouched
    live_server.proc.stop()
    assert restore(tmp_path / "backups", db) == path  # the newest in the folder, now that none runs
    assert integrity(db) == "ok" and lock_path(db).exists()


def test_a_second_server_on_the_same_database_is_refused(live_server):
    result = CliRunner().invoke(cli, ["server", "--db", str(live_server.proc.db_path), "--port", "1"])
    assert result.exit_code == 1 and "in use by server" in result.output


def test_backups_keep_n_generations_and_a_broken_backup_is_not_restored(tmp_path):
    from queue_server.hall import Hall
    from queue_server.hall_config import load_config

    db = tmp_path / "hall.db"
    Hall(config=load_config(), db_path=db).close()
    start = datetime(2026, 11, 23, tzinfo=UTC)
    for day in range(5):
        backup(db, tmp_path / "b", keep=3, now=start + timedelta(days=day))
    kept = generations(tmp_path / "b")
    assert [p.name for p in kept] == [f"hall-202611{d}T000000000000Z.db" for d in (25, 26, 27)]

    broken = tmp_path / "broken.db"
    data = bytearray(kept[-1].read_bytes())
    data[4096:8192] = b"\xff" * 4096  # a page overwritten
    broken.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="integrity"):
        restore(broken, tmp_path / "other.db")
    assert not (tmp_path / "other.db").exists()


def test_the_cli_backs_up_and_restores(tmp_path):
    from queue_server.hall import Hall
    from queue_server.hall_config import load_config

    db = tmp_path / "hall.db"
    Hall(config=load_config(), db_path=db).close()
    out = CliRunner().invoke(cli, ["backup", "--db", str(db), "--to", str(tmp_path / "b"), "--keep", "2"])
    assert out.exit_code == 0 and "backup written and checked" in out.output
    out = CliRunner().invoke(cli, ["restore", "--db", str(tmp_path / "new.db"), str(tmp_path / "b")])
    assert out.exit_code == 0 and "restored" in out.output


def test_a_restored_database_starts_a_new_log_epoch_forked_from_the_backup(tmp_path):
    import sqlite3

    from queue_server.hall import Hall
    from queue_server.hall_config import load_config
    from queue_server.ops.backup import backup, restore
    from queue_server.shipping.epoch import read_meta

    db = tmp_path / "hall.db"
    Hall(config=load_config(), db_path=db).close()
    with sqlite3.connect(db) as conn:
        before = read_meta(conn)
    written = backup(db, tmp_path / "b")
    restore(written, tmp_path / "new.db")
    with sqlite3.connect(tmp_path / "new.db") as conn:
        after = read_meta(conn)
    assert after["epoch"] != before["epoch"] and after["parent_epoch"] == before["epoch"]
