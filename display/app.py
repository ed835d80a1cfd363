"""The wall board app (thin): wires the event follower, the presenter, the screen and the voice.

Import order matters for Kivy: call `configure_window()` before this module's App runs, and
set KIVY_NO_ARGS=1 before anything imports kivy (display/cli.py does both).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import DEFAULT_FONT
from kivy.lang import Builder

from display.device import DisplayDevice
from display.presenter import BoardPresenter, Outcome
from hardware.cjk_fonts import register_kivy
from queue_server.core.board_layout import ZONE_PAGE_S

log = logging.getLogger(__name__)
KV = Path(__file__).with_name("board_screen.kv")


def configure_window(size: tuple[int, int], fullscreen: bool) -> None:
    """Window size and full-screen mode; must run before the Kivy window is created."""
    from kivy.config import Config

    Config.set("graphics", "width", str(size[0]))
    Config.set("graphics", "height", str(size[1]))
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("graphics", "borderless", "1")
    Config.set("graphics", "position", "custom")
    Config.set("graphics", "left", "0")
    Config.set("graphics", "top", "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")


def register_fonts() -> None:
    """Noto Sans CJK SC for every label (Kivy's Roboto has no Chinese): the SC face, as on the kiosk."""
    register_kivy(DEFAULT_FONT)


class BoardApp(App):
    title = "叫号屏 Call board"

    def __init__(self, device: DisplayDevice, client, announcer=None, **kwargs):
        super().__init__(**kwargs)
        self.device = device
        self.client = client
        self.announcer = announcer
        self.presenter = BoardPresenter(zones=list(device.zones) or None, windows=list(device.windows) or None,
                                        history=device.history, flash_s=device.flash_s)
        self.follower = None
        self.screen = None
        self._tz = ZoneInfo("Asia/Shanghai")  # until the first snapshot names the hall's
        self._resyncing = False
        self.resyncs = 0  # snapshots folded in: one per (re)connect or gap, never one per event (tests read it)

    # ---- lifecycle ----
    def build(self):
        from kivy.core.window import Window

        from display.board_screen import BoardScreen

        register_fonts()
        Builder.load_file(str(KV))
        self.screen = BoardScreen(history=self.device.history, portrait=self.device.portrait, name="board",
                                  notice_paged=self.device.notice == "page")
        Window.bind(size=self._on_window_size)
        self._on_window_size(Window, Window.size)
        self._render()
        Clock.schedule_interval(self._tick, 0.25)
        Clock.schedule_interval(self.screen.next_zone_page, ZONE_PAGE_S)  # zones that do not fit rotate
        self.follower = self.client.follow(self._event_from_thread, self._resync_from_thread, self._status_from_thread,
                                           zones=list(self.device.zones) or None,
                                           windows=list(self.device.windows) or None)
        return self.screen

    def on_stop(self):
        if self.follower is not None:
            self.follower.stop()
        if self.announcer is not None:
            self.announcer.close(timeout=2)

    def _on_window_size(self, _window, size) -> None:
        self.screen.portrait = size[1] > size[0]

    # ---- from the follower's thread to the UI thread ----
    def _event_from_thread(self, event) -> None:
        Clock.schedule_once(lambda _dt: self.on_event(event.id, event.kind, event.data))

    def _resync_from_thread(self, snapshot: dict) -> None:
        Clock.schedule_once(lambda _dt: self.on_resync(snapshot))

    def _status_from_thread(self, up: bool) -> None:
        Clock.schedule_once(lambda _dt: self.on_status(up))

    # ---- on the UI thread ----
    def on_event(self, event_id: int, kind: str, data: dict) -> None:
        self._handle(self.presenter.apply(event_id, kind, data, now=time.monotonic()))

    def on_resync(self, snapshot: dict) -> None:
        """A whole snapshot: from the follower when the stream (re)opens, or after a gap in it."""
        self.resyncs += 1
        self._handle(self.presenter.resync(snapshot, now=time.monotonic()))

    def on_status(self, up: bool) -> None:
        if self.presenter.set_online(up):
            self._render()

    def _handle(self, outcome: Outcome) -> None:
        for call in outcome.announce:
            self._speak(call.number, call.window)
        if outcome.changed or outcome.announce:
            self._render()
        if outcome.refresh:  # a gap in the stream: read a snapshot off the UI thread
            self._start_resync()

    def _start_resync(self) -> None:
        if self._resyncing:
            return
        self._resyncing = True
        threading.Thread(target=self._fetch_snapshot, name="board-resync", daemon=True).start()

    def _fetch_snapshot(self) -> None:
        from hall_client.client import ApiError

        try:
            snapshot = self.client.board(list(self.device.zones) or None, list(self.device.windows) or None)
        except ApiError as e:  # the follower resyncs by itself when the stream comes back
            log.info("board resync failed: %s", e.message)
            snapshot = None
        finally:
            self._resyncing = False
        if snapshot is not None:
            Clock.schedule_once(lambda _dt: self.on_resync(snapshot))

    def _speak(self, number: str, window) -> None:
        if self.announcer is None or window is None:
            return
        try:
            self.announcer.announce(number, window)
        except ValueError as e:  # an odd ticket number must not stop the board
            log.warning("not announced: %s", e)

    def _render(self) -> None:
        view = self.presenter.view(time.monotonic())
        if view.timezone != getattr(self._tz, "key", None):
            try:
                self._tz = ZoneInfo(view.timezone)
            except (ValueError, KeyError):  # an unknown name keeps the last good zone
                log.warning("unknown hall time zone %r", view.timezone)
        self.screen.show(view)

    def _tick(self, _dt: float) -> None:
        now = time.monotonic()
        left = self.presenter.flash_left(now)
        blink = left > 0 and int(left * 2) % 2 == 0
        self.screen.tick(datetime.now(self._tz), blink)  # the hall's time, whatever the device is set to
