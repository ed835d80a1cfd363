"""Home: one tile per zone with live waiting counts, and the green channel, bundles, QR and help."""

from __future__ import annotations

from kiosk.presenter import KioskPresenter
from kiosk.screens.base import KioskScreen, tile
from kiosk.texts import TEXT, both, wait_phrase
from kiosk.widgets import BROWN, GREEN, PURPLE, RED, TEAL, ZONE_COLOURS


def zone_line(p: KioskPresenter, code: str) -> tuple[str, str]:
    waiting, wait_s = p.zone_status(code)
    if waiting is None:
        return "", ""
    people_zh, people_en = both("waiting_people", n=waiting)
    wait_zh, wait_en = wait_phrase(wait_s)
    return f"{people_zh} · {wait_zh}", f"{people_en} · {wait_en}"


class HomeScreen(KioskScreen):
    def signature(self, p: KioskPresenter) -> object:
        return tuple(z["code"] for z in p.zones_shown())

    def update(self, p: KioskPresenter) -> None:
        for tile_ in self.ids.tiles.children:
            if tile_.value != "help":
                tile_.disabled = not p.ready
            if tile_.badge:
                tile_.sub_zh, tile_.sub_en = zone_line(p, tile_.value)

    def redraw(self, p: KioskPresenter) -> None:
        grid = self.ids.tiles
        grid.clear_widgets()
        for i, zone in enumerate(p.zones_shown()):
            sub_zh, sub_en = zone_line(p, zone["code"])
            grid.add_widget(tile(lambda code=zone["code"]: p.open_zone(code), zh=zone["name_zh"],
                                 en=zone["name_en"], sub_zh=sub_zh, sub_en=sub_en, badge=zone["prefix"],
                                 bg=ZONE_COLOURS[i % 4], value=zone["code"], disabled=not p.ready, base=42))
        services = [
            ("priority", "priority_hint", GREEN, p.open_priority, True),
            ("bundles", "bundles_hint", PURPLE, p.open_bundles, True),
            ("checkin", "checkin_hint", TEAL, lambda: p.open_scan("checkin"), True),
            ("pickup", "pickup_hint", BROWN, lambda: p.open_scan("pickup"), True),
            ("help", "help_hint", RED, p.ask_help, False),
        ]
        for key, hint, colour, action, needs_server in services:
            (zh, en), (sub_zh, sub_en) = TEXT[key], TEXT[hint]
            grid.add_widget(tile(action, zh=zh, en=en, sub_zh=sub_zh, sub_en=sub_en, bg=colour, value=key, base=40,
                                 disabled=needs_server and not p.ready))
