"""A window's life: sign on and off, pause, call next, and its actions on the current ticket.

Only the staff member signed on at a window (or that window's own call-next
button) may act on it. Every change is one write transaction and one event.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlite_utils import Database

from queue_server.clock import epoch, to_iso
from queue_server.core.dispatch import Waiting, choose_next
from queue_server.errors import BadRequest, Conflict, Forbidden, NotFound
from queue_server.hall import Hall
from queue_server.live_state import as_waiting
from queue_server.ops.accounts import Principal, staff_profile
from queue_server.ops.live import queue_news
from queue_server.ops.tickets import load_ticket, public_ticket, transition

TICKET_ACTIONS = ("recall", "start", "finish", "no_show", "transfer")


def _load_window(hall: Hall, number: int) -> dict:
    """The window as the live state holds it (the same as its row, zones as a list)."""
    w = hall.live.window(number)
    if w is None:
        raise NotFound(f"there is no window {number} in this hall", code="window_not_found")
    return w


def window_view(db: Database, w: dict) -> dict:
    ticket = load_ticket(db, w["current_ticket"]) if w["current_ticket"] else None
    return {
        "number": w["number"], "state": w["state"], "staff": w["staff"], "zones": w["zones"],
        "pause_reason": w["pause_reason"], "state_since": w["state_since"],
        "ticket": public_ticket(ticket) if ticket else None,
    }


def list_windows(hall: Hall) -> list[dict]:
    db = hall.store.read()
    return [window_view(db, dict(r, zones=json.loads(r["zones"])))
            for r in db.query("SELECT * FROM windows ORDER BY number")]


def _require_person(p: Principal) -> None:
    if p.kind not in ("staff", "manager"):
        raise Forbidden("only a signed-in staff member can sign on to or off a window", code="staff_only")


def _require_operator(w: dict, p: Principal) -> None:
    """The staff member signed on here, or this window's own button box."""
    if w["state"] == "closed":
        raise Conflict(f"window {w['number']} is closed; a staff member must sign on first",
                       code="window_closed")
    if p.kind == "device":
        if p.device_kind == "button" and p.window == w["number"]:
            return
        raise Forbidden(f"device {p.name} may not act on window {w['number']}", code="not_your_window")
    if w["staff"] != p.name:
        raise Forbidden(f"window {w['number']} is signed on by {w['staff']}; only they may act on it",
                        code="not_your_window")


def _set_window(hall: Hall, number: int, ticket: dict | None = None, **fields: object) -> None:
    """Change the window's row and its live state together; `ticket`: its new current ticket, if that changes."""
    if "current_ticket" in fields:
        fields["current_ticket"] = ticket["id"] if ticket else None
    stored = {k: json.dumps(v) if k == "zones" else v for k, v in fields.items()}
    sets = ", ".join(f"{k} = ?" for k in stored)
    hall.store.conn.execute(f"UPDATE windows SET {sets} WHERE number = ?", [*stored.values(), number])
    if "current_ticket" in fields:
        fields["ticket"] = ticket["number"] if ticket else None
    hall.live.update_window(number, fields)


def open_window(hall: Hall, number: int, p: Principal) -> dict:
    _require_person(p)
    with hall.store.write() as db:
        now = hall.now()
        w = _load_window(hall, number)
        if w["state"] != "closed" and w["staff"] != p.name:
            raise Conflict(f"window {number} is signed on by {w['staff']}", code="window_taken")
        other = list(db.query("SELECT number FROM windows WHERE staff = ? AND state != 'closed' AND number != ?",
                              [p.name, number]))
        if other:
            raise Conflict(f"you are signed on at window {other[0]['number']}; sign off there first",
                           code="already_signed_on")
        if w["state"] == "closed":
            _set_window(hall, number, state="open", staff=p.name, pause_reason=None, state_since=to_iso(now))
            profile = staff_profile(db, p.name)  # name and 工号 for the window screen (public at a window)
            hall.live.update_window(number, profile)
            hall.emit(db, kind="window", at=now, window=number, actor=p.actor, reason="opened",
                      data={"state": "open", "staff": p.name} | profile)
        return window_view(db, _load_window(hall, number))


def close_window(hall: Hall, number: int, p: Principal) -> dict:
    _require_person(p)
    with hall.store.write() as db:
        now = hall.now()
        w = _load_window(hall, number)
        if w["state"] == "closed":
            return window_view(db, w)
        if w["staff"] != p.name and not p.is_manager:
            raise Forbidden(f"window {number} is signed on by {w['staff']}; only they may sign off",
                            code="not_your_window")
        if w["current_ticket"]:
            t = load_ticket(db, w["current_ticket"])
            raise Conflict(f"{t['number']} is still at window {number}: finish, transfer or mark it "
                           "not present before signing off", code="ticket_in_progress")
        _set_window(hall, number, state="closed", staff=None, pause_reason=None, state_since=to_iso(now))
        hall.live.update_window(number, {"staff_name": None, "staff_no": None})
        hall.emit(db, kind="window", at=now, window=number, actor=p.actor, reason="closed",
                  data={"state": "closed"})
        return window_view(db, _load_window(hall, number))


