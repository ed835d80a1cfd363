"""`hall kiosk [--device FILE]`: the touchscreen kiosk, full-screen (leaving it needs the staff PIN)."""

from __future__ import annotations

import click

from kiosk.device_config import DEFAULT_DEVICE, DeviceConfigError, load_device


@click.command()
@click.option("--device", "device_path", type=click.Path(dir_okay=False), default=str(DEFAULT_DEVICE),
              show_default=True, help="The kiosk's device file (server, token, printer, camera, screen).")
@click.option("--windowed", is_flag=True, help="Run in a window instead of full-screen (set-up and testing).")
def kiosk(device_path: str, windowed: bool) -> None:
    """Run the touchscreen kiosk: take a number, read the guide, scan QR codes, print tickets."""
    try:
        device = load_device(device_path)
    except DeviceConfigError as error:
        raise click.ClickException(str(error)) from None
    from kiosk.launch import run_kiosk

    run_kiosk(device, fullscreen=False if windowed else None)


COMMANDS = [kiosk]

if __name__ == "__main__":
    kiosk()
