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
from queue_server.serving import green
from queue_server.settings import (
    HTTP_BODY_GRACE_S,
    HTTP_BODY_MIN_RATE_BPS,
    HTTP_HEAD_TIMEOUT_S,
    HTTP_IDLE_TIMEOUT_S,
    SSE_MAX_STREAMS,
    SSE_MAX_STREAMS_PER_CLIENT,
)
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
@click.option("--threads", default=600, show_default=True, type=int,
              help="Unused since the server runs on gevent (a greenlet per connection); kept for old scripts.")
@click.option("--max-streams-per-client", type=int, default=SSE_MAX_STREAMS_PER_CLIENT.default, show_default=True,
              help=SSE_MAX_STREAMS_PER_CLIENT.help)
@click.option("--max-streams", type=int, default=SSE_MAX_STREAMS.default, show_default=True, help=SSE_MAX_STREAMS.help)
@click.option("--head-timeout", type=float, default=HTTP_HEAD_TIMEOUT_S.default, show_default=True,
              help=HTTP_HEAD_TIMEOUT_S.help)
@click.option("--idle-timeout", type=float, default=HTTP_IDLE_TIMEOUT_S.default, show_default=True,
              help=HTTP_IDLE_TIMEOUT_S.help)
@click.option("--body-min-rate", type=float, default=HTTP_BODY_MIN_RATE_BPS.default, show_default=True,
              help=HTTP_BODY_MIN_RATE_BPS.help)
@click.option("--body-grace", type=float, default=HTTP_BODY_GRACE_S.default, show_default=True,
              help=HTTP_BODY_GRACE_S.help)
def server(config_path: str, db_path: str, host: str, port: int, threads: int, max_streams_per_client: int,
           max_streams: int, head_timeout: float, idle_timeout: float, body_min_rate: float, body_grace: float) -> None:
    """Run the queue server (gevent WSGI server: a greenlet per connection, deadlines on slow clients)."""
    from queue_server.app import DatabaseMissing, create_app, refuse_a_vanished_database
    from queue_server.codes.keyfile import key_path_for
    from queue_server.serving.serve import serve
    from queue_server.settings import server_settings

    settings = {"HALL_CONFIG_PATH": config_path, SSE_MAX_STREAMS_PER_CLIENT.name: max_streams_per_client,
                SSE_MAX_STREAMS.name: max_streams,
                HTTP_HEAD_TIMEOUT_S.name: head_timeout, HTTP_IDLE_TIMEOUT_S.name: idle_timeout,
                HTTP_BODY_MIN_RATE_BPS.name: body_min_rate, HTTP_BODY_GRACE_S.name: body_grace}
    try:
        # Checked before the process is patched for gevent, so a refusal leaves nothing half started.
        refuse_a_vanished_database(db_path, server_settings(settings)["PICKUP_KEY_FILE"] or key_path_for(db_path))
        green.patch_process()  # a no-op after the `hall` entry; `python -m queue_server.cli` gets it here
        app = create_app(config=_config(config_path), db_path=db_path, settings=settings, locker=hall_locker())
    except DatabaseMissing as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"queue server on http://{host}:{port}/  (database {db_path})", err=True)
    serve(app, host=host, port=port)


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


def _read_password() -> str:
    """A password from the terminal (asked twice, not shown) or the first line of standard input."""
    if sys.stdin.isatty():
        return click.prompt("password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\n")


def _account_action(config_path: str, db_path: str, action: Callable) -> object:
    """Run `action(hall)`; a HallError becomes a plain message and exit status 1."""
    from queue_server.errors import HallError

    hall = open_hall(config_path, db_path)
    try:
        return action(hall)
    except HallError as e:
        raise click.ClickException(e.message) from None
    finally:
        hall.close()


@users.command("add")
@hall_options
@click.argument("name")
@click.option("--role", type=click.Choice(["staff", "manager"]), required=True)
def users_add(config_path: str, db_path: str, name: str, role: str) -> None:
    """Add or reset an account; the password is read from standard input."""
    from queue_server.ops import accounts

    password = _read_password()
    _account_action(config_path, db_path, lambda hall: accounts.add_user(hall, name, password, role))
    click.echo(f"{role} {name} saved")


@users.command("list")
@hall_options
def users_list(config_path: str, db_path: str) -> None:
    """Every account: role, state (disabled, locked after wrong passwords) and open sessions."""
    from queue_server.ops import accounts

    rows = _account_action(config_path, db_path, accounts.list_users)
    for r in rows:
        state = "disabled" if r["disabled_at"] else "active"
        if r["locked_for_s"]:
            state += f", locked {r['locked_for_s']} s"
        elif r["failures"]:
            state += f", {r['failures']} wrong password(s)"
        click.echo(f"{r['username']}\t{r['role']}\t{state}\t{r['sessions']} session(s)")


@users.command("passwd")
@hall_options
@click.argument("name")
def users_passwd(config_path: str, db_path: str, name: str) -> None:
    """Set a new password (read from standard input); every session of the user ends."""
    from queue_server.ops import accounts

    password = _read_password()
    ended = _account_action(config_path, db_path, lambda hall: accounts.set_password(hall, name, password))
    click.echo(f"password of {name} changed; {ended} session(s) ended")


@users.command("disable")
@hall_options
@click.argument("name")
def users_disable(config_path: str, db_path: str, name: str) -> None:
    """Stop an account from signing in; every session of the user ends at once."""
    from queue_server.ops import accounts

    ended = _account_action(config_path, db_path, lambda hall: accounts.set_disabled(hall, name, True))
    click.echo(f"{name} disabled; {ended} session(s) ended")


@users.command("enable")
@hall_options
@click.argument("name")
def users_enable(config_path: str, db_path: str, name: str) -> None:
    """Let a disabled account sign in again."""
    from queue_server.ops import accounts

    _account_action(config_path, db_path, lambda hall: accounts.set_disabled(hall, name, False))
    click.echo(f"{name} enabled")


@users.command("unlock")
@hall_options
@click.argument("name")
def users_unlock(config_path: str, db_path: str, name: str) -> None:
    """Lift the lock on a user name after repeated wrong passwords."""
    from queue_server.ops import login_lockouts

    was = _account_action(config_path, db_path, lambda hall: login_lockouts.unlock(hall, name))
    click.echo(f"{name} unlocked" if was else f"{name} was not locked")


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
    """Register a device and print its new token (shown once); a kiosk also gets a staff exit PIN."""
    from queue_server.errors import HallError
    from queue_server.ops import accounts

    hall = open_hall(config_path, db_path)
    try:
        click.echo(accounts.add_device(hall, name, kind, window))
    except HallError as e:
        raise click.ClickException(e.message) from None
    finally:
        hall.close()
    if kind == "kiosk":
        _echo_new_pin()


def _echo_new_pin() -> None:
    """A new staff exit PIN for a kiosk: shown once; only its hash goes into the device file."""
    from kiosk.staff_pin import hash_pin, new_pin

    pin = new_pin()
    click.echo(f"staff exit PIN (shown only now; give it to the hall's staff): {pin}")
    click.echo("put this line under [staff] in the kiosk's device file:")
    click.echo(f'exit_pin_hash = "{hash_pin(pin)}"')


@devices.command("pin")
def devices_pin() -> None:
    """Make a new staff exit PIN for a kiosk: prints the PIN once and the hash line for its device file."""
    _echo_new_pin()


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
    green.patch_process()
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
