"""`hall ship` (the hall's shipper) and `hall epoch` (the log epoch, renewed at every restore)."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
from pathlib import Path

import click

from queue_server.hall_config import DEFAULT_CONFIG
from queue_server.settings import device_setting

DEFAULT_DB = str(Path("var") / "hall.db")


@click.command("ship")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, exists=True), default=DEFAULT_DB, show_default=True)
@click.option("--central", "central_url", required=True, help="The central service's URL (http:// or https://).")
@click.option("--token", default=lambda: device_setting("HALL_CENTRAL_TOKEN") or "",
              help="The hall's token (hall central add-hall); default $HALL_CENTRAL_TOKEN.")
@click.option("--batch", type=click.IntRange(1, 10_000), default=2000, show_default=True, help="Events per request.")
@click.option("--poll", type=float, default=0.5, show_default=True, help="Seconds between looks for new events.")
@click.option("--max-backoff", type=float, default=30.0, show_default=True,
              help="Longest wait between retries while the centre is unreachable (seconds).")
@click.option("--nice", type=click.IntRange(0, 19), default=10, show_default=True,
              help="CPU niceness added to the shipper, so the hall's server keeps the CPU while a backlog drains.")
@click.option("--until-idle", is_flag=True, help="Exit once the centre has every event (for scripts and tests).")
def ship(db_path: str, central_url: str, token: str, batch: int, poll: float, max_backoff: float, nice: int,
         until_idle: bool) -> None:
    """Send the hall's events to the central service, for ever (reads the database, never writes events)."""
    from queue_server.shipping.shipper import Shipper

    if not token:
        raise click.ClickException("give --token (or set HALL_CENTRAL_TOKEN)")
    os.nice(nice)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s shipper %(levelname)s %(message)s")
    shipper = Shipper(db_path, central_url, token, batch=batch, poll_s=poll, max_backoff_s=max_backoff)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: shipper.stop_event.set())
    try:
        code = shipper.run(until_idle=until_idle)
    finally:
        shipper.close()
    if code:
        raise SystemExit(code)


@click.group("epoch")
def epoch() -> None:
    """The hall's log epoch: events ship keyed (hall, epoch, id)."""


@epoch.command("show")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, exists=True), default=DEFAULT_DB, show_default=True)
def epoch_show(db_path: str) -> None:
    """Print the hall code, the epoch and the epoch it forked from."""
    from queue_server.shipping.epoch import read_meta

    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        meta = read_meta(conn)
    finally:
        conn.close()
    for k, v in sorted(meta.items()):
        if k != "zones":
            click.echo(f"{k}\t{v}")


@epoch.command("renew")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, exists=True), default=DEFAULT_DB, show_default=True)
def epoch_renew(db_path: str) -> None:
    """Start a new log epoch: run it after restoring the database from a backup, before the server starts."""
    from queue_server.shipping.epoch import renew_epoch

    meta = renew_epoch(db_path)
    click.echo(f"new epoch {meta['epoch']} (forked from {meta['parent_epoch']} at event {meta['fork_id']})")


@click.group("catalogue")
def catalogue() -> None:
    """The city's matter catalogue in this hall."""


@catalogue.command("pull")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, exists=True), default=DEFAULT_DB, show_default=True)
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True),
              default=str(DEFAULT_CONFIG), show_default=True, help="Hall configuration (TOML).")
@click.option("--central", "central_url", required=True, help="The central service's URL (http:// or https://).")
@click.option("--token", default=lambda: device_setting("HALL_CENTRAL_TOKEN") or "",
              help="The hall's token (hall central add-hall); default $HALL_CENTRAL_TOKEN.")
@click.option("--poll", type=float, default=60.0, show_default=True, help="Seconds between polls of the centre.")
@click.option("--once", is_flag=True, help="Poll once and exit (1 when the centre cannot be asked).")
@click.option("--again", is_flag=True,
              help="Take the current version again, e.g. after adding a zone whose matters were left out.")
def catalogue_pull(db_path: str, config_path: str, central_url: str, token: str, poll: float, once: bool,
                   again: bool) -> None:
    """Take the city's catalogue into the hall's configuration whenever a new version is published (for ever).

    Matters, their materials and bundles are replaced; the hall's zones, windows, hours and rules stay. A running
    server takes each version into use at once. While the centre is unreachable nothing changes.
    """
    from queue_server.cli import open_hall
    from queue_server.shipping.catalogue_pull import CataloguePuller

    if not token:
        raise click.ClickException("give --token (or set HALL_CENTRAL_TOKEN)")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s catalogue %(levelname)s %(message)s")
    hall = open_hall(config_path, db_path)
    puller = CataloguePuller(hall, central_url, token, poll_s=poll)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: puller.stop_event.set())
    try:
        code = puller.run(once=once, again=again)
    finally:
        puller.close()
        hall.close()
    if code:
        raise SystemExit(code)


COMMANDS = (ship, epoch, catalogue)
