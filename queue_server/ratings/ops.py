"""Storing ratings and following up bad ones: each change one write transaction and one live event."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlite_utils import Database

from queue_server.clock import from_iso, to_iso
from queue_server.core.rating_scale import check_rating, is_bad, level, reasons_of
from queue_server.errors import BadRequest, Conflict, Forbidden, NotFound
from queue_server.hall import Hall
from queue_server.ops.accounts import Principal
from queue_server.ops.tickets import load_ticket, ticket_status
from queue_server.storage.rows import get_row

RATE_WITHIN = timedelta(days=1)  # a service may be rated up to a day after it finished
PAD_SHOWS_S = 180  # the pad offers a just-finished ticket this long (setting RATING_PAD_SHOWS_S)


def _names(hall: Hall, row: dict) -> dict:
    zone = hall.config.zone(row["zone"])
    out = {"zone_zh": zone.name_zh, "zone_en": zone.name_en, "matter_zh": None, "matter_en": None}
    if row.get("matter"):
        try:
            m = hall.config.matter(row["matter"])
            out.update(matter_zh=m.name_zh, matter_en=m.name_en)
        except KeyError:
            pass
    return out


def ticket_for_rating(hall: Hall, db: Database, row: dict) -> dict:
    """What a rating page shows of a ticket (no internal columns); while it waits, its place and estimate too."""
    rated = db.execute("SELECT score FROM ratings WHERE ticket_id = ?", [row["id"]]).fetchone()
    status = ticket_status(hall, db, row)
    return {"id": row["id"], "number": row["number"], "zone": row["zone"], "matter": row["matter"],
            "window": row["window"], "state": row["state"], "finished_at": row["finished_at"],
            "ahead": status["ahead"], "estimated_wait_s": status["estimated_wait_s"],
            "wait_zh": status.get("wait_zh"), "wait_en": status.get("wait_en"),
            "rated": rated is not None, "score": rated[0] if rated else None, **_names(hall, row)}


def _pad_row(db: Database, window: int, now, shows_s: int) -> dict | None:
    """The one ticket a window's pad may offer: the last one finished there, within `shows_s`, not rated."""
    rows = list(db.query("SELECT * FROM tickets WHERE window = ? AND state = 'done' AND finished_at IS NOT NULL"
                         " ORDER BY finished_at DESC, id DESC LIMIT 1", [window]))
    if not rows or from_iso(rows[0]["finished_at"]) < now - timedelta(seconds=shows_s):
        return None
    if db.execute("SELECT 1 FROM ratings WHERE ticket_id = ?", [rows[0]["id"]]).fetchone():
        return None
    return rows[0]


def pad_ticket(hall: Hall, window: int, p: Principal, shows_s: int = PAD_SHOWS_S) -> dict | None:
    """The ticket the window's rating pad should offer: the one just finished here, not rated yet."""
    _check_window_pad(hall, window, p)
    db = hall.store.read()
    row = _pad_row(db, window, hall.now(), shows_s)
    return ticket_for_rating(hall, db, row) if row else None


def _check_window_pad(hall: Hall, window: int, p: Principal) -> None:
    """Only the window's own rating pad (a device of kind `pad` bound to it); staff never rate for a citizen."""
    if window not in {w.number for w in hall.config.windows}:
        raise NotFound(f"there is no window {window} in this hall", code="window_not_found")
    if p.kind == "device" and p.device_kind == "pad" and p.window == window:
        return
    raise Forbidden(f"only window {window}'s rating pad may offer and record its ratings; ratings come from the "
                    "citizen (the pad or the phone link on the ticket)", code="not_your_window")


def rate(hall: Hall, ticket_id: int, body: dict, *, source: str, principal: Principal | None = None,
         actor: tuple[str, str] = ("citizen", "phone"), pad_shows_s: int = PAD_SHOWS_S) -> dict:
    """Record one rating: from the phone link (principal None) or the window's pad (only what it offers now)."""
    try:
        score, reason, comment = check_rating(body.get("score"), body.get("reason"), body.get("comment"),
                                              reasons_of(hall.config.rules))
    except ValueError as e:
        raise BadRequest(str(e), code="bad_rating") from None
    contact = body.get("contact")
    if contact is not None and (not isinstance(contact, str) or len(contact) > 40):
        raise BadRequest("contact must be a phone number or similar, at most 40 characters", code="bad_rating")
    contact = (contact or "").strip() or None
    with hall.store.write() as db:
        now = hall.now()
        row = load_ticket(db, ticket_id)
        if principal is not None:
            if principal.window is None or row["window"] != principal.window:
                raise Forbidden(f"{row['number']} was not served at this pad's window", code="not_your_window")
            _check_window_pad(hall, principal.window, principal)
            offered = _pad_row(db, principal.window, now, pad_shows_s)
            if db.execute("SELECT 1 FROM ratings WHERE ticket_id = ?", [ticket_id]).fetchone():
                raise Conflict(f"{row['number']} has already been rated; thank you", code="already_rated")
            if offered is None or offered["id"] != ticket_id:
                raise Conflict("this pad may rate only the ticket that has just finished at its window, once",
                               code="not_offered")
        if row["state"] != "done" or not row["finished_at"]:
            raise Conflict(f"{row['number']} can be rated once its service is finished", code="not_finished")
        if now - from_iso(row["finished_at"]) > RATE_WITHIN:
            raise Conflict("a service can be rated within a day of finishing; this one is too old",
                           code="rating_closed")
        if db.execute("SELECT 1 FROM ratings WHERE ticket_id = ?", [ticket_id]).fetchone():
            raise Conflict(f"{row['number']} has already been rated; thank you", code="already_rated")
        rating = {"ticket_id": ticket_id, "day": row["day"], "number": row["number"], "zone": row["zone"],
                  "matter": row["matter"], "window": row["window"], "staff": row["staff"], "score": score,
                  "reason": reason, "comment": comment, "contact": contact, "source": source, "at": to_iso(now)}
        rating["id"] = db["ratings"].insert(rating).last_pk
        followup = None
        if is_bad(score):
            followup = {"rating_id": rating["id"], "opened_at": to_iso(now), "state": "open",
                        "due_at": to_iso(follow_up_due(hall, now))}
            followup["id"] = db["rating_followups"].insert(followup).last_pk
        lv = level(score)
        # the event stream is public on the LAN: it carries the score, never the reason, comment or phone number
        hall.emit(db, kind="rated", at=now, ticket=row, window=row["window"], actor=actor,
                  data={"rating": {"id": rating["id"], "score": score, "zh": lv.zh, "en": lv.en,
                                   "bad": is_bad(score), "followup_id": followup and followup["id"]}})
    return {**rating, "followup_id": followup and followup["id"]}


