"""Home: one tile per zone with live waiting counts, and the green channel, bundles, QR and help."""

from __future__ import annotations

from kiosk.presenter import KioskPresenter
from kiosk.screens.base import KioskScreen, tile
from kiosk.texts import TEXT, both
from kiosk.widgets import BLUE, BROWN, GREEN, PURPLE, RED, TEAL, ZONE_COLOURS
from queue_server.core.waits import phrase_of


def zone_line(p: KioskPresenter, code: str) -> tuple[str, str]:
    """"等候 3 人 · 约 12 分钟": the zone's line of the latest board, worded by the shared rule (core/waits.py)."""
    zone = next((z for z in (p.board or {}).get("zones", []) if z.get("zone") == code), None)
    if zone is None:
        return "", ""
    people_zh, people_en = both("waiting_people", n=zone.get("waiting", 0))
    wait_zh, wait_en = phrase_of(zone)
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
            ("case", "case_hint", BLUE, lambda: p.open_scan("case"), True),
            ("help", "help_hint", RED, p.ask_help, False),
        ]
        for key, hint, colour, action, needs_server in services:
            (zh, en), (sub_zh, sub_en) = TEXT[key], TEXT[hint]
            grid.add_widget(tile(action, zh=zh, en=en, sub_zh=sub_zh, sub_en=sub_en, bg=colour, value=key, base=40,
                                 disabled=needs_server and not p.ready))
