"""Zone → matter: the zone's matters (common first), narrowed by pinyin-initial letters."""

from __future__ import annotations

import string

from kiosk.presenter import KioskPresenter
from kiosk.screens.base import KioskScreen, tile
from kiosk.texts import TEXT
from kiosk.widgets import BLUE, TEAL

LETTERS = list(string.ascii_lowercase) + ["delete", "clear"]


class MattersScreen(KioskScreen):
    def on_kv_post(self, base_widget) -> None:
        self.ids.letters.keys = LETTERS

    def signature(self, p: KioskPresenter) -> object:
        return (p.zone or {}).get("code"), p.query, p.ready

    def redraw(self, p: KioskPresenter) -> None:
        zone = p.zone or {}
        self.ids.zone_name.zh = zone.get("name_zh", "")
        self.ids.zone_name.en = zone.get("name_en", "")
        self.ids.query.text = (p.query.upper() or "").ljust(1)
        items = self.ids.rows
        items.clear_widgets()
        found = p.matters()
        for m in found:
            sub = TEXT["common"] if m.get("common") else ("", "")
            items.add_widget(tile(lambda code=m["code"]: p.open_matter(code), zh=m["name_zh"], en=m["name_en"],
                                  sub_zh=sub[0], sub_en=sub[1], bg=BLUE if m.get("common") else TEAL,
                                  base=40, value=m["code"], size_hint_y=None, auto_height=True,
                                  min_height=self._row_height()))
        self.ids.none_found.opacity = 0 if found else 1
        self.ids.scroll.scroll_y = 1

    def _row_height(self) -> float:
        from kivy.app import App

        app = App.get_running_app()
        return 150 * app.u

    def letter(self, p: KioskPresenter, key: str) -> None:
        if key == "delete":
            p.delete_letter()
        elif key == "clear":
            p.clear_query()
        else:
            p.type_letter(key)
