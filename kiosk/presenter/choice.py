"""The citizen's choice before a ticket: zone → matter (searchable) → guide, a search across every zone from the
home screen, a bundle, or the green channel (reason → zone → matter or "not sure", so the window gets the guide)."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.presenter.connection import Connection
from kiosk.presenter.guide import guide_of
from kiosk.presenter.shared import Shared
from kiosk.search import search
from kiosk.texts import Text
from kiosk.ticket_info import find

QUERY_MAX = 12
EXAMPLES = 3  # example matters on a zone tile
EXAMPLES_CHARS = 15  # ... in at most this many characters of Chinese (one line of a tile)


@dataclass(frozen=True)
class TicketRequest:
    """What a number is taken for, as the server wants it."""

    zone: str
    matter: str | None = None
    bundle: str | None = None
    priority: str | None = None


class Choice:
    def __init__(self, shared: Shared, connection: Connection) -> None:
        self.shared = shared
        self.connection = connection
        self.zone: dict | None = None
        self.matter: dict | None = None
        self.bundle: dict | None = None
        self.priority: str | None = None
        self.query = ""
        self.searching = False  # the matters screen searches every zone (opened from home), not one
        self.keyboard = True  # the letter keyboard is shown; folded, the list has the room
        self.asking_matter = False  # green channel: the zone is chosen, the matter is asked

    def clear(self) -> None:
        self.zone = self.matter = self.bundle = self.priority = None
        self.query = ""
        self.searching = self.asking_matter = False
        self.keyboard = True

    def request(self) -> TicketRequest | None:
        """The ticket the choice so far asks for; None before a zone is chosen."""
        if not self.zone:
            return None
        return TicketRequest(zone=self.bundle["zone"] if self.bundle else self.zone["code"],
                             matter=self.matter["code"] if self.matter else None,
                             bundle=self.bundle["code"] if self.bundle else None,
                             priority=self.priority)

    def back(self) -> bool:
        """One step back within the choice; False when there is none (the presenter goes home)."""
        screen = self.shared.screen
        if screen == "guide" and self.bundle:
            self.bundle = None
            self.shared.go("bundles")
        elif screen == "guide":
            self.matter = None
            if self.searching:
                self.zone = None
            self.shared.go("matters")
        elif screen == "priority" and self.asking_matter:
            self.asking_matter = False
            self.zone = None
            self.shared.changed()
        elif screen == "priority" and self.priority:
            self.priority = None
            self.shared.changed()
        else:
            return False
        return True

    def _zones(self) -> list[dict]:
        return (self.connection.hall or {}).get("zones", [])

    # ---- zone → matter → guide ----
    def open_zone(self, code: str) -> None:
        if not self.connection.ready:
            return
        zone = find(self._zones(), "code", code)
        if zone is None:
            return
        self.zone, self.matter, self.bundle, self.query = zone, None, None, ""
        self.searching, self.keyboard = False, True
        self.shared.go("matters")

    def open_search(self) -> None:
        """From home: one search over the matters of every zone shown, so a wrong guess of zone costs nothing."""
        if not self.connection.ready:
            return
        self.zone = self.matter = self.bundle = None
        self.query, self.searching, self.keyboard = "", True, True
        self.shared.go("matters")

    def matters(self) -> list[dict]:
        """The zone's matters (or, searching, every shown zone's): common ones first; filtered by the letters."""
        if self.searching:
            items = [m for z in self.connection.zones_shown() for m in z.get("matters", [])]
        elif self.zone:
            items = list(self.zone.get("matters", []))
        else:
            return []
        return search(sorted(items, key=lambda m: not m.get("common")), self.query)

    def zone_of(self, matter: dict) -> dict | None:
        return find(self._zones(), "code", matter.get("zone"))

    def toggle_keyboard(self) -> None:
        self.keyboard = not self.keyboard
        self.shared.changed()

    def examples(self, zone: dict) -> Text:
        """"如：社保卡、养老保险、医疗保险 / e.g. Social security card, Pension, Medical insurance": a zone tile's
        examples (the hall's short names of its matters, common first), so a citizen sees what is inside."""
        shown = sorted((m for m in zone.get("matters", []) if m.get("short_zh")), key=lambda m: not m.get("common"))
        shown = shown[:EXAMPLES]
        while len(shown) > 2 and len("如：" + "、".join(m["short_zh"] for m in shown)) > EXAMPLES_CHARS:
            shown = shown[:-1]  # one line on the tile: two examples rather than a wrapped third
        if not shown:
            return "", ""
        return "如：" + "、".join(m["short_zh"] for m in shown), "e.g. " + ", ".join(m["short_en"] for m in shown)

    def type_letter(self, letter: str) -> None:
        if len(self.query) < QUERY_MAX:
            self.query += letter.lower()
            self.shared.changed()

    def delete_letter(self) -> None:
        self.query = self.query[:-1]
        self.shared.changed()

    def clear_query(self) -> None:
        self.query = ""
        self.shared.changed()

    def open_matter(self, code: str) -> None:
        matter = find(self.matters() if self.searching else (self.zone or {}).get("matters", []), "code", code)
        if matter:
            self.matter, self.bundle = matter, None
            self.zone = self.zone_of(matter) if self.searching else self.zone
            self.shared.go("guide")

    def any_matter(self) -> None:
        """"Not sure? Take a number": the zone with no matter."""
        self.matter = self.bundle = None

    def guide(self) -> dict:
        return guide_of(self.matter, self.bundle, self.connection.hall)

    # ---- bundles ----
    def open_bundles(self) -> None:
        if self.connection.ready:
            self.bundle = None
            self.shared.go("bundles")

    def bundles(self) -> list[dict]:
        return list((self.connection.hall or {}).get("bundles", []))

    def open_bundle(self, code: str) -> None:
        bundle = find(self.bundles(), "code", code)
        if bundle:
            self.bundle, self.matter = bundle, None
            self.zone = find(self._zones(), "code", bundle["zone"])
            self.shared.go("guide")

    # ---- green channel: a reason, then a zone ----
    def open_priority(self) -> None:
        if self.connection.ready:
            self.priority = self.zone = self.matter = None
            self.asking_matter = False
            self.shared.go("priority")

    def priority_classes(self) -> list[str]:
        return list((self.connection.hall or {}).get("priority_classes", []))

    def choose_priority(self, reason: str) -> None:
        if reason in self.priority_classes():
            self.priority = reason
            self.shared.changed()

    def choose_priority_zone(self, code: str) -> None:
        """The zone for the chosen reason; then the matter is asked (the window gets its guide)."""
        zone = find(self._zones(), "code", code)
        if not (self.priority and self.connection.ready and zone):
            return
        self.zone, self.matter, self.bundle = zone, None, None
        self.asking_matter = True
        self.shared.changed()

    def priority_matters(self) -> list[dict]:
        """The chosen zone's matters for the green channel's question, common first."""
        if not (self.asking_matter and self.zone):
            return []
        return sorted(self.zone.get("matters", []), key=lambda m: not m.get("common"))

    def choose_priority_matter(self, code: str | None) -> bool:
        """The matter (None: "not sure"); True when the number is to be taken now."""
        if not (self.asking_matter and self.zone and self.priority and self.connection.ready):
            return False
        matter = find(self.zone.get("matters", []), "code", code) if code else None
        if code and matter is None:
            return False
        self.matter = matter
        return True
