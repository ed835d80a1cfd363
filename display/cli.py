"""`hall display`: run a wall board full-screen from its device file."""

from __future__ import annotations

import os

import click

from display.device import DEFAULT_DEVICE, DeviceError, load_device


@click.command()
@click.option("--device", "device_path", type=click.Path(dir_okay=False), default=str(DEFAULT_DEVICE),
              show_default=True, help="The board's device file (TOML): server, zones or windows, orientation, voice.")
@click.option("--server", default=None, help="Queue server address; overrides the device file.")
@click.option("--windowed", is_flag=True, help="A normal window instead of full-screen (for setting up).")
@click.option("--portrait", is_flag=True, help="Portrait layout whatever the device file says.")
@click.option("--silent", is_flag=True, help="No voice whatever the device file says.")
def display(device_path: str, server: str | None, windowed: bool, portrait: bool, silent: bool) -> None:
    """Wall board: the current call large, the last calls, waiting per zone; speaks every call."""
    import dataclasses

    try:
        device = load_device(device_path)
    except DeviceError as e:
        raise click.ClickException(str(e)) from None
    changes = {k: v for k, v in (("server", server), ("orientation", "portrait" if portrait else None),
                                 ("voice", False if silent else None)) if v is not None}
    device = dataclasses.replace(device, **changes)
    # Before Kivy is imported: it takes over sys.stderr for its own log.
    click.echo(f"wall board {device.name}: {device.server} ({device.orientation}, voice "
               f"{'on' if device.voice else 'off'})", err=True)
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    from display.app import configure_window

    configure_window(device.size, device.fullscreen and not windowed)
    from display.app import BoardApp
    from display.voice import make_announcer
    from hall_client.client import HallClient

    BoardApp(device, HallClient(device.server, device.token), make_announcer(device)).run()


COMMANDS = [display]