def pause_window(hall: Hall, number: int, p: Principal, reason: str | None) -> dict:
    with hall.store.write() as db:
        now = hall.now()
        w = _load_window(hall, number)
        _require_operator(w, p)
        if w["state"] == "paused":
            raise Conflict(f"window {number} is already paused", code="already_paused")
        if w["current_ticket"]:
            t = load_ticket(db, w["current_ticket"])
            raise Conflict(f"finish or hand on {t['number']} before pausing", code="ticket_in_progress")
        reason = (reason or "").strip() or "暂停服务 Paused"
        listed = {r.code: f"{r.zh} {r.en}" for r in hall.config.rules.pause_reasons}
        reason = listed.get(reason, reason)  # a code of the hall's pause reasons, or the staff member's own words
        _set_window(hall, number, state="paused", pause_reason=reason[:200], state_since=to_iso(now))
        hall.emit(db, kind="window", at=now, window=number, actor=p.actor, reason="paused",
                  data={"state": "paused", "pause_reason": reason[:200]})
        return window_view(db, _load_window(hall, number))


def resume_window(hall: Hall, number: int, p: Principal) -> dict:
    with hall.store.write() as db:
        now = hall.now()
        w = _load_window(hall, number)
        _require_operator(w, p)
        if w["state"] != "paused":
            raise Conflict(f"window {number} is not paused", code="not_paused")
        _set_window(hall, number, state="open", pause_reason=None, state_since=to_iso(now))
        hall.emit(db, kind="window", at=now, window=number, actor=p.actor, reason="resumed",
                  data={"state": "open"})
        return window_view(db, _load_window(hall, number))


def _choose(hall: Hall, w: dict, now: datetime) -> Waiting | None:
    """The ticket dispatch picks for window `w` now, from a few tickets per zone of the live state."""
    with hall.live.lock:  # a few tickets per zone on which dispatch chooses as it would on the whole queue
        candidates = [t for z in w["zones"] for t in hall.live.peek(hall.today(now), z).candidates()]
    return choose_next(w["zones"], candidates, hall.targets, hall.dispatch_rules, now.timestamp())


def _nobody_waits(hall: Hall, number: int, p: Principal, now: datetime) -> bool:
    """An open window, free, whose operator asks, and nobody waits for its zones: the answer is 204 and nothing
    changes, so no write (its transaction would be empty, yet it would queue for the writer and its COMMIT).
    Anything else, refusals included, is left to the write, which checks again. Like the board, this reads
    the live state, which may show a write whose COMMIT is still running."""
    w = hall.live.window(number)
    if w is None or w["state"] != "open" or w["current_ticket"]:
        return False
    try:
        _require_operator(w, p)
    except (Conflict, Forbidden):
        return False
    return _choose(hall, w, now) is None


def call_next(hall: Hall, number: int, p: Principal) -> dict | None:
    """Dispatch picks the next ticket for this window; None when nobody waits for its zones."""
    if _nobody_waits(hall, number, p, hall.now()):
        return None
    with hall.store.write() as db:
        now = hall.now()
        w = _load_window(hall, number)
        _require_operator(w, p)
        if w["state"] == "paused":
            raise Conflict(f"window {number} is paused; resume it first", code="window_paused")
        if w["current_ticket"]:
            t = load_ticket(db, w["current_ticket"])
            raise Conflict(f"{t['number']} is still at window {number}: finish it, transfer it or mark it "
                           "not present first", code="ticket_in_progress", ticket=public_ticket(t))
        day = hall.today(now)
        chosen = _choose(hall, w, now)
        if chosen is None:
            return None
        at = to_iso(now)
        hall.store.conn.execute(
            "UPDATE tickets SET state = 'called', window = ?, staff = ?, called_at = ? WHERE id = ?",
            [number, w["staff"], at, chosen.id],
        )
        row = hall.live.remove_waiting(chosen.id) | {"state": "called", "window": number, "staff": w["staff"],
                                                     "called_at": at}
        _set_window(hall, number, current_ticket=row["id"], ticket=row)
        event = hall.emit(db, kind="called", at=now, ticket=row, window=number, actor=p.actor,
                          data=queue_news(hall, day, [row["zone"]], now))
        hall.live.called(day, _call(event, number), row)
        return public_ticket(row)


def _call(event, window: int) -> dict:
    """A call as the board lists it."""
    return {"id": event.id, "kind": event.kind, "at": event.data["at"], "window": window}


