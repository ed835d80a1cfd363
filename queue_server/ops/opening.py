"""The hall's opening hours applied: walk-in numbers only within a zone's hours (core/opening_hours.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from queue_server.core.opening_hours import may_issue, next_hours, sessions_on
from queue_server.errors import Conflict

if TYPE_CHECKING:
    from queue_server.hall import Hall


def check_open(hall: Hall, zone: str) -> None:
    """Conflict `closed` (409) with the plain reason and the next hours when no walk-in number may be taken now."""
    cfg = hall.config
    if zone not in cfg.zone_codes():
        return  # issuing names the unknown zone
    closed = may_issue(cfg.opening, hall.calendar, zone, hall.now().astimezone(cfg.tz))
    if closed is not None:
        raise Conflict(closed.message, code="closed", **closed.details())


def opening_status(hall: Hall) -> dict:
    """Per zone: may a walk-in take a number now, today's sessions, and the next walk-in hours.

    `now` is the hall's own time: a kiosk times its next look by it, not by its own clock."""
    cfg = hall.config
    local = hall.now().astimezone(cfg.tz)
    zones = {}
    for z in cfg.zones:
        closed = may_issue(cfg.opening, hall.calendar, z.code, local)
        upcoming = next_hours(cfg.opening, hall.calendar, z.code, local)
        zones[z.code] = {
            "issuing": closed is None,
            "today": [{"open": s.open, "close": s.close, "last_ticket": s.last_ticket or s.close, "kind": s.kind}
                      for s in sessions_on(cfg.opening, hall.calendar, z.code, local.date(), walk_in=False)],
            "next_open": upcoming.as_dict() if upcoming else None,
            **(closed.details() if closed else {}),
        }
    return {"enforced": cfg.opening.enforce, "date": local.date().isoformat(),
            "now": local.isoformat(timespec="seconds"),
            "holiday": hall.calendar.holiday_name(local.date()), "zones": zones}
