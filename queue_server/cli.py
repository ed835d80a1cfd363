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
from queue_server import logs
from queue_server.central import cli as central_cli
from queue_server.hall_config import DEFAULT_CONFIG, ConfigError, load_config
from queue_server.ops import config_versions
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
from queue_server.shipping import cli as shipping_cli
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

    return Hall(config=_config(config_path), db_path=db_path, on_config_drift="report")


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
    from queue_server.storage import server_lock

    try:
        # One server per database, and `hall restore` waits for none: held until this process ends.
        lock = server_lock.hold(db_path)  # kept open for the life of the process
    except server_lock.DatabaseInUse as e:
        raise click.ClickException(str(e)) from None
    try:
        # Checked before the process is patched for gevent, so a refusal leaves nothing half started.
        refuse_a_vanished_database(db_path, server_settings(settings)["PICKUP_KEY_FILE"] or key_path_for(db_path))
        green.patch_process()  # a no-op after the `hall` entry; `python -m queue_server.cli` gets it here
        logs.configure(server_settings(settings)["HALL_LOG_FORMAT"], _config(config_path).code)
        app = create_app(config=_config(config_path), db_path=db_path, settings=settings, locker=hall_locker(),
                         on_config_drift="report")
    except DatabaseMissing as e:
        lock.close()
        raise click.ClickException(str(e)) from None
    except BaseException:
        lock.close()
        raise
    drift = app.extensions["hall"].config_drift
    if drift:
        click.echo(drift.message(config_path), err=True)
        click.echo(config_versions.summarise(drift.diff), err=True)
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


@cli.group("config")
def config_group() -> None:
    """The hall configuration: the database holds the live one, versioned; files go in and out explicitly."""


@config_group.command("export")
@hall_options
@click.option("--to", "to_path", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (default: standard output).")
def config_export(config_path: str, db_path: str, to_path: str | None) -> None:
    """Write the live configuration as TOML (what `hall config apply` reads back, byte for byte)."""
    from queue_server.config_export import to_toml

    hall = open_hall(config_path, db_path)
    try:
        text = to_toml(hall.config)
    finally:
        hall.close()
    if to_path:
        Path(to_path).write_text(text, encoding="utf-8")
        click.echo(f"configuration written to {to_path}", err=True)
    else:
        click.echo(text, nl=False)


@config_group.command("apply")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), default=str(DEFAULT_DB), show_default=True,
              help="SQLite database file of the hall.")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option("--yes", is_flag=True, help="Apply it (without: only show the difference).")
@click.option("--who", default=lambda: os.environ.get("USER") or "cli", help="Who applies it (kept in the history).")
def config_apply(db_path: str, file: str, yes: bool, who: str) -> None:
    """Show how FILE differs from the live configuration; with --yes, apply it as a new version.

    A running server takes the new version into use on its next request and tells kiosks, boards and consoles.
    """
    from queue_server.errors import HallError

    new = _config(file)
    hall = open_hall(file, db_path)
    try:
        text = config_versions.preview(hall, new)
        if not text:
            click.echo(f"no difference: {file} is the live configuration (version {hall.config_version})")
            return
        click.echo(text, nl=not text.endswith("\n"))
        click.echo(config_versions.summarise(text))
        if not yes:
            click.echo(f"nothing applied; run `hall config apply {file} --yes` to apply it")
            return
        try:
            result = config_versions.apply_config(hall, new, who=who, source=f"file {file}")
        except HallError as e:
            raise click.ClickException(e.message) from None
        click.echo(f"applied as version {result['version']}")
    finally:
        hall.close()


@config_group.command("versions")
@hall_options
def config_history(config_path: str, db_path: str) -> None:
    """The configuration's versions, newest first: when, who, from where, what changed."""
    hall = open_hall(config_path, db_path)
    try:
        rows = config_versions.versions(hall.store.read())
    finally:
        hall.close()
    for r in rows:
        click.echo(f"{r['id']}\t{r['at']}\t{r['who']}\t{r['source']}\t{r['summary']}")


@cli.group()
def users() -> None:
    """Staff, manager and back-office accounts."""


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
@click.option("--role", type=click.Choice(["staff", "manager", "backoffice"]), required=True)
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


