"""A posted licence's way to the citizen: waybill, posted, delivered or returned. Pure.

The state is the fold of the licence's postal events (appended, never changed). A waybill number may be set
or corrected until the parcel is posted; a returned parcel may be given a new waybill and posted again.

    none ──waybill──▶ labelled ──posted──▶ posted ──delivered──▶ delivered (end)
                       ▲  │waybill (correct)          └──returned──▶ returned ──waybill──▶ labelled
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

EVENTS = ("waybill", "posted", "delivered", "returned")
STATES = ("none", "labelled", "posted", "delivered", "returned")
# event -> the states it may follow
_FROM = {
    "waybill": ("none", "labelled", "returned"),
    "posted": ("labelled",),
    "delivered": ("posted",),
    "returned": ("posted",),
}
_TO = {"waybill": "labelled", "posted": "posted", "delivered": "delivered", "returned": "returned"}
_WAYBILL = re.compile(r"^[A-Za-z0-9-]{6,40}$")  # EMS and couriers: letters, digits, dashes
NAMES = {"none": ("未寄出", "Not posted"), "labelled": ("已填运单", "Waybill set"), "posted": ("已寄出", "Posted"),
         "delivered": ("已签收", "Delivered"), "returned": ("已退回", "Returned")}


class PostalError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Postal:
    state: str = "none"
    waybill: str | None = None


def check_waybill(value: object) -> str:
    if not isinstance(value, str) or not _WAYBILL.match(value.strip()):
        raise PostalError("bad_waybill", "'waybill' must be 6-40 letters, digits or dashes (the number on the label)")
    return value.strip().upper()


def apply(current: Postal, event: str, waybill: object = None) -> Postal:
    """The state after `event`, or PostalError (the event is unknown or does not follow the current state)."""
    if event not in EVENTS:
        raise PostalError("bad_event", f"'event' must be one of {', '.join(EVENTS)}")
    if current.state not in _FROM[event]:
        zh, en = NAMES[current.state]
        raise PostalError("bad_transition", f"a parcel that is {en.lower()} ({zh}) cannot become {_TO[event]}")
    if event == "waybill":
        return Postal("labelled", check_waybill(waybill))
    if waybill not in (None, "") and check_waybill(waybill) != current.waybill:
        raise PostalError("waybill_mismatch", f"the waybill on record is {current.waybill}")
    return Postal(_TO[event], current.waybill)


def fold(events: Iterable[dict]) -> Postal:
    """The state after the stored events ({"event", "waybill"}), in order."""
    state = Postal()
    for e in events:
        state = apply(state, e["event"], e.get("waybill"))
    return state


def next_events(current: Postal) -> list[str]:
    return [e for e in EVENTS if current.state in _FROM[e]]
