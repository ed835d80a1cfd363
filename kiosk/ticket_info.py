"""What the kiosk knows about a ticket it just took: the printable layout and the screen's words.

Pure: built from the server's answers (GET /hall and POST /tickets), no device or window.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hardware.ticket_layout import TicketLayout
from kiosk.texts import TEXT


def status_url(ticket: dict) -> str:
    """Where the QR on the ticket points: the citizen's phone page, `{public base_url}/t/{token}`, as the server
    gave it when the ticket was taken (the token is unguessable; a sequential id never goes on paper)."""
    return str(ticket.get("status_url") or "")


def issued_local(ticket: dict, timezone: str) -> datetime:
    try:
        at = datetime.fromisoformat(str(ticket.get("issued_at")))
    except ValueError:
        return datetime.now(ZoneInfo(timezone))
    return at.astimezone(ZoneInfo(timezone)) if at.tzinfo else at


def find(items: list[dict], key: str, value: object) -> dict | None:
    return next((it for it in items if it.get(key) == value), None)


def subject(hall: dict, ticket: dict) -> tuple[str, str]:
    """The matter or bundle the ticket is for, or the zone's name when neither."""
    zone = find(hall.get("zones", []), "code", ticket.get("zone")) or {}
    if ticket.get("bundle"):
        bundle = find(hall.get("bundles", []), "code", ticket["bundle"]) or {}
        return bundle.get("name_zh", ticket["bundle"]), bundle.get("name_en", ticket["bundle"])
    if ticket.get("matter"):
        matter = find(zone.get("matters", []), "code", ticket["matter"]) or {}
        return matter.get("name_zh", ticket["matter"]), matter.get("name_en", ticket["matter"])
    return zone.get("name_zh", ""), zone.get("name_en", "")


def priority_words(priority: str | None) -> tuple[str, str]:
    """"绿色通道：老年人（60岁以上）…工作人员可能核验" for a green-channel ticket, else empty."""
    if not priority or priority not in TEXT:
        return "", ""
    zh, en = TEXT[priority]
    check_zh, check_en = TEXT["priority_check"]
    return f"绿色通道：{zh}。{check_zh}", f"Priority: {en}. {check_en}"


def serving_windows(hall: dict, zone_code: str) -> str:
    """"1-18, 49": the windows whose first zone is this one (else any serving it), runs collapsed."""
    windows = hall.get("windows", [])
    numbers = sorted(w["number"] for w in windows if (w.get("zones") or [None])[0] == zone_code) or sorted(
        w["number"] for w in windows if zone_code in (w.get("zones") or []))
    runs: list[str] = []
    start = prev = None
    for n in numbers + [None]:
        if start is not None and n == prev + 1:
            prev = n
            continue
        if start is not None:
            runs.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = n
    return ", ".join(runs)


def ticket_layout(hall: dict, ticket: dict, server_url: str, hall_name: tuple[str, str] | None = None
                  ) -> TicketLayout:
    zone = find(hall.get("zones", []), "code", ticket.get("zone")) or {}
    matter_zh, matter_en = subject(hall, ticket)
    prio_zh, prio_en = priority_words(ticket.get("priority"))
    name_zh, name_en = hall_name if hall_name and hall_name[0] else (hall.get("name_zh", ""),
                                                                        hall.get("name_en", ""))
    return TicketLayout(
        hall_zh=name_zh, hall_en=name_en,
        zone_zh=zone.get("name_zh", ""), zone_en=zone.get("name_en", ""),
        number=str(ticket["number"]),
        matter_zh=matter_zh, matter_en=matter_en,
        ahead=int(ticket.get("ahead") or 0),
        estimated_wait_s=ticket.get("estimated_wait_s"),
        issued_at=issued_local(ticket, hall.get("timezone", "Asia/Shanghai")),
        status_url=status_url(ticket),
        priority_zh=prio_zh, priority_en=prio_en,
        open_windows=int(ticket.get("open_windows", 1) or 0), idle_windows=int(ticket.get("idle_windows") or 0),
    )


def materials_lines(materials: list[dict]) -> list[str]:
    """The "print this list" slip: one numbered line per material, Chinese then English."""
    lines: list[str] = []
    for i, m in enumerate(materials, start=1):
        lines.append(f"{i}. {m['zh']}")
        lines.append(f"   {m['en']}")
    return lines
