"""Home: a search over every zone, one tile per zone (live waiting line, example matters), and the green
channel, bundles, QR and help. A zone outside its opening hours shows so on its tile (已停止取号 and the next
hours); when every zone is, one line at the top says so, and search, QR and help still work."""

from __future__ import annotations

from kivy.properties import BooleanProperty

from kiosk.presenter import KioskPresenter
from kiosk.screens.base import KioskScreen, same_height, tile, unbroken
from kiosk.texts import TEXT, both
from kiosk.widgets import BLUE, BROWN, GREEN, PURPLE, RED, TEAL, ZONE_COLOURS
from queue_server.core.waits import phrase_of

ZONE_TILE_MIN = 200  # design px: a zone tile is never lower than this, however short its text
SERVICE_TILE_MIN = 130


def zone_line(p: KioskPresenter, code: str) -> tuple[str, str]:
    """"等候 3 人 · 约 12 分钟": the zone's line of the latest board, worded by the shared rule (core/waits.py)."""
    zone = next((z for z in (p.board or {}).get("zones", []) if z.get("zone") == code), None)
    if zone is None:
        return "", ""
    people_zh, people_en = both("waiting_people", n=zone.get("waiting", 0))
    wait_zh, wait_en = phrase_of(zone)
    return f"{people_zh} · {wait_zh}", f"{people_en} · {wait_en}"


class HomeScreen(KioskScreen):
    all_closed = BooleanProperty(False)  # no zone shown issues numbers: the heading says so

    def signature(self, p: KioskPresenter) -> object:
        return tuple(z["code"] for z in p.zones_shown())

    def update(self, p: KioskPresenter) -> None:
        line = p.all_closed()
        self.all_closed = line is not None
        self.ids.welcome.zh, self.ids.welcome.en = (unbroken(line[0]), unbroken(line[1])) if line else TEXT["welcome"]
        for tile_ in [*self.ids.tiles.children, *self.ids.services.children]:
            if tile_.value != "help":
                tile_.disabled = not p.ready
            if tile_.badge:
                opening = p.zone_opening(tile_.value)
                tile_.closed = not opening.issuing
                zh, en = opening.line if tile_.closed else zone_line(p, tile_.value)
                tile_.sub_zh, tile_.sub_en = unbroken(zh), unbroken(en)
            elif tile_.value == "priority":  # the green channel takes a number too
                tile_.closed = self.all_closed

    def redraw(self, p: KioskPresenter) -> None:
        from kivy.app import App

        u = App.get_running_app().u
        grid = self.ids.tiles
        grid.clear_widgets()
        zones = []
        for i, zone in enumerate(p.zones_shown()):
            sub_zh, sub_en = zone_line(p, zone["code"])
            extra_zh, extra_en = p.examples(zone)
            zones.append(tile(lambda code=zone["code"]: p.open_zone(code), zh=zone["name_zh"], en=zone["name_en"],
                              sub_zh=sub_zh, sub_en=sub_en, extra_zh=extra_zh, extra_en=extra_en,
                              badge=zone["prefix"], bg=ZONE_COLOURS[i % 4], value=zone["code"],
                              disabled=not p.ready, base=36, sub_base=24, sub_one_line=False,
                              padding=(20 * u, 6 * u),
                              size_hint_y=None))
        services = [
            ("priority", "priority_hint", GREEN, p.open_priority, True),
            ("bundles", "bundles_hint", PURPLE, p.open_bundles, True),
            ("checkin", "checkin_hint", TEAL, lambda: p.open_scan("checkin"), True),
            ("pickup", "pickup_hint", BROWN, lambda: p.open_scan("pickup"), True),
            ("case", "case_hint", BLUE, lambda: p.open_scan("case"), True),
            ("help", "help_hint", RED, p.ask_help, False),
        ]
        others = []
        for key, _hint, colour, action, needs_server in services:
            zh, en = TEXT[key]
            others.append(tile(action, zh=zh, en=en, bg=colour, value=key, base=36, padding=(14 * u, 12 * u),
                               disabled=needs_server and not p.ready, size_hint_y=None))
        for widget in zones:
            grid.add_widget(widget)
        self.ids.services.clear_widgets()
        for widget in others:
            self.ids.services.add_widget(widget)
        same_height(zones, ZONE_TILE_MIN * u)
        same_height(others, SERVICE_TILE_MIN * u)
        self.ids.scroll.scroll_y = 1
