"""What anyone on the hall's LAN may see of an event: numbers, zones, windows, states, times, counts.

The event log keeps everything (notes, priority class, who acted, licence data); public subscribers (board,
window screens, kiosks, displays, anyone without a staff login) get each event through `public_event`, which
keeps only listed fields. A field missing from the lists is private by default.
"""

from __future__ import annotations

# Events about the queue that a public screen needs; alerts, follow-ups, pickups, appointments and device
# events stay on staff streams. `rated` goes out bare (which ticket, which window: a pad stops offering it),
# never its score, reason, comment or contact.
PUBLIC_KINDS = frozenset({"issued", "called", "recalled", "started", "finished", "no_show", "transferred",
                          "cancelled", "requeued", "window", "rated", "config_changed"})
PUBLIC_TICKET_FIELDS = ("number", "zone", "state", "window", "issued_at", "called_at", "started_at",
                        "finished_at", "recalls", "transfers", "original_zone")
# Top-level keys of an event's data: the window's number, state and zones, per-zone waiting counts, transfer zones.
# pause_reason is the board's "暂停服务" line for a paused window; next: each zone's next numbers ("请准备 Get
# ready"); staff_name / staff_no: who serves at a window, shown on its screen as Chinese halls do by custom.
# prev: the id of the previous public event (boards notice a gap in their stream by it).
# version: the hall configuration's new version (`config_changed`: screens reload GET /api/v1/hall).
PUBLIC_DATA_FIELDS = ("window", "at", "state", "zones", "waiting", "next", "from_zone", "to_zone", "pause_reason",
                      "staff_name", "staff_no", "prev", "version")


def public_ticket_fields(ticket: dict) -> dict:
    return {k: ticket[k] for k in PUBLIC_TICKET_FIELDS if k in ticket}


def public_event(kind: str, data: dict) -> dict | None:
    """The event's data as a public subscriber sees it, or None when the event is not public at all."""
    if kind not in PUBLIC_KINDS:
        return None
    out = {k: data[k] for k in PUBLIC_DATA_FIELDS if k in data}
    if isinstance(data.get("ticket"), dict):
        out["ticket"] = public_ticket_fields(data["ticket"])
    return out


PUBLIC_WINDOW_FIELDS = ("number", "state", "zones", "pause_reason", "state_since")


def public_window(window: dict) -> dict:
    """A window as public screens see it: no staff name; its ticket by number, zone and times only."""
    out = {k: window[k] for k in PUBLIC_WINDOW_FIELDS if k in window}
    out["ticket"] = public_ticket_fields(window["ticket"]) if window.get("ticket") else None
    return out