# ---- follow-up of bad ratings ----


def follow_up_due(hall: Hall, rated_at: datetime) -> datetime:
    """The end (23:59:59 hall time) of the N-th working day after the rating's day, on the hall calendar
    (N: rules.follow_up_working_days; local rules say 5 in Dezhou, 15 in some Sichuan cities)."""
    tz = hall.config.tz
    day = hall.calendar.add_working_days(rated_at.astimezone(tz).date(), hall.config.rules.follow_up_working_days)
    return datetime.combine(day, time(23, 59, 59), tz)

FOLLOWUP_STATES = ("open", "assigned", "closed")


def list_followups(hall: Hall, state: str | None = None, limit: int = 200, only: int | None = None) -> list[dict]:
    db = hall.store.read()
    sql = ("SELECT f.*, r.ticket_id, r.number, r.zone, r.window, r.staff, r.score, r.reason, r.comment, r.contact,"
           " r.source, r.at AS rated_at FROM rating_followups f JOIN ratings r ON r.id = f.rating_id")
    args: list = []
    if only is not None:
        sql += " WHERE f.id = ?"
        args.append(only)
    elif state == "pending":
        sql += " WHERE f.state != 'closed'"
    elif state:
        if state not in FOLLOWUP_STATES:
            raise BadRequest(f"state must be one of pending, {', '.join(FOLLOWUP_STATES)}", code="bad_state")
        sql += " WHERE f.state = ?"
        args.append(state)
    sql += " ORDER BY f.state = 'closed', f.opened_at DESC LIMIT ?"
    args.append(limit)
    rows = list(db.query(sql, args))
    notes: dict[int, list] = {}
    if rows:
        ids = [r["id"] for r in rows]
        for n in db.query(f"SELECT * FROM rating_followup_notes WHERE followup_id IN ({','.join('?' * len(ids))})"
                          " ORDER BY id", ids):
            notes.setdefault(n["followup_id"], []).append({"at": n["at"], "author": n["author"], "text": n["text"]})
    now = hall.now()
    for r in rows:
        r["notes"] = notes.get(r["id"], [])
        r["overdue"] = r["state"] != "closed" and from_iso(r["due_at"]) < now
    return rows


def _load_followup(db: Database, followup_id: int) -> dict:
    return get_row(db, "rating_followups", followup_id, code="followup_not_found",
                   message=f"there is no follow-up item {followup_id}")


def update_followup(hall: Hall, followup_id: int, action: str, p: Principal, body: dict) -> dict:
    """assign (to a user), note (free text) or close (with an outcome) a follow-up item."""
    text = body.get("assignee") if action == "assign" else body.get("text" if action == "note" else "outcome")
    if text is not None and not isinstance(text, str):
        raise BadRequest("the value must be text", code="bad_field")
    text = (text or "").strip()[:1000]
    with hall.store.write() as db:
        now = to_iso(hall.now())
        f = _load_followup(db, followup_id)
        if f["state"] == "closed":
            raise Conflict(f"follow-up {followup_id} is already closed", code="followup_closed")
        if action == "assign":
            if not text:
                raise BadRequest("assign needs an assignee (a user name)", code="missing_field")
            if not db.execute("SELECT 1 FROM users WHERE username = ?", [text]).fetchone():
                raise BadRequest(f"there is no user {text!r}", code="unknown_user")
            db.execute("UPDATE rating_followups SET assignee = ?, state = 'assigned' WHERE id = ?", [text, followup_id])
            note = f"指派给 assigned to {text}"
        elif action == "note":
            if not text:
                raise BadRequest("a note needs some text", code="missing_field")
            note = text
        elif action == "close":
            if not text:
                raise BadRequest("closing needs an outcome (what was done, e.g. 已电话回访 called back)",
                                 code="missing_field")
            db.execute("UPDATE rating_followups SET state = 'closed', closed_at = ?, closed_by = ?, outcome = ?"
                       " WHERE id = ?", [now, p.name, text, followup_id])
            note = f"关闭 closed: {text}"
        else:
            raise NotFound(f"unknown follow-up action {action!r}", code="unknown_action")
        db["rating_followup_notes"].insert({"followup_id": followup_id, "at": now, "author": p.name, "text": note})
        hall.emit(db, kind="followup", at=hall.now(), actor=p.actor, reason=action,
                  data={"followup": {"id": followup_id, "action": action}})
    return list_followups(hall, only=followup_id)[0]


def ratings_between(hall: Hall, first_day: str, last_day: str) -> list[dict]:
    return list(hall.store.read().query(
        "SELECT * FROM ratings WHERE day BETWEEN ? AND ? ORDER BY at", [first_day, last_day]))

