"""Three halls ship their event logs to one central service on a real PostgreSQL, through outages and kills."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest

from queue_server.central import accounts
from queue_server.central.db import connect
from queue_server.central.schema import migrate
from queue_server.testing.central_process import CentralProcess, ShipperProcess
from queue_server.testing.server_process import ROOT, ServerProcess
from tests.support.api import Api
from tests.support.city import central_log, hall_config, local_log, traffic, wait_for
from tests.support.postgres import pg_cluster  # noqa: F401  (the fixture)

HALLS = (("370102-001", "历下区政务服务大厅", "历下区"), ("370102-002", "历下区东部分厅", "历下区"),
         ("370103-001", "市中区政务服务大厅", "市中区"))


@pytest.fixture(scope="module")
def city(pg_cluster, tmp_path_factory, seeded_template):  # noqa: F811
    folder = tmp_path_factory.mktemp("city")
    dsn = pg_cluster.create_database("city_link")
    with connect(dsn) as conn:
        migrate(conn)
        tokens = {code: accounts.add_hall(conn, code, name, region) for code, name, region in HALLS}
    # The centre dies right after its 4th committed batch, before answering (HALL_CENTRAL_FAULT).
    central = CentralProcess(dsn, folder / "central.log")
    halls = {}
    for code, _, _ in HALLS:
        db = folder / f"{code}.db"
        shutil.copy(seeded_template[0], db)
        halls[code] = {"db": db, "server": ServerProcess(db, config=hall_config(folder, code)),
                       "shipper": ShipperProcess(db, central.url, tokens[code], batch=7, poll_s=0.1,
                                                 max_backoff_s=1.0)}
    try:
        with ThreadPoolExecutor(4) as pool:  # the processes start side by side: most of a start is waiting
            started = [pool.submit(central.start, env={"HALL_CENTRAL_FAULT": "exit_after_commit:4"}),
                       *(pool.submit(h["server"].start) for h in halls.values())]
            for f in started:
                f.result()
        for h in halls.values():
            h["shipper"].start()
        yield {"dsn": dsn, "central": central, "halls": halls, "seeded": seeded_template[1], "folder": folder}
    finally:
        for h in halls.values():
            h["shipper"].stop()
            h["server"].stop()
        central.stop()


def all_shipped(city) -> bool:
    for h in city["halls"].values():
        epoch, _, last = local_log(h["db"])
        if central_log(city["dsn"], _code(city, h), epoch)[3] != last:
            return False
    return True


def _code(city, hall) -> str:
    return next(code for code, h in city["halls"].items() if h is hall)


def test_every_event_arrives_once_through_a_crash_an_outage_and_a_killed_shipper(city):
    central, seeded = city["central"], city["seeded"]
    for h in city["halls"].values():
        traffic(h["server"].url, seeded, tickets=12, served=4)
    # The centre crashes after a commit it never answered: the shippers must ask for the mark, not lose or double.
    assert central.proc.wait(timeout=120) == 3
    central.proc = None
    # ... and stays down for a while: the halls keep serving, their logs grow.
    for h in city["halls"].values():
        traffic(h["server"].url, seeded, tickets=15, served=5, window=2)
    # The first hall's shipper is killed with SIGKILL mid-batch: the centre has committed its batch, the shipper
    # has not taken the answer in (it hangs there by HALL_SHIPPER_FAULT), with more of the backlog to send.
    first = city["halls"][HALLS[0][0]]
    first["shipper"].stop()
    central.start(env={"HALL_CENTRAL_FAULT": ""})
    first["shipper"].start(env={"HALL_SHIPPER_FAULT": "hang_after_post:2"})
    wait_for(lambda: "hanging after batch 2" in first["shipper"].log_path.read_text(), "the shipper mid-batch")
    epoch, _, last = local_log(first["db"])
    assert 0 < central_log(city["dsn"], HALLS[0][0], epoch)[3] < last
    first["shipper"].stop(kill=True)
    for h in city["halls"].values():
        traffic(h["server"].url, seeded, tickets=5, served=3, window=3)
    first["shipper"].start()
    central.stop()  # and a plain stop and start, while the halls keep working
    for h in city["halls"].values():
        traffic(h["server"].url, seeded, tickets=3, served=1, window=4)
    central.start()
    wait_for(lambda: all_shipped(city), "every hall's events at the centre")
    for code, h in city["halls"].items():
        epoch, count, last = local_log(h["db"])
        central_count, distinct, central_last, mark = central_log(city["dsn"], code, epoch)
        assert (central_count, distinct, central_last, mark) == (count, count, last, last), code
        assert count > 60
    with psycopg.connect(city["dsn"]) as conn:
        issued = dict(conn.execute("SELECT hall, count(*) FROM city_events WHERE kind = 'issued' GROUP BY hall"))
    assert issued == {code: 35 for code, _, _ in HALLS}


def _hall_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "queue_server", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env=env)


def test_a_hall_restored_from_an_older_backup_gets_a_new_epoch_and_loses_nothing(city):
    code = HALLS[2][0]
    h = city["halls"][code]
    dsn, seeded = city["dsn"], city["seeded"]
    backup = city["folder"] / "backup.db"
    with sqlite3.connect(h["db"]) as live, sqlite3.connect(backup) as copy:
        live.backup(copy)
    old_epoch, _, backup_last = local_log(backup)
    traffic(h["server"].url, seeded, tickets=6, served=2, window=6)  # after the backup: shipped, then lost locally
    wait_for(lambda: all_shipped(city), "the events after the backup at the centre")
    _, _, old_last = local_log(h["db"])
    h["shipper"].stop()
    h["server"].stop()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{h['db']}{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, h["db"])
    # Restored without a new epoch: the centre holds more of this epoch than the hall, so the shipper stops
    # and raises an alert instead of shipping (its events would reuse ids the centre has).
    assert h["shipper"].start().wait(timeout=120) == 2
    with sqlite3.connect(h["db"]) as conn:
        alerts = conn.execute("SELECT kind, source FROM alerts WHERE resolved_at IS NULL").fetchall()
    assert ("shipping_stopped", "shipper") in alerts
    renewed = _hall_cli("epoch", "renew", "--db", str(h["db"]))
    assert renewed.returncode == 0, renewed.stderr
    new_epoch, _, _ = local_log(h["db"])
    assert new_epoch != old_epoch
    h["server"].start()
    manager = Api.login(h["server"].url, *seeded.manager)
    shown = [a for a in manager.ok("GET", "/api/v1/supervision/live")["alerts"] if a["kind"] == "shipping_stopped"]
    assert shown and shown[0]["level"] == "red" and "hall epoch renew" in shown[0]["zh"]  # on the dashboard
    h["shipper"].start()
    traffic(h["server"].url, seeded, tickets=4, served=1, window=7)
    wait_for(lambda: all_shipped(city), "the restored hall's new epoch at the centre")
    _, count, last = local_log(h["db"])
    assert central_log(dsn, code, new_epoch)[:3] == (count, count, last)
    assert central_log(dsn, code, old_epoch)[2] == old_last  # the events the restore lost locally are kept
    with psycopg.connect(dsn) as conn:
        seen = conn.execute("SELECT count(*), count(DISTINCT (epoch, id)) FROM city_events WHERE hall = %s",
                            [code]).fetchone()
        halls = conn.execute("SELECT epoch FROM halls WHERE code = %s", [code]).fetchone()
    # each real event once: the shared prefix (up to the backup) once, the lost tail once, the new events once
    assert seen == (old_last + (last - backup_last),) * 2
    assert halls == (new_epoch,)
