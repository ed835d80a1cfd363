"""The "tell once" guide of a matter or a bundle: materials, time limit, fee, notes; take a number."""

from __future__ import annotations

from kivy.factory import Factory

from kiosk.presenter import KioskPresenter
from kiosk.screens.base import KioskScreen
from kiosk.texts import TEXT


class GuideScreen(KioskScreen):
    def signature(self, p: KioskPresenter) -> object:
        return (p.matter or {}).get("code"), (p.bundle or {}).get("code"), p.busy, p.ready

    def redraw(self, p: KioskPresenter) -> None:
        guide = p.guide()
        self.ids.title.zh, self.ids.title.en = guide["name"]
        self.ids.take.disabled = p.busy or not p.ready
        body = self.ids.body
        body.clear_widgets()

        def heading(key: str) -> None:
            body.add_widget(Factory.BiLabel(zh=TEXT[key][0], en=TEXT[key][1], base=38, one_line=True,
                                            ratio=0.75, color=(0.70, 0.11, 0.11, 1),
                                            padding=(0, 18 * self._u(), 0, 0)))

        def line(zh: str, en: str, base: float = 34) -> None:
            body.add_widget(Factory.BiLabel(zh=zh, en=en, base=base, strong=False, ratio=0.8))

        if guide["matters"]:
            heading("bundle_matters")
            for zh, en in guide["matters"]:
                line(f"· {zh}", en)
        heading("time_limit")
        line(*guide["days"])
        if guide["fee"]:
            heading("fee")
            line(*guide["fee"])
        heading("bundle_materials" if p.bundle else "materials")
        for i, m in enumerate(guide["materials"], start=1):
            line(f"{i}. {m['zh']}", m["en"])
        if guide["notes"][0] or guide["notes"][1]:
            heading("notes")
            line(*guide["notes"], base=32)
        self.ids.scroll.scroll_y = 1

    @staticmethod
    def _u() -> float:
        from kivy.app import App

        return App.get_running_app().u
