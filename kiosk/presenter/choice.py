"""The citizen's choice before a ticket: zone → matter (searchable) → guide, a bundle, or the green channel."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.presenter.connection import Connection
from kiosk.presenter.guide import guide_of
from kiosk.presenter.shared import Shared
from kiosk.search import search
from kiosk.ticket_info import find

QUERY_MAX = 12


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

    def clear(self) -> None:
        self.zone = self.matter = self.bundle = self.priority = None
        self.query = ""

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
            self.shared.go("matters")
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
        self.shared.go("matters")

    def matters(self) -> list[dict]:
        """The zone's matters: common ones first; filtered by the search letters."""
        if not self.zone:
            return []
        items = sorted(self.zone.get("matters", []), key=lambda m: not m.get("common"))
        return search(items, self.query)

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
        if not self.zone:
            return
        matter = find(self.zone.get("matters", []), "code", code)
        if matter:
            self.matter, self.bundle = matter, None
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
            self.priority = None
            self.shared.go("priority")

    def priority_classes(self) -> list[str]:
        return list((self.connection.hall or {}).get("priority_classes", []))

    def choose_priority(self, reason: str) -> None:
        if reason in self.priority_classes():
            self.priority = reason
            self.shared.changed()

    def choose_priority_zone(self, code: str) -> bool:
        """The zone for the chosen reason; True when the number is to be taken now."""
        zone = find(self._zones(), "code", code)
        if not (self.priority and self.connection.ready and zone):
            return False
        self.zone = zone
        self.matter = self.bundle = None
        return True
