"""The thin Kivy App: wires the presenter to the screens, the server, the printer and the camera.

Import this only after `kiosk.launch.prepare_kivy()` has set the window up.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

from kivy.app import App
from kivy.base import ExceptionHandler, ExceptionManager
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.floatlayout import FloatLayout

from hall_client.client import HallClient
from hardware.keyboard_wedge import KeyboardWedgeBuffer
from kiosk.camera import KioskCamera
from kiosk.device_config import KioskConfig
from kiosk.fonts import register_fonts
from kiosk.presenter import SCREENS, KioskPresenter
from kiosk.printing import printer_from_spec
from kiosk.runner import ThreadRunner

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
LARGE_TEXT = 1.3
KEY_ESCAPE, KEY_ENTER, KEY_KP_ENTER = 27, 13, 271


class KeepRunning(ExceptionHandler):
    """A bug in a screen must not drop the citizen into a desktop: log it, go home, carry on."""

    def __init__(self, app: KioskApp) -> None:
        super().__init__()
        self.app = app

    def handle_exception(self, inst: BaseException) -> int:
        if isinstance(inst, KeyboardInterrupt | SystemExit):
            return ExceptionManager.RAISE
        log.exception("kiosk error (kept running)", exc_info=inst)
        self.app.errors.append(f"{type(inst).__name__}: {inst}")
        try:
            self.app.presenter.go_home()
        except Exception:
            log.exception("cannot go home after an error")
        return ExceptionManager.PASS


class ScreenHost(FloatLayout):
    """Shows one screen at a time, switching at once: no transition that a quick tap could catch mid-way."""

    current = StringProperty("")
    current_screen = ObjectProperty(None, allownone=True)

    def show(self, screen) -> None:
        if self.current_screen is not None:
            self.remove_widget(self.current_screen)
        self.add_widget(screen, index=len(self.children))  # below the toast
        self.current_screen = screen
        self.current = screen.name


class KioskApp(App):
    lang = StringProperty("zh")
    large = BooleanProperty(False)
    u = NumericProperty(1.0)  # design pixels (1080 on the short side) to screen pixels
    fs = NumericProperty(1.0)  # text scale: u, times LARGE_TEXT in large-text mode
    font = StringProperty("Roboto")
    portrait = BooleanProperty(True)
    ready = BooleanProperty(False)
    hall_zh = StringProperty("")
    hall_en = StringProperty("")
    notice_zh = StringProperty("")
    notice_en = StringProperty("")
    presenter = ObjectProperty(None, allownone=True)

    def __init__(self, device: KioskConfig, client: HallClient | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.device = device
        self.client = client or HallClient(device.server_url, device.token)
        self.title = "Kiosk"
        self.follower = None
        self.wedge = KeyboardWedgeBuffer()
        self._screens: dict[str, object] = {}
        self.errors: list[str] = []

    # ---- start and stop ------------------------------------------------------------------------
    def build(self):
        from kivy.core.window import Window

        ExceptionManager.add_handler(KeepRunning(self))
        self.font = register_fonts()
        Builder.load_file(str(HERE / "widgets.kv"))
        self.runner = ThreadRunner(lambda fn: Clock.schedule_once(lambda _dt: fn()))
        try:
            printer = printer_from_spec(self.device.printer, self.device.paper_mm)
        except Exception as error:  # a bad printer spec: run without printing, show tickets on screen
            log.error("printer %s: %s", self.device.printer, error)
            printer = None
        # The camera calls back on its own thread; the presenter hears it on the UI thread.
        camera = KioskCamera(
            self.device.camera,
            on_code=lambda code: Clock.schedule_once(lambda _dt: self.presenter.code_scanned(code)),
            on_ok=lambda ok: Clock.schedule_once(lambda _dt: self.presenter.camera_status(ok)))
        self.presenter = p = KioskPresenter(self.device, self.client, printer, self.runner, camera=camera)
        p.on_exit = self.stop
        self._sync_trigger = Clock.create_trigger(self.sync, -1)
        p.changed = self._sync_trigger
        self.sm = ScreenHost()
        from kiosk.widgets import Toast

        self.sm.add_widget(Toast())
        Window.bind(on_resize=self._resized, on_key_down=self._key_down, on_request_close=self._close_asked)
        Window.bind(on_touch_down=self._touch_down)
        self._resized(Window, *Window.size)
        Clock.schedule_interval(lambda _dt: p.tick(), 1.0)
        Clock.schedule_interval(self._poll_wedge, 0.1)
        self.follower = self.client.follow(
            on_event=lambda ev: Clock.schedule_once(lambda _dt: p.hall_event(ev.kind), 0.2),
            on_resync=lambda board: Clock.schedule_once(lambda _dt: p.set_board(board)),
            on_status=lambda up: Clock.schedule_once(lambda _dt: p.server_status(up)))
        p.start()
        self.sync()
        return self.sm

    def on_stop(self) -> None:
        if self.follower is not None:
            self.follower.stop()
        if self.presenter is not None:
            self.presenter.camera_off()
        self.runner.shutdown()

    # ---- presenter → screen ----------------------------------------------------------------------
    def sync(self, *_args) -> None:
        p = self.presenter
        self.lang = p.lang
        self.large = p.large
        self.fs = self.u * (LARGE_TEXT if p.large else 1.0)
        self.hall_zh, self.hall_en = p.hall_name
        self.ready = p.ready
        self.notice_zh, self.notice_en = p.notice or ("", "")
        screen = self.screen(p.screen)
        if self.sm.current != p.screen:
            previous = self._screens.get(self.sm.current)
            if previous is not None:
                previous.on_hidden(p)
            self.sm.show(screen)
            screen.on_shown(p)
        screen.refresh(p)

    def screen(self, name: str):
        """The screen called `name`, built (and its .kv loaded) the first time it is needed."""
        if name not in SCREENS:
            raise KeyError(name)
        if name not in self._screens:
            Builder.load_file(str(HERE / "screens" / f"{name}.kv"))
            module = importlib.import_module(f"kiosk.screens.{name}")
            cls = getattr(module, f"{name.capitalize()}Screen")
            self._screens[name] = cls(name=name)
        return self._screens[name]

    # ---- window events ---------------------------------------------------------------------------
    def _resized(self, _window, width: int, height: int) -> None:
        self.portrait = width < height
        self.u = min(width, height) / 1080
        self.fs = self.u * (LARGE_TEXT if self.large else 1.0)

    def _touch_down(self, _window, _touch) -> bool:
        # Every touch restarts the idle timer; a touch on the idle board only wakes the kiosk.
        return self.presenter.touched()

    def _key_down(self, _window, key: int, _scancode: int, codepoint: str | None, _modifiers) -> bool:
        p = self.presenter
        p.touched()
        if key == KEY_ESCAPE:
            p.request_exit()
            return True
        if key in (KEY_ENTER, KEY_KP_ENTER):
            code = self.wedge.feed("enter")
        elif codepoint:
            code = self.wedge.feed(codepoint)
        else:
            return False
        if code and p.screen == "scan":
            p.code_scanned(code)
        return True

    def _poll_wedge(self, _dt: float) -> None:
        code = self.wedge.poll()
        if code and self.presenter.screen == "scan":
            self.presenter.code_scanned(code)

    def _close_asked(self, *_args) -> bool:
        self.presenter.request_exit()
        return True  # never close without the staff PIN
