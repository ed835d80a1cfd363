"""QR screen: live camera preview, plain instructions, the server's answer; keypad as a fallback.

USB scanners that type like a keyboard are handled by the app (they type on any screen; codes
are taken only here). The camera runs only while this screen is shown: the screen asks the
presenter, which owns it.
"""

from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty

from kiosk.presenter import KioskPresenter
from kiosk.screens.base import KioskScreen
from kiosk.texts import TEXT
from queue_server.core.signed_codes import CODE_LENGTH

# Typed pickup and appointment codes use digits and the letters of Crockford base32 (no I, L, O, U:
# the server reads those as 1 and 0), so the keypad offers exactly those, digits first (a case number and
# the ID's last 4, 办件查询, need digits and X only).
KEYS = [*"1234567890ABCDEFGHJKMNPQRSTVWXYZ", "delete", "ok"]


class ScanScreen(KioskScreen):
    camera_on = BooleanProperty(False)
    confirm_shown = BooleanProperty(False)  # a postal licence: "is this address right?" yes / no
    case_mode = BooleanProperty(False)  # 办件查询: a longer answer (the case's progress)

    def on_kv_post(self, base_widget) -> None:
        self.ids.keypad.keys = KEYS
        self._preview = None

    def on_shown(self, p: KioskPresenter) -> None:
        p.camera_on()
        self._preview = Clock.schedule_interval(self._show_frame, 1 / 12)

    def on_hidden(self, p: KioskPresenter) -> None:
        if self._preview is not None:
            self._preview.cancel()
            self._preview = None
        p.camera_off()

    def _show_frame(self, _dt: float) -> None:
        frame = App.get_running_app().presenter.camera_frame()
        if frame is None or frame.ndim != 3:
            return
        h, w = frame.shape[:2]
        image = self.ids.preview
        if image.texture is None or tuple(image.texture.size) != (w, h):
            image.texture = Texture.create(size=(w, h), colorfmt="rgb")
        # OpenCV gives BGR rows top-down; a Kivy texture wants RGB rows bottom-up.
        image.texture.blit_buffer(frame[::-1, :, ::-1].tobytes(), colorfmt="rgb", bufferfmt="ubyte")
        image.canvas.ask_update()

    def signature(self, p: KioskPresenter) -> object:
        r = p.scan_result
        return (p.scan_mode, p.camera_state, p.code_entry, p.scan_busy, p.post_pending,
                (r.code, r.ok, r.zh) if r else None)

    def redraw(self, p: KioskPresenter) -> None:
        ids = self.ids
        ids.title.zh, ids.title.en = TEXT[f"scan_{p.scan_mode}"]
        ids.camera.zh, ids.camera.en = p.scan.camera_words
        ids.keypad_hint.zh, ids.keypad_hint.en = p.scan.keypad_words
        missing = p.camera_state in ("missing", "none")
        ids.camera.color = (0.70, 0.11, 0.11, 1) if missing else (0.09, 0.42, 0.20, 1)
        self.camera_on = p.camera_state == "ok"
        self.confirm_shown = p.post_pending is not None
        self.case_mode = p.scan_mode == "case"
        ids.entry.text = p.code_entry or " "
        # A code has 9 characters; a case number and the ID's last 4 have no fixed length.
        ids.count.text = str(len(p.code_entry)) if p.scan_mode == "case" else f"{len(p.code_entry)} / {CODE_LENGTH}"
        result = p.scan_result
        if result is None:
            ids.result.zh, ids.result.en = TEXT["checking"] if p.scan_busy else ("", "")
            ids.result.color = (0.08, 0.10, 0.14, 1)
        elif p.post_pending is not None:  # a question to answer, not an outcome yet
            ids.result.zh, ids.result.en = result.zh, result.en
            ids.result.color = (0.08, 0.10, 0.14, 1)
        else:
            case = p.scan_mode == "case"
            found = "case_found" if case else "scan_ok"
            head = TEXT[found if result.ok else ("case_not_found" if case else "scan_failed")]
            ids.result.zh = f"{head[0]}：{result.zh}" if result.zh != head[0] else head[0]
            ids.result.en = f"{head[1]}: {result.en}" if result.en != head[1] else head[1]
            ids.result.color = (0.09, 0.42, 0.20, 1) if result.ok else (0.70, 0.11, 0.11, 1)
