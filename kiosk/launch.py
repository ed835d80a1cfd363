"""Set Kivy up for the kiosk (window size, full-screen, no Esc exit) before any window exists."""

from __future__ import annotations

import os

from kiosk.device_config import KioskConfig
from queue_server.settings import device_setting


def prepare_kivy(device: KioskConfig, fullscreen: bool | None = None) -> None:
    """Call before importing kiosk.app: Kivy reads these settings when it opens the window."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    # SDL would turn SIGTERM into a window-close request, which the kiosk refuses without the staff
    # PIN; the service manager must still be able to stop it.
    os.environ.setdefault("SDL_NO_SIGNAL_HANDLERS", "1")
    from kivy.config import Config

    full = device.fullscreen if fullscreen is None else fullscreen
    width, height = device.size
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "log_level", device_setting("KIOSK_LOG_LEVEL"))
    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "fullscreen", "auto" if full else "0")
    Config.set("graphics", "borderless", "1" if full else "0")
    Config.set("graphics", "show_cursor", "0" if full else "1")
    Config.set("input", "mouse", "mouse,disable_multitouch")


def run_kiosk(device: KioskConfig, fullscreen: bool | None = None) -> None:
    prepare_kivy(device, fullscreen)
    from kiosk.app import KioskApp

    KioskApp(device).run()
