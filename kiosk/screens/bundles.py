"""One-thing services (一件事): choose a bundle; its guide shows one merged materials list."""

from __future__ import annotations

from kiosk.presenter import KioskPresenter
from kiosk.screens.base import KioskScreen, tile
from kiosk.texts import working_days
from kiosk.widgets import PURPLE


class BundlesScreen(KioskScreen):
    def signature(self, p: KioskPresenter) -> object:
        return tuple(b["code"] for b in p.bundles()), p.ready

    def redraw(self, p: KioskPresenter) -> None:
        from kivy.app import App

        app = App.get_running_app()
        items = self.ids.rows
        items.clear_widgets()
        for b in p.bundles():
            n = len(b.get("matters", []))
            days = b.get("promised_days", 0)
            sub_zh = f"{n} 个事项一次办" + (f" · 承诺 {days} 个工作日" if days else "")
            sub_en = f"{n} matters in one application" + (f" · promised in {working_days(days)}" if days else "")
            items.add_widget(tile(lambda code=b["code"]: p.open_bundle(code), zh=b["name_zh"], en=b["name_en"],
                                  sub_zh=sub_zh, sub_en=sub_en, bg=PURPLE, base=42, value=b["code"],
                                  size_hint_y=None, auto_height=True, min_height=180 * app.u,
                                  disabled=not p.ready))
