"""`hall central ...`: the city's central service on PostgreSQL (init, serve, halls, users)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from queue_server.settings import device_setting

PG_HELP = "PostgreSQL connection string (libpq DSN or URL); default $HALL_CENTRAL_PG."


def pg_option(f):
    return click.option("--pg", "dsn", default=lambda: device_setting("HALL_CENTRAL_PG") or "", help=PG_HELP)(f)


def _connect(dsn: str):
    import psycopg

    from queue_server.central.db import connect

    if not dsn:
        raise click.ClickException("give --pg DSN (or set HALL_CENTRAL_PG)")
    try:
        return connect(dsn)
    except psycopg.Error as e:
        raise click.ClickException(f"cannot reach PostgreSQL: {e}") from None


@click.group()
def central() -> None:
    """The city's central service: every hall's event log on one PostgreSQL, and the city's pages."""


@central.command("init")
@pg_option
def init(dsn: str) -> None:
    """Create or migrate the central schema."""
    from queue_server.central.schema import migrate

    with _connect(dsn) as conn:
        applied = migrate(conn)
    click.echo(f"central schema ready ({', '.join(applied) or 'nothing to apply'})")


@central.command("serve")
@pg_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8100, show_default=True, type=int)
def serve(dsn: str, host: str, port: int) -> None:
    """Run the central service (gevent WSGI server)."""
    from queue_server.serving import green

    green.patch_process()
    from queue_server.central.serve import serve_central

    _connect(dsn).close()
    click.echo(f"central service on http://{host}:{port}/city/", err=True)
    serve_central(dsn, host, port)


@central.command("add-hall")
@pg_option
@click.argument("code")
@click.option("--name", required=True, help="The hall's name, as the city pages show it.")
@click.option("--region", required=True, help="The region (区县) the hall belongs to.")
def add_hall(dsn: str, code: str, name: str, region: str) -> None:
    """Register a hall (or give it a new token); prints the token its shipper uses (shown once)."""
    from queue_server.central import accounts

    with _connect(dsn) as conn:
        click.echo(accounts.add_hall(conn, code, name, region))


@central.group("users")
def users() -> None:
    """City users: city managers (every hall) and hall managers (the halls of their region)."""


@users.command("add")
@pg_option
@click.argument("name")
@click.option("--role", type=click.Choice(["city", "hall-manager"]), required=True)
@click.option("--region", default=None, help="The region a hall manager sees.")
def users_add(dsn: str, name: str, role: str, region: str | None) -> None:
    """Add or reset a city user; the password is read from standard input; prints their API token."""
    from queue_server.central import accounts

    password = (click.prompt("password", hide_input=True, confirmation_prompt=True) if sys.stdin.isatty()
                else sys.stdin.readline().rstrip("\n"))
    with _connect(dsn) as conn:
        try:
            click.echo(accounts.add_user(conn, name, role, region, password))
        except ValueError as e:
            raise click.ClickException(str(e)) from None


@central.group("catalogue")
def catalogue_group() -> None:
    """The city's matter catalogue (materials, 一次告知 matters, 一件事 bundles), published to every hall."""


@catalogue_group.command("publish")
@pg_option
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option("--who", default=lambda: os.environ.get("USER") or "cli",
              help="Who publishes it (kept with the version).")
def catalogue_publish(dsn: str, file: str, who: str) -> None:
    """Validate FILE (TOML: [materials], [[matters]], [[bundles]]) and publish it as the next version."""
    from queue_server.central import catalogue
    from queue_server.hall_config import ConfigError

    try:
        text = Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise click.ClickException(f"{file}: cannot read it: {e}") from None
    with _connect(dsn) as conn:
        try:
            version, new = catalogue.publish(conn, text, who)
        except ConfigError as e:
            raise click.ClickException(f"目录有误，未发布 / the catalogue is refused: {e}") from None
    click.echo(f"published as version {version}" if new else f"no change: version {version} is this catalogue")


@catalogue_group.command("versions")
@pg_option
def catalogue_versions(dsn: str) -> None:
    """The published versions, newest first: number, when, who, what it holds."""
    from queue_server.central import catalogue

    with _connect(dsn) as conn:
        for version, at, who, summary in catalogue.versions(conn):
            click.echo(f"{version}\t{at.isoformat(timespec='seconds')}\t{who}\t{summary}")


COMMANDS = (central,)
