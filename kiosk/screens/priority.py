"""Green channel (绿色通道): the reason, the service area, then the matter (or "not sure"), so the window that
calls the ticket has the matter's guide; the ticket carries the priority."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import BooleanProperty

from kiosk.presenter import KioskPresenter
from kiosk.screens.base import KioskScreen, same_height, tile, unbroken
from kiosk.texts import TEXT
from kiosk.widgets import BLUE, GREEN, INK, TEAL, ZONE_COLOURS

TILE_MIN = 200  # design px: reason and zone tiles
ROW_MIN = 140  # matter rows


class PriorityScreen(KioskScreen):
    asking_matter = BooleanProperty(False)

    def signature(self, p: KioskPresenter) -> object:
        return p.priority, (p.zone or {}).get("code"), p.asking_matter, p.ready, p.busy

    def update(self, p: KioskPresenter) -> None:
        """A zone outside its hours shows so here too (a tap on it says why, as on home)."""
        for t in self.ids.rows.children:
            if t.badge:
                opening = p.zone_opening(t.value)
                t.closed = not opening.issuing
                t.sub_zh, t.sub_en = (unbroken(opening.line[0]), unbroken(opening.line[1])) if t.closed else ("", "")

    def redraw(self, p: KioskPresenter) -> None:
        u = App.get_running_app().u
        self.asking_matter = p.asking_matter
        grid = self.ids.rows
        grid.clear_widgets()
        self.ids.scroll.scroll_y = 1
        if p.priority is None:
            self.ids.heading.zh, self.ids.heading.en = TEXT["priority_title"]
            self.ids.check.zh, self.ids.check.en = TEXT["priority_check"]
            tiles = [tile(lambda r=reason: p.choose_priority(r), zh=TEXT.get(reason, (reason, reason))[0],
                          en=TEXT.get(reason, (reason, reason))[1], bg=GREEN, base=44, value=reason,
                          size_hint_y=None) for reason in p.priority_classes()]
            for t in tiles:
                grid.add_widget(t)
            same_height(tiles, TILE_MIN * u)
            return
        zh, en = TEXT.get(p.priority, (p.priority, p.priority))
        self.ids.heading.zh, self.ids.heading.en = f"绿色通道：{zh}", f"Green channel: {en}"
        if p.asking_matter and p.zone:
            self.ids.check.zh, self.ids.check.en = TEXT["priority_matter"]
            self.ids.heading.zh += f" · {p.zone['name_zh']}"
            self.ids.heading.en += f" · {p.zone['name_en']}"
            busy = p.busy or not p.ready
            grid.add_widget(tile(lambda: p.choose_priority_matter(None), zh=TEXT["not_sure"][0],
                                 en=TEXT["not_sure"][1], sub_zh=TEXT["not_sure_hint"][0],
                                 sub_en=TEXT["not_sure_hint"][1], bg=INK, base=40, value="not-sure",
                                 size_hint_y=None, auto_height=True, min_height=ROW_MIN * u, disabled=busy))
            for m in p.priority_matters():
                grid.add_widget(tile(lambda code=m["code"]: p.choose_priority_matter(code), zh=m["name_zh"],
                                     en=m["name_en"], bg=BLUE if m.get("common") else TEAL, base=38,
                                     value=m["code"], size_hint_y=None, auto_height=True,
                                     min_height=ROW_MIN * u, disabled=busy))
            return
        self.ids.check.zh, self.ids.check.en = TEXT["priority_zone"]
        tiles = [tile(lambda code=zone["code"]: p.choose_priority_zone(code), zh=zone["name_zh"],
                      en=zone["name_en"], badge=zone["prefix"], bg=ZONE_COLOURS[i % 4], base=40,
                      value=zone["code"], disabled=p.busy or not p.ready, size_hint_y=None)
                 for i, zone in enumerate(p.zones_shown())]
        for t in tiles:
            grid.add_widget(t)
        same_height(tiles, TILE_MIN * u)
