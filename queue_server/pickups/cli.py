"""`hall keys list|rotate|retire`: the signing keys of pickup and appointment codes (<db>.keys.json).

A running server picks the change up by itself (it watches the file). Rotate regularly; retire an
old key once every notice printed with it has been collected or reprinted (typed codes never depend
on the signing key, so a retired key only stops QR codes).
"""

from __future__ import annotations

from pathlib import Path

import click

DEFAULT_DB = Path("var") / "hall.db"


def _db_option(f):
    return click.option("--db", "db_path", type=click.Path(dir_okay=False), default=str(DEFAULT_DB),
                        show_default=True, help="SQLite database file of the hall (the key file sits beside it).")(f)


@click.group()
def keys() -> None:
    """Signing keys of pickup and appointment codes."""


@keys.command("list")
@_db_option
def keys_list(db_path: str) -> None:
    """Show the keys (never their secrets)."""
    from queue_server.codes.keyfile import KeyFileError, describe, key_path_for

    path = key_path_for(db_path)
    if not path.exists():
        raise click.ClickException(f"{path} does not exist yet; it is created when the server first starts")
    try:
        for k in describe(path):
            state = f"retired {k['retired_at']}" if k.get("retired_at") else "active"
            click.echo(f"key {k['id']}: created {k['created_at']}, {state}")
    except KeyFileError as e:
        raise click.ClickException(str(e)) from None


@keys.command("rotate")
@_db_option
def keys_rotate(db_path: str) -> None:
    """Add a new signing key; codes signed with older keys keep working until those are retired."""
    from queue_server.clock import system_clock
    from queue_server.codes.keyfile import KeyFileError, key_path_for, rotate

    try:
        new_id = rotate(key_path_for(db_path), system_clock())
    except KeyFileError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"key {new_id} now signs new codes")


@keys.command("retire")
@_db_option
@click.argument("key_id", type=int)
def keys_retire(db_path: str, key_id: int) -> None:
    """Withdraw KEY_ID: QR codes signed with it stop working (typed codes still work)."""
    from queue_server.clock import system_clock
    from queue_server.codes.keyfile import KeyFileError, key_path_for, retire

    try:
        retire(key_path_for(db_path), key_id, system_clock())
    except KeyFileError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"key {key_id} retired")


COMMANDS = [keys]
