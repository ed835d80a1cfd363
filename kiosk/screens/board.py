"""Idle queue board: recent calls and people waiting per zone, until someone touches the screen."""

from __future__ import annotations

from kivy.app import App
from kivy.factory import Factory

from kiosk.presenter import KioskPresenter
from kiosk.screens.base import KioskScreen
from kiosk.texts import TEXT, wait_phrase


class BoardScreen(KioskScreen):
    def signature(self, p: KioskPresenter) -> object:
        board = p.board or {}
        return (p.ready, App.get_running_app().portrait,
                tuple((c.get("number"), c.get("window")) for c in board.get("calls", [])[:8]),
                tuple((z.get("zone"), z.get("waiting"), z.get("estimated_wait_s")) for z in board.get("zones", [])))

    def redraw(self, p: KioskPresenter) -> None:
        board = p.board or {}
        calls = self.ids.calls
        calls.clear_widgets()
        for call in board.get("calls", [])[:8]:
            zh = TEXT["call_to"][0].format(number=call.get("number", ""), window=call.get("window", ""))
            en = TEXT["call_to"][1].format(number=call.get("number", ""), window=call.get("window", ""))
            calls.add_widget(Factory.BiLabel(zh=zh, en=en, base=46, ratio=0.6))
        if not board.get("calls"):
            calls.add_widget(Factory.BiLabel(zh=TEXT["no_calls"][0], en=TEXT["no_calls"][1], base=40,
                                             strong=False, one_line=True))
        zones = self.ids.zones
        zones.clear_widgets()
        shown = {z["code"] for z in p.zones_shown()} | {"chain", "pickup"}
        portrait = App.get_running_app().portrait
        for z in board.get("zones", []):
            if z.get("zone") not in shown:
                continue
            wait_zh, wait_en = wait_phrase(z.get("estimated_wait_s"))
            base = 36 if portrait else 26  # landscape: nine zones in the height left under the bars
            zones.add_widget(Factory.BiLabel(zh=f"{z.get('prefix', '')}  {z.get('name_zh', '')}",
                                             en=z.get("name_en", ""), base=base, ratio=0.65))
            zones.add_widget(Factory.BiLabel(zh=f"{z.get('waiting', 0)} 人 · {wait_zh}",
                                             en=f"{z.get('waiting', 0)} waiting · {wait_en}",
                                             base=base, ratio=0.65, halign="right"))
