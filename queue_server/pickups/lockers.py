"""The locker the server opens doors with: setting LOCKER (a spec or an object), else $HALL_LOCKER, else none.

A spec is "serial:/dev/ttyUSB0[:BAUD]" (hardware.locker) or "none". A wrong spec stops start-up with
the reason; the serial port itself opens on the first door (and reopens after an error).
"""

from __future__ import annotations

import os

from flask import Flask


def install(app: Flask) -> None:
    setting = app.config.get("LOCKER", os.environ.get("HALL_LOCKER") or None)
    if isinstance(setting, str):
        from hardware.locker import open_locker

        setting = open_locker(setting)
    app.extensions["pickup_locker"] = setting or None


def current(app: Flask) -> object | None:
    return app.extensions.get("pickup_locker")
