"""Appointment figures per zone and day: bookings, cancellations, check-ins (on time, late), no-shows."""

from __future__ import annotations

from datetime import date, timedelta

from queue_server.appointments.booking import slot_start
from queue_server.hall import Hall

FIGURES = ("bookings", "cancelled", "checked_in", "on_time", "late", "no_shows", "to_come")


def day_stats(hall: Hall, day: date) -> dict:
    """A booking is a no-show once its check-in time (slot start + appointment_late_s) has passed unused."""
    now = hall.now()
    grace = timedelta(seconds=hall.config.rules.appointment_late_s)
    zones: dict[str, dict[str, int]] = {}
    for r in hall.store.read().query("SELECT * FROM appointments WHERE day = ?", [day.isoformat()]):
        z = zones.setdefault(r["zone"], dict.fromkeys(FIGURES, 0))
        if r["state"] == "cancelled":
            z["cancelled"] += 1
            continue
        z["bookings"] += 1
        if r["state"] == "checked_in":
            z["checked_in"] += 1
            z["late" if r["late"] else "on_time"] += 1
        elif slot_start(r) + grace < now:
            z["no_shows"] += 1
        else:
            z["to_come"] += 1
    total = {k: sum(z[k] for z in zones.values()) for k in FIGURES}
    rows = [{"zone": code, **zones[code]} for code in hall.config.zone_codes() if code in zones]
    return {"date": day.isoformat(), "zones": rows, "total": total}