@cli.command()
@click.option("--db", "db_path", type=click.Path(dir_okay=False), default=str(DEFAULT_DB), show_default=True,
              help="SQLite database file of the hall.")
@click.option("--to", "folder", type=click.Path(file_okay=False), required=True, help="Folder of the backups.")
@click.option("--keep", type=click.IntRange(min=1), default=14, show_default=True,
              help="Generations to keep (the oldest beyond go).")
def backup(db_path: str, folder: str, keep: int) -> None:
    """Back the database up while the server runs (SQLite online backup), verify it, keep N generations."""
    from queue_server.ops.backup import BackupError
    from queue_server.ops.backup import backup as take_backup

    try:
        path = take_backup(db_path, folder, keep=keep)
    except (BackupError, OSError) as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"backup written and checked: {path}")


@cli.command()
@click.option("--db", "db_path", type=click.Path(dir_okay=False), default=str(DEFAULT_DB), show_default=True,
              help="SQLite database file of the hall (replaced).")
@click.argument("source", type=click.Path(exists=True))
def restore(db_path: str, source: str) -> None:
    """Replace the database with a backup (a file, or the newest in a folder); refused while a server runs."""
    from queue_server.ops.backup import BackupError
    from queue_server.ops.backup import restore as restore_backup
    from queue_server.storage.server_lock import DatabaseInUse

    try:
        used = restore_backup(source, db_path)
    except (BackupError, DatabaseInUse, OSError) as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"restored {db_path} from {used}; start the server again (systemctl start hall-server)")


@cli.command()
@click.option("--root", type=click.Path(file_okay=False), default="/", show_default=True,
              help="Write under this root (a test folder, or an image being built).")
@click.option("--user", default="hall", show_default=True, help="System user the server and backups run as.")
@click.option("--kiosk-user", default="hall-kiosk", show_default=True, help="User the kiosk and display run as.")
@click.option("--hall-bin", default="/opt/hall/.venv/bin/hall", show_default=True,
              help="The `hall` command of the installed checkout.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--keep", default=14, show_default=True, type=int, help="Backup generations to keep.")
def install(root: str, user: str, kiosk_user: str, hall_bin: str, port: int, keep: int) -> None:
    """Write the systemd units (server, daily backup timer, kiosk and wall display under cage), the users
    (sysusers.d) and folders (tmpfiles.d); prints every path it wrote and what to run next."""
    from queue_server.ops.install import Layout, write_units

    layout = Layout(user=user, kiosk_user=kiosk_user, hall_bin=hall_bin, port=port, keep=keep)
    for path in write_units(Path(root), layout):
        click.echo(f"wrote {path}")
    click.echo(layout.next_steps(root))


@cli.group()
def devices() -> None:
    """Kiosks, displays, call-next buttons and back-office devices."""


@devices.command("add")
@hall_options
@click.argument("name")
@click.option("--kind", type=click.Choice(["kiosk", "display", "button", "backoffice", "pad"]), required=True)
@click.option("--window", type=int, default=None,
              help="The window a button box or rating pad belongs to (or a kiosk stands near).")
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
@click.option("--city", is_flag=True,
              help="Three sample halls with their shippers and the central service on a private PostgreSQL "
                   "(--port is the central service's; the halls take free ports).")
def demo(config_path: str, db_path: str, host: str, port: int, no_screens: bool, city: bool) -> None:
    """Set up the sample hall with demo accounts and devices, run the server (and screens)."""
    if city:
        from queue_server.central.demo import run_city_demo

        run_city_demo(config_path=config_path, folder=Path(db_path).resolve().parent / "demo-city", port=port)
        return
    green.patch_process()
    from queue_server.demo import run_demo

    run_demo(config_path=config_path, db_path=db_path, host=host, port=port,
             screens=not no_screens and bool(os.environ.get("DISPLAY")))


# The subcommands of the devices, the simulator and the code keys.
for _command in (*hardware_cli.COMMANDS, *kiosk_cli.COMMANDS, *display_cli.COMMANDS, *simulator_cli.COMMANDS,
                 *keys_cli.COMMANDS, *central_cli.COMMANDS, *shipping_cli.COMMANDS):
    cli.add_command(_command)

def main() -> None:
    cli()


if __name__ == "__main__":
    main()