def ticket_action(hall: Hall, number: int, action: str, p: Principal, body: dict) -> dict:
    """recall / start / finish / no_show / transfer on the window's current ticket."""
    if action not in TICKET_ACTIONS:
        raise NotFound(f"unknown window action {action!r}", code="unknown_action")
    with hall.store.write() as db:
        now = hall.now()
        w = _load_window(hall, number)
        _require_operator(w, p)
        if not w["current_ticket"]:
            raise Conflict(f"window {number} has no current ticket; call next first", code="no_current_ticket")
        row = load_ticket(db, w["current_ticket"])
        expected = body.get("ticket_id")
        if expected is not None and expected != row["id"]:
            raise Conflict(f"this page is out of date: window {number} now has {row['number']}; refresh",
                           code="stale", ticket=public_ticket(row))
        new_state = transition(hall, row, action, now)
        at = to_iso(now)
        data: dict = {}
        reason = None
        if action == "recall":
            db.execute("UPDATE tickets SET recalls = recalls + 1 WHERE id = ?", [row["id"]])
        elif action == "finish":
            db.execute("UPDATE tickets SET state = ?, finished_at = ? WHERE id = ?", [new_state, at, row["id"]])
            _set_window(hall, number, current_ticket=None)
            hall.live.service_finished(row["zone"], now.timestamp() - epoch(row["called_at"]))
        elif action == "start":
            db.execute("UPDATE tickets SET state = ?, started_at = ? WHERE id = ?", [new_state, at, row["id"]])
        elif action == "no_show":
            db.execute("UPDATE tickets SET state = ?, ended_at = ? WHERE id = ?", [new_state, at, row["id"]])
            _set_window(hall, number, current_ticket=None)
        elif action == "transfer":
            zone = body.get("zone")
            if zone not in hall.config.zone_codes():
                raise BadRequest(f"transfer needs a known zone; choose one of {', '.join(hall.config.zone_codes())}",
                                 code="unknown_zone")
            if zone == row["zone"]:
                raise BadRequest(f"{row['number']} is already in zone {zone}", code="same_zone")
            note = body.get("note")
            if note is not None and not isinstance(note, str):
                raise BadRequest("note must be text", code="bad_note")
            reason = (note or "")[:500] or None
            # Keeps queued_at: a transferred citizen does not lose their place.
            db.execute(
                "UPDATE tickets SET state = ?, zone = ?, transfers = transfers + 1, window = NULL, note = ?,"
                " called_at = NULL, started_at = NULL, recalls = 0 WHERE id = ?",
                [new_state, zone, reason, row["id"]],
            )
            _set_window(hall, number, current_ticket=None)
            data = {"from_zone": row["zone"], "to_zone": zone}
        before = row
        row = load_ticket(db, row["id"])
        if action == "transfer":
            issued = epoch(row["issued_at"])
            hall.live.add_waiting(row, as_waiting(row))
            hall.live.left(row["day"], before["zone"], issued, row["id"])
            hall.live.arrived(row["day"], row["zone"], issued, row["id"])
            hall.live.moved_zone(row["id"], row["zone"])
            data |= queue_news(hall, row["day"], [row["zone"]], now)
        kind = {"recall": "recalled", "start": "started", "finish": "finished", "no_show": "no_show",
                "transfer": "transferred"}[action]
        event = hall.emit(db, kind=kind, at=now, ticket=row, window=number, actor=p.actor, reason=reason, data=data)
        if action == "recall" and row["day"] == hall.today(now):  # the board lists today's tickets' calls
            hall.live.called(row["day"], _call(event, number), row)
        return public_ticket(row)


def set_zones(hall: Hall, number: int, zones: object, p: Principal, reason: str | None = None) -> dict:
    if not p.is_manager:
        raise Forbidden("only a hall manager may change which zones a window serves", code="manager_only")
    if not isinstance(zones, list) or not zones or not all(isinstance(z, str) for z in zones):
        raise BadRequest('zones must be a non-empty list of zone codes, home zone first, e.g. ["commerce"]',
                         code="bad_zones")
    unknown = [z for z in zones if z not in hall.config.zone_codes()]
    if unknown:
        raise BadRequest(f"unknown zone(s) {', '.join(unknown)}", code="unknown_zone")
    if len(set(zones)) != len(zones):
        raise BadRequest("a zone is listed twice", code="bad_zones")
    with hall.store.write() as db:
        now = hall.now()
        w = _load_window(hall, number)
        _set_window(hall, number, zones=list(zones))
        hall.emit(db, kind="window", at=now, window=number, actor=p.actor, reason="zones changed",
                  data={"zones": zones, "previous_zones": w["zones"], "note": reason})
        return window_view(db, _load_window(hall, number))


