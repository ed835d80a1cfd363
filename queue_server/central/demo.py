"""`hall demo --city`: three sample halls (each its own server, demo staff and shipper) and the central service
on a private PostgreSQL, all on this machine; prints the addresses and runs until Ctrl+C. Everything lives in
var/demo-city/ (made afresh at each run) and a temporary PostgreSQL cluster removed at the end."""

from __future__ import annotations

import dataclasses
import shutil
import signal
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click

from queue_server.catalogue import Catalogue, to_toml
from queue_server.central import accounts, catalogue
from queue_server.central.db import connect
from queue_server.central.schema import migrate
from queue_server.demo import DEMO_PASSWORD, MANAGER, DemoActivity, prepare
from queue_server.hall_config import load_config
from queue_server.shipping.epoch import own_identity
from queue_server.testing.central_process import (
    CataloguePullProcess,
    CentralProcess,
    ShipperProcess,
    config_with_code,
)
from queue_server.testing.postgres import PgCluster
from queue_server.testing.server_process import ServerProcess, free_port

CITY_HALLS = (("370102-001", "历下区政务服务中心", "历下区"), ("370102-002", "历下区东部分中心", "历下区"),
              ("370103-001", "市中区政务服务中心", "市中区"))
CITY_USER, REGION_USER = "city", "lixia"


def run_city_demo(*, config_path: str, folder: Path, port: int, stop: threading.Event | None = None) -> None:
    stop = stop or threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    # Each run starts afresh, as its PostgreSQL is a new temporary cluster: the halls' old logs would not match it.
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    running: list = []
    cluster = PgCluster(fast=True)
    try:
        cluster.start()
        dsn = cluster.create_database("city")
        with connect(dsn) as conn:
            migrate(conn)
            tokens = {code: accounts.add_hall(conn, code, name, region) for code, name, region in CITY_HALLS}
            for name, role, region in ((CITY_USER, "city", None), (REGION_USER, "hall-manager", "历下区")):
                accounts.add_user(conn, name, role, region, DEMO_PASSWORD)
            sample = load_config(config_path)  # the city's catalogue v1: the sample hall's matters and bundles
            catalogue.publish(conn, to_toml(Catalogue(sample.materials, sample.matters, sample.bundles)), "demo")
        central = CentralProcess(dsn, folder / "central.log", port=port)
        running.append(central)
        with ThreadPoolExecutor(4) as pool:  # the processes start side by side: most of their start is waiting
            central_up = pool.submit(central.start)
            halls = [_hall(folder, Path(config_path), n, code, name) for n, (code, name, _) in enumerate(CITY_HALLS)]
            running += [h["server"] for h in halls]
            for started in [central_up, *(pool.submit(h["server"].start) for h in halls)]:
                started.result()
        lines = ["", "  全市大厅 city demo is running (Ctrl+C stops it)",
                 f"  全市监察 City pages     {central.url}/city/   {CITY_USER} (every hall) or {REGION_USER}"
                 f" (历下区 only) / {DEMO_PASSWORD}"]
        for n, ((code, name, _), h) in enumerate(zip(CITY_HALLS, halls, strict=True)):
            DemoActivity(h["config"], h["url"], halls[0]["kiosk"], seed=n + 1).start()
            running.append(ShipperProcess(h["db"], central.url, tokens[code], poll_s=0.5).start())
            running.append(CataloguePullProcess(h["db"], h["config_file"], central.url, tokens[code],
                                                poll_s=10).start())
            lines.append(f"  {name} {code}: {h['url']}/dashboard  {MANAGER} / {DEMO_PASSWORD}")
        click.echo("\n".join(lines) + "\n", err=True)
        stop.wait()
    finally:
        for proc in reversed(running):
            proc.stop()
        cluster.stop()


def _hall(folder: Path, config_path: Path, n: int, code: str, name: str) -> dict:
    """One demo hall's folder, configuration and database; the first hall's is the others' template."""
    hall_dir = folder / code
    hall_dir.mkdir(exist_ok=True)
    config_file = config_with_code(config_path, hall_dir, code)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    config = load_config(config_file)
    config = dataclasses.replace(config, public=dataclasses.replace(config.public, base_url=url))
    db = hall_dir / "hall.db"
    kiosk = None
    if n == 0:
        _, device_tokens = prepare(config, str(db), hall_dir / "devices", url)
        kiosk = device_tokens["kiosk"]
    else:  # the first hall's accounts and devices (hashing the passwords again takes long), an epoch of its own
        shutil.copy(folder / CITY_HALLS[0][0] / "hall.db", db)
        conn = sqlite3.connect(db)
        own_identity(conn)
        conn.close()
    return {"config": config, "config_file": config_file, "url": url, "db": db, "kiosk": kiosk,
            "server": ServerProcess(db, config=config_file, port=port)}
