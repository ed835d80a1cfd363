"""The kiosk's font: Noto Sans CJK SC, found and registered by the shared helper (hardware/cjk_fonts.py)."""

from __future__ import annotations

from hardware.cjk_fonts import register_kivy

FONT_NAME = "KioskCJK"


def register_fonts() -> str:
    """Register the kiosk font with Kivy; returns its name for `font_name`."""
    return register_kivy(FONT_NAME)
