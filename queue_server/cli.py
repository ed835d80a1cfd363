"""The `hall` command: server, accounts, devices, and the subcommands of the other packages."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from display import cli as display_cli
from hardware import cli as hardware_cli
from kiosk import cli as kiosk_cli
from queue_server.hall_config import DEFAULT_CONFIG, ConfigError, load_config
from queue_server.pickups import cli as keys_cli
from simulator import cli as simulator_cli

DEFAULT_DB = Path("var") / "hall.db"


def hall_options(f: Callable) -> Callable:
    """--config and --db on every subcommand."""

    @click.option("--db", "db_path", type=click.Path(dir_okay=False), default=str(DEFAULT_DB), show_default=True,
                  help="SQLite database file of the hall.")
    @click.option("--config", "config_path", type=click.Path(dir_okay=False), default=str(DEFAULT_CONFIG),
                  show_default=True, help="Hall configuration (TOML).")
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        return f(*args, **kwargs)

    return wrapper


def open_hall(config_path: str, db_path: str):
    from queue_server.hall import Hall

    return Hall(config=_config(config_path), db_path=db_path)


def _config(config_path: str):
    try:
        return load_config(config_path)
    except ConfigError as e:
        raise click.ClickException(f"the hall configuration is wrong: {e}") from None


def hall_locker():
    """The pickup locker named by the LOCKER setting ($HALL_LOCKER), or None; a wrong spec stops start-up."""
    from hardware.locker import open_locker
    from queue_server.settings import server_settings

    try:
        return open_locker(server_settings()["LOCKER"])
    except ValueError as e:
        raise click.ClickException(str(e)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Service-hall kiosk and queue system (一窗受理). Run `hall COMMAND --help` for details."""


@cli.command()
@hall_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 for the LAN).")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--threads", default=600, show_default=True, type=int, help="Worker threads (one per open stream).")
def server(config_path: str, db_path: str, host: str, port: int, threads: int) -> None:
    """Run the queue server (production WSGI server, cheroot)."""
    from queue_server.app import DatabaseMissing, create_app
    from queue_server.serve import serve

    try:
        app = create_app(config=_config(config_path), db_path=db_path, settings={"HALL_CONFIG_PATH": config_path},
                         locker=hall_locker())
    except DatabaseMissing as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"queue server on http://{host}:{port}/  (database {db_path})", err=True)
    serve(app, host=host, port=port, threads=threads)


@cli.command("init-db")
@hall_options
def init_db(config_path: str, db_path: str) -> None:
    """Create or migrate the database for the hall."""
    open_hall(config_path, db_path).close()
    click.echo(f"database ready: {db_path}")


@cli.command("check-config")
@hall_options
def check_config(config_path: str, db_path: str) -> None:
    """Validate the hall configuration and summarise it."""
    cfg = _config(config_path)
    click.echo(f"{cfg.name_zh} / {cfg.name_en}: {len(cfg.zones)} zones, {len(cfg.windows)} windows, "
               f"{len(cfg.matters)} matters, {len(cfg.bundles)} bundles")


@cli.group()
def users() -> None:
    """Staff and manager accounts."""


@users.command("add")
@hall_options
@click.argument("name")
@click.option("--role", type=click.Choice(["staff", "manager"]), required=True)
def users_add(config_path: str, db_path: str, name: str, role: str) -> None:
    """Add or reset an account; the password is read from standard input."""
    from queue_server.errors import HallError
    from queue_server.ops import accounts

    if sys.stdin.isatty():
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    hall = open_hall(config_path, db_path)
    try:
        accounts.add_user(hall, name, password, role)
    except HallError as e:
        raise click.ClickException(e.message) from None
    finally:
        hall.close()
    click.echo(f"{role} {name} saved")


@cli.command()
@hall_options
@click.option("--days", type=click.IntRange(min=0), default=30, show_default=True,
              help="Purge what is older than this many days.")
def purge(config_path: str, db_path: str, days: int) -> None:
    """Remove personal data older than N days: ticket links, rating contacts, phone numbers for SMS."""
    from queue_server.ops.purge import purge as purge_hall

    hall = open_hall(config_path, db_path)
    try:
        counts = purge_hall(hall, days)
    finally:
        hall.close()
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))


@cli.group()
def devices() -> None:
    """Kiosks, displays, call-next buttons and back-office devices."""


@devices.command("add")
@hall_options
@click.argument("name")
@click.option("--kind", type=click.Choice(["kiosk", "display", "button", "backoffice", "pad"]), required=True)
@click.option("--window", type=int, default=None, help="The window a button box or rating pad belongs to.")
def devices_add(config_path: str, db_path: str, name: str, kind: str, window: int | None) -> None:
    """Register a device and print its new token (shown once)."""
    from queue_server.errors import HallError
    from queue_server.ops import accounts

    hall = open_hall(config_path, db_path)
    try:
        click.echo(accounts.add_device(hall, name, kind, window))
    except HallError as e:
        raise click.ClickException(e.message) from None
    finally:
        hall.close()


@devices.command("revoke")
@hall_options
@click.argument("name")
def devices_revoke(config_path: str, db_path: str, name: str) -> None:
    """Revoke a device's token."""
    from queue_server.ops import accounts

    hall = open_hall(config_path, db_path)
    accounts.revoke_device(hall, name)
    hall.close()
    click.echo(f"{name} revoked")


@cli.command()
@hall_options
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-screens", is_flag=True, help="Do not open the kiosk and wall display windows.")
def demo(config_path: str, db_path: str, host: str, port: int, no_screens: bool) -> None:
    """Set up the sample hall with demo accounts and devices, run the server (and screens)."""
    from queue_server.demo import run_demo

    run_demo(config_path=config_path, db_path=db_path, host=host, port=port,
             screens=not no_screens and bool(os.environ.get("DISPLAY")))


# The subcommands of the devices, the simulator and the code keys.
for _command in (*hardware_cli.COMMANDS, *kiosk_cli.COMMANDS, *display_cli.COMMANDS, *simulator_cli.COMMANDS,
                 *keys_cli.COMMANDS):
    cli.add_command(_command)

def main() -> None:
    cli()


if __name__ == "__main__":
    main()
