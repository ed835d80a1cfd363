"""Green channel (绿色通道): choose the reason, then the service area; the ticket carries the priority."""

from __future__ import annotations

from kiosk.presenter import KioskPresenter
from kiosk.screens.base import KioskScreen, tile
from kiosk.texts import TEXT
from kiosk.widgets import GREEN, ZONE_COLOURS


class PriorityScreen(KioskScreen):
    def signature(self, p: KioskPresenter) -> object:
        return p.priority, p.ready, p.busy

    def redraw(self, p: KioskPresenter) -> None:
        grid = self.ids.rows
        grid.clear_widgets()
        if p.priority is None:
            self.ids.heading.zh, self.ids.heading.en = TEXT["priority_title"]
            self.ids.check.zh, self.ids.check.en = TEXT["priority_check"]
            for reason in p.priority_classes():
                zh, en = TEXT.get(reason, (reason, reason))
                grid.add_widget(tile(lambda r=reason: p.choose_priority(r), zh=zh, en=en, bg=GREEN, base=46,
                                     value=reason))
            return
        zh, en = TEXT.get(p.priority, (p.priority, p.priority))
        self.ids.heading.zh, self.ids.heading.en = f"绿色通道：{zh}", f"Priority: {en}"
        self.ids.check.zh, self.ids.check.en = TEXT["priority_zone"]
        for i, zone in enumerate(p.zones_shown()):
            grid.add_widget(tile(lambda code=zone["code"]: p.choose_priority_zone(code), zh=zone["name_zh"],
                                 en=zone["name_en"], badge=zone["prefix"], bg=ZONE_COLOURS[i % 4], base=42,
                                 value=zone["code"], disabled=p.busy or not p.ready))
