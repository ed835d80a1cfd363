"""A batch of a hall's events as the centre receives it, checked before anything is stored (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

STAGE_COLUMNS = ("id", "at", "kind", "ticket_id", "number", "zone", "win", "actor_kind", "actor", "reason", "data")
HALL_COLUMNS = ("id", "at", "kind", "ticket_id", "number", "zone", "window", "actor_kind", "actor", "reason", "data")
MAX_EVENTS = 10_000
MAX_TEXT = 100_000  # an event's data (JSON) is a few hundred bytes; a megabyte is not an event


class BatchRefused(ValueError):
    """The batch cannot be taken: `code` says why (the API answers 400 or 409 with it)."""

    def __init__(self, code: str, message: str, status: int = 400, **details: object):
        super().__init__(message)
        self.code, self.status, self.details = code, status, details


@dataclass(frozen=True)
class Batch:
    epoch: str
    parent_epoch: str
    fork_id: int
    after: int
    zones: list
    rows: list[tuple]  # in STAGE_COLUMNS order, `at` parsed


def parse_batch(body: object) -> Batch:
    """Check a batch's shape (pure): every event is a row of the hall's columns, ids ascending after `after`."""
    if not isinstance(body, dict):
        raise BatchRefused("bad_batch", "the body must be a JSON object")
    epoch = body.get("epoch")
    if not isinstance(epoch, str) or not 1 <= len(epoch) <= 64:
        raise BatchRefused("bad_epoch", "epoch must be a string of 1 to 64 characters")
    if list(body.get("columns") or []) != list(HALL_COLUMNS):
        raise BatchRefused("bad_columns", f"columns must be {list(HALL_COLUMNS)}")
    events, after, fork_id = body.get("events"), body.get("after"), body.get("fork_id", 0)
    if not isinstance(events, list) or len(events) > MAX_EVENTS:
        raise BatchRefused("bad_events", f"events must be a list of at most {MAX_EVENTS} rows")
    if not isinstance(after, int) or not isinstance(fork_id, int) or after < 0 or fork_id < 0:
        raise BatchRefused("bad_after", "after and fork_id must be whole numbers ≥ 0")
    rows, previous = [], after
    for ev in events:
        if not isinstance(ev, list) or len(ev) != len(HALL_COLUMNS):
            raise BatchRefused("bad_event", f"each event must be a list of {len(HALL_COLUMNS)} values")
        if not isinstance(ev[0], int) or ev[0] <= previous:
            raise BatchRefused("bad_order", "event ids must ascend, each after `after`")
        previous = ev[0]
        try:
            at = datetime.fromisoformat(ev[1])
        except (TypeError, ValueError):
            raise BatchRefused("bad_time", f"event {ev[0]}: `at` must be an ISO 8601 time") from None
        if at.tzinfo is None:
            raise BatchRefused("bad_time", f"event {ev[0]}: `at` needs a time zone")
        for name, value in zip(HALL_COLUMNS[2:], ev[2:], strict=True):
            want = int if name in ("ticket_id", "window") else str
            if not (value is None or (isinstance(value, want) and not isinstance(value, bool))) or (
                    name == "kind" and not value):
                raise BatchRefused("bad_value", f"event {ev[0]}: {name} must be {want.__name__}")
            if isinstance(value, str) and ("\x00" in value or len(value) > MAX_TEXT):
                raise BatchRefused("bad_value", f"event {ev[0]}: {name} is too long or holds a NUL")
        rows.append((ev[0], at, *ev[2:10], ev[10]))
    zones = body.get("zones") if isinstance(body.get("zones"), list) else []
    return Batch(epoch, str(body.get("parent_epoch") or ""), fork_id, after, zones, rows)
