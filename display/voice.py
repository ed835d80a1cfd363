"""The board's voice: the hardware speech adapter set up from the device file (or none)."""

from __future__ import annotations

from display.device import DisplayDevice


def make_announcer(device: DisplayDevice, sink=None, render_audio: bool = True):
    """An `hardware.announcer.Announcer` for this board, or None for a silent board."""
    if not device.voice:
        return None
    from hardware.announcer import Announcer, AplaySink

    return Announcer(sink=sink if sink is not None else AplaySink(device.audio_device), repeat=device.repeat,
                     with_chime=device.chime, render_audio=render_audio)
