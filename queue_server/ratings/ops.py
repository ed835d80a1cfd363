"""Storing ratings and following up bad ones: each change one write transaction and one live event."""

from __future__ import annotations

from datetime import timedelta

from sqlite_utils import Database

from queue_server.clock import from_iso, to_iso
from queue_server.core.rating_scale import FOLLOW_UP_HOURS, check_rating, is_bad, level
from queue_server.errors import BadRequest, Conflict, Forbidden, NotFound
from queue_server.hall import Hall
from queue_server.ops.accounts import Principal
from queue_server.ops.tickets import load_ticket, ticket_status
from queue_server.ratings.tokens import make_token
from queue_server.storage.rows import get_row

RATE_WITHIN = timedelta(days=1)  # a service may be rated up to a day after it finished
PAD_SHOWS_FOR = timedelta(minutes=5)  # the pad offers a finished ticket for this long

def secret(hall: Hall) -> str:
    return hall.store.read().execute("SELECT secret FROM rating_secret WHERE id = 1").fetchone()[0]


def rating_link(hall: Hall, ticket_id: int) -> dict:
    load_ticket(hall.store.read(), ticket_id)
    token = make_token(secret(hall), ticket_id)
    return {"ticket_id": ticket_id, "token": token, "path": f"/rate/t/{token}"}


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


def pad_ticket(hall: Hall, window: int, p: Principal) -> dict | None:
    """The ticket the window's rating pad should offer: finished here in the last minutes, not rated yet."""
    _check_window_rater(hall, window, p)
    db = hall.store.read()
    since = to_iso(hall.now() - PAD_SHOWS_FOR)
    rows = list(db.query(
        "SELECT t.* FROM tickets t LEFT JOIN ratings r ON r.ticket_id = t.id WHERE t.window = ? AND t.state = 'done'"
        " AND t.finished_at >= ? AND r.id IS NULL ORDER BY t.finished_at DESC LIMIT 1", [window, since],
    ))
    return ticket_for_rating(hall, db, rows[0]) if rows else None


def _check_window_rater(hall: Hall, window: int, p: Principal) -> None:
    """The window's own pad/button device, or the staff member signed on at that window."""
    if p.kind == "device":
        if p.device_kind == "button" and p.window == window:
            return
        raise Forbidden(f"device {p.name} is not the rating pad of window {window}", code="not_your_window")
    if p.kind in ("staff", "manager"):
        row = hall.store.read().execute("SELECT staff FROM windows WHERE number = ?", [window]).fetchone()
        if row is None:
            raise NotFound(f"there is no window {window} in this hall", code="window_not_found")
        if row[0] == p.name:
            return
    raise Forbidden(f"only window {window}'s pad or the staff member signed on there may record its ratings",
                    code="not_your_window")


def rate(hall: Hall, ticket_id: int, body: dict, *, source: str, principal: Principal | None = None,
         actor: tuple[str, str] = ("citizen", "phone")) -> dict:
    """Record one rating. Pad/staff ratings need the window's device or its signed-on staff member."""
    try:
        score, reason, comment = check_rating(body.get("score"), body.get("reason"), body.get("comment"))
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
            if row["window"] is None:
                raise Conflict(f"{row['number']} has not been served at a window yet", code="not_finished")
            _check_window_rater(hall, row["window"], principal)
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
                        "due_at": to_iso(now + timedelta(hours=FOLLOW_UP_HOURS))}
            followup["id"] = db["rating_followups"].insert(followup).last_pk
        lv = level(score)
        # the event stream is public on the LAN: it carries the score, never the reason, comment or phone number
        hall.emit(db, kind="rated", at=now, ticket=row, window=row["window"], actor=actor,
                  data={"rating": {"id": rating["id"], "score": score, "zh": lv.zh, "en": lv.en,
                                   "bad": is_bad(score), "followup_id": followup and followup["id"]}})
    return {**rating, "followup_id": followup and followup["id"]}


# ---- follow-up of bad ratings ----

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

