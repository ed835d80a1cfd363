"""Matters: a zone's matters (common first), or from home a search over every zone; narrowed by pinyin-initial
letters on a keyboard that folds away so the list shows more."""

from __future__ import annotations

import string

from kivy.properties import BooleanProperty

from kiosk.presenter import KioskPresenter
from kiosk.screens.base import KioskScreen, tile
from kiosk.texts import TEXT
from kiosk.widgets import BLUE, TEAL

LETTERS = list(string.ascii_lowercase)
ROW_MIN = 150  # design px: a matter row is never lower than this


class MattersScreen(KioskScreen):
    searching = BooleanProperty(False)
    keyboard = BooleanProperty(True)

    def on_kv_post(self, base_widget) -> None:
        self.ids.letters.keys = LETTERS

    def signature(self, p: KioskPresenter) -> object:
        return (p.zone or {}).get("code"), p.searching, p.query, p.ready, p.keyboard, p.lang

    def redraw(self, p: KioskPresenter) -> None:
        self.searching, self.keyboard = p.searching, p.keyboard
        zone = p.zone or {}
        ids = self.ids
        if p.searching:
            ids.zone_name.zh, ids.zone_name.en = TEXT["search_title"]
            ids.choose.zh, ids.choose.en = TEXT["search_all"]
        else:
            ids.zone_name.zh, ids.zone_name.en = zone.get("name_zh", ""), zone.get("name_en", "")
            ids.choose.zh, ids.choose.en = TEXT["choose_matter"]
        fold = TEXT["keyboard_hide" if p.keyboard else "keyboard_show"]
        ids.fold.text = f"{fold[0]}\n{fold[1]}" if p.lang == "zh" else f"{fold[1]}\n{fold[0]}"
        ids.query.text = (p.query.upper() or "").ljust(1)
        items = ids.rows
        items.clear_widgets()
        found = p.matters()
        for m in found:
            sub_zh, sub_en = TEXT["common"] if m.get("common") else ("", "")
            if p.searching:  # which zone it sits in: the ticket is for that zone's windows
                home = p.zone_of(m) or {}
                where_zh, where_en = f"{home.get('prefix', '')} {home.get('name_zh', '')}", home.get("name_en", "")
                sub_zh = f"{where_zh} · {sub_zh}" if sub_zh else where_zh
                sub_en = f"{where_en} · {sub_en}" if sub_en else where_en
            items.add_widget(tile(lambda code=m["code"]: p.open_matter(code), zh=m["name_zh"], en=m["name_en"],
                                  sub_zh=sub_zh, sub_en=sub_en, bg=BLUE if m.get("common") else TEAL,
                                  base=38, sub_base=26, value=m["code"], size_hint_y=None, auto_height=True,
                                  min_height=self._row_height()))
        ids.none_found.opacity = 0 if found else 1
        ids.scroll.scroll_y = 1

    def _row_height(self) -> float:
        from kivy.app import App

        return ROW_MIN * App.get_running_app().u

    def letter(self, p: KioskPresenter, key: str) -> None:
        if key == "delete":
            p.delete_letter()
        elif key == "clear":
            p.clear_query()
        else:
            p.type_letter(key)
