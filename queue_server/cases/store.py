"""Accepted cases in the database: accept or refuse at the window, the back office's state changes (one by one,
idempotent, or from CSV), materials supplied after 容缺受理. Every change is an event in the append-only log
(kind case_accepted, case_refused, case_supplied, case_state) with its actor and time.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

from sqlite_utils import Database

from queue_server.cases import deadlines
from queue_server.cases.materials import MaterialCheck, check_materials, deficiency_allowed
from queue_server.cases.numbers import case_number, clean_id_number, mask_id
from queue_server.cases.states import LABELS, OPEN, TransitionError, next_state
from queue_server.clock import to_iso
from queue_server.codes.keyfile import KeyStore
from queue_server.core import signed_codes
from queue_server.errors import BadRequest, Conflict, Forbidden, NotFound
from queue_server.hall import Hall
from queue_server.hall_config import Matter
from queue_server.notify import phones
from queue_server.ops.accounts import Principal
from queue_server.ops.tickets import load_ticket
from queue_server.pickups import licences
from queue_server.storage.rows import get_row

MAX_CSV_ROWS = 5000


# ---- reading ----

def load(db: Database, case_id: int) -> dict:
    return get_row(db, "cases", case_id, code="case_not_found", message=f"no case with id {case_id}")


def _json_list(text: str | None) -> list[str]:
    return json.loads(text) if text else []


def _materials(hall: Hall, ids: list[str]) -> list[dict]:
    cat = hall.config.materials
    return [{"id": i, "zh": cat[i].zh if i in cat else i, "en": cat[i].en if i in cat else i} for i in ids]


def department(hall: Hall, matter: Matter) -> str:
    if matter.department:
        return matter.department
    z = hall.config.zone(matter.zone)
    return f"{z.name_zh} {z.name_en}"


def receipt_token(hall: Hall, keys: KeyStore, case_id: int) -> str:
    return signed_codes.sign(keys.ring(), kind="case", hall=hall.config.code, object_id=case_id, expires_at=None)


def receipt_url(hall: Hall, token: str) -> str:
    return f"{hall.config.public.base_url.rstrip('/')}/c/{token}"


def staff_view(hall: Hall, row: dict) -> dict:
    """A case as the window and the back office see it (the ID only masked, never its hash)."""
    try:
        m = hall.config.matter(row["matter"])
        mzh, men = m.name_zh, m.name_en
    except KeyError:
        mzh = men = row["matter"]
    zh, en = LABELS[row["state"]]
    return {
        "id": row["id"], "case_no": row["case_no"], "state": row["state"], "state_zh": zh, "state_en": en,
        "matter": row["matter"], "matter_zh": mzh, "matter_en": men, "bundle": row["bundle"],
        "department": row["department"], "window": row["window"], "staff": row["staff"],
        "ticket_number": row["ticket_number"], "applicant_name": row["applicant_name"], "id_masked": row["id_masked"],
        "phone_masked": phones.mask(row["phone"]) if row["phone"] else None,
        "provided": _materials(hall, _json_list(row["provided"])),
        "missing_aux": _materials(hall, _json_list(row["missing_aux"])),
        "missing_main": _materials(hall, _json_list(row["missing_main"])),
        "refusal_reason": row["refusal_reason"], "refusal_note": row["refusal_note"],
        "accepted_at": row["accepted_at"], "accepted_day": row["accepted_day"], "due_day": row["due_day"],
        "supply_due_day": row["supply_due_day"], "supplied_at": row["supplied_at"], "decided_at": row["decided_at"],
        "licence_id": row["licence_id"], "external_ref": row["external_ref"],
        "level": _level(hall, row),
    }


def _level(hall: Hall, row: dict) -> str | None:
    """ok, yellow or red for an open case (the dashboard's rule); None once it is decided."""
    if row["state"] not in OPEN or not row["due_day"]:
        return None
    return deadlines.level(hall.calendar, date.fromisoformat(row["accepted_day"]), date.fromisoformat(row["due_day"]),
                           today_of(hall), hall.config.rules.case_warn_percent)


def history(db: Database, case_id: int) -> list[dict]:
    """The case's events, oldest first: kind, time, actor, states."""
    rows = db.query("SELECT id, at, kind, actor_kind, actor, data FROM events WHERE kind LIKE 'case_%'"
                    " AND json_extract(data, '$.case_id') = ? ORDER BY id", [case_id])
    return [{"id": r["id"], "at": r["at"], "kind": r["kind"], "actor": f"{r['actor_kind']}:{r['actor']}",
             "state": json.loads(r["data"]).get("state"), "from_state": json.loads(r["data"]).get("from_state")}
            for r in rows]


def list_cases(hall: Hall, *, state: str | None = None, limit: int = 200) -> list[dict]:
    db = hall.store.read()
    sql, args = "SELECT * FROM cases", []
    if state:
        sql, args = sql + " WHERE state = ?", [state]
    return [staff_view(hall, r) for r in db.query(sql + " ORDER BY id DESC LIMIT ?", [*args, limit])]


def open_cases(hall: Hall) -> list[dict]:
    """What the dashboard's deadline check reads."""
    out = []
    for r in hall.store.read().query(f"SELECT * FROM cases WHERE state IN ({','.join('?' * len(OPEN))})", OPEN):
        v = staff_view(hall, r)
        out.append({k: v[k] for k in ("id", "case_no", "state", "matter_zh", "matter_en", "department", "window",
                                      "accepted_day", "due_day", "supply_due_day")})
    return out


# ---- at the window ----

def _serving_ticket(hall: Hall, window: int, p: Principal) -> dict:
    w = hall.live.window(window)
    if w is None:
        raise NotFound(f"there is no window {window} in this hall", code="window_not_found")
    if p.kind not in ("staff", "manager") or (w["staff"] != p.name and not p.is_manager):
        raise Forbidden(f"you are not signed on at window {window}; sign on there first", code="not_your_window")
    if not w["current_ticket"]:
        raise Conflict(f"window {window} is serving no ticket; a case is accepted while serving one",
                       code="no_ticket")
    return load_ticket(hall.store.read(), w["current_ticket"])


def _with_chain(matters: list[Matter], provided: set[str]) -> list[tuple[Matter, set[str]]]:
    """Each matter with what counts as brought for it: in a one-thing bundle what an earlier matter of the chain
    issues (the 营业执照 of the first) is not asked of the citizen (the merged list leaves it out)."""
    out, produced = [], set()
    for m in matters:
        out.append((m, provided | produced))
        produced |= set(m.produces)
    return out


def _matters_of(hall: Hall, ticket: dict) -> list[Matter]:
    cfg = hall.config
    try:
        if ticket.get("bundle"):
            return [cfg.matter(c) for c in cfg.bundle(ticket["bundle"]).matters]
        if ticket.get("matter"):
            return [cfg.matter(ticket["matter"])]
    except KeyError:
        pass
    raise Conflict(f"ticket {ticket['number']} names no matter of this hall; a case needs one", code="no_matter")


def _applicant(body: dict, *, required: bool) -> dict:
    def text(name: str, limit: int) -> str | None:
        v = body.get(name)
        if v is None or (isinstance(v, str) and not v.strip()):
            if required:
                raise BadRequest(f"{name!r} is required", code="missing_field", field=name)
            return None
        if not isinstance(v, str) or len(v) > limit or not v.strip().isprintable():
            raise BadRequest(f"{name!r} must be printable text of at most {limit} characters", code="bad_field",
                             field=name)
        return " ".join(v.split())
    out = {"name": text("applicant_name", 64), "id_number": None, "phone": None}
    raw_id = text("id_number", 32)
    if raw_id is not None:
        try:
            out["id_number"] = clean_id_number(raw_id)
        except ValueError as e:
            raise BadRequest(f"'id_number': {e}", code="bad_field", field="id_number") from None
    raw_phone = text("phone", 20)
    if raw_phone is not None:
        try:
            out["phone"] = phones.normalise(raw_phone)
        except ValueError as e:
            raise BadRequest(f"'phone': {e}", code="bad_field", field="phone") from None
    return out


def _provided(hall: Hall, body: dict) -> set[str]:
    v = body.get("provided", [])
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v) or len(v) > 200:
        raise BadRequest("'provided' must be a list of material ids", code="bad_field", field="provided")
    unknown = sorted(set(v) - set(hall.config.materials))
    if unknown:
        raise BadRequest(f"unknown material(s): {', '.join(unknown)}", code="bad_field", field="provided")
    return set(v)


def _next_seq(db: Database, day: str) -> int:
    return db.execute("SELECT coalesce(max(seq), 0) + 1 FROM cases WHERE day = ?", [day]).fetchone()[0]


def _insert(hall: Hall, db: Database, keys: KeyStore, *, ticket: dict, window: int, p: Principal, matter: Matter,
            applicant: dict, provided: set[str], check: MaterialCheck, state: str, now: datetime,
            reason: str | None = None, note: str | None = None) -> dict:
    tz = hall.config.tz
    today = now.astimezone(tz).date()
    seq = _next_seq(db, today.isoformat())
    rules = hall.config.rules
    due = deadlines.promised_date(hall.calendar, today, matter.promised_days)
    supply_due = (deadlines.promised_date(hall.calendar, today, rules.supply_working_days)
                  if state == "pending_supply" else None)
    id_number = applicant["id_number"]
    row = {
        "case_no": case_number(rules.case_number_pattern, hall=hall.config.code, day=today, seq=seq),
        "day": today.isoformat(), "seq": seq, "ticket_id": ticket["id"], "ticket_number": ticket["number"],
        "window": window, "staff": p.name, "matter": matter.code, "bundle": ticket.get("bundle"),
        "department": department(hall, matter), "state": state, "applicant_name": applicant["name"],
        "id_masked": mask_id(id_number) if id_number else None, "phone": applicant["phone"],
        "provided": json.dumps(sorted(provided & set(matter.materials))),
        "missing_aux": json.dumps(list(check.missing_aux)), "missing_main": json.dumps(list(check.missing_main)),
        "refusal_reason": reason, "refusal_note": note, "accepted_at": to_iso(now), "accepted_day": today.isoformat(),
        "due_day": None if state == "refused" else due.isoformat(),
        "supply_due_day": supply_due.isoformat() if supply_due else None, "state_changed_at": to_iso(now),
    }
    case_id = db["cases"].insert(row).last_pk
    if id_number:
        db.execute("UPDATE cases SET id_last4_hash = ? WHERE id = ?",
                   [signed_codes.digits_hash(keys.ring().code_secret, f"case:{case_id}", id_number[-4:]), case_id])
    if state in ("accepted", "pending_supply"):
        licence_id = _pending_licence(hall, db, keys, load(db, case_id), id_number, p.actor, now)
        db.execute("UPDATE cases SET licence_id = ? WHERE id = ?", [licence_id, case_id])
    kind = "case_refused" if state == "refused" else "case_accepted"
    hall.emit(db, kind=kind, at=now, window=window, actor=p.actor, reason=reason,
              data={"case_id": case_id, "case_no": row["case_no"], "state": state, "matter": matter.code,
                    "missing": list(check.missing)})
    return load(db, case_id)


def accept(hall: Hall, keys: KeyStore, window: int, p: Principal, body: dict) -> list[dict]:
    """受理: one case per matter of the ticket (a bundle's matters each get one). 容缺 when `deficiency` is true
    and only materials the matter's guide lets follow later (deferrable_materials) are missing; a missing 主件
    that may not follow is a 409 that lists what is missing (the window refuses instead and prints the one-time
    notice)."""
    ticket = _serving_ticket(hall, window, p)
    provided = _provided(hall, body)
    requested = body.get("deficiency", False)
    if not isinstance(requested, bool):
        raise BadRequest("'deficiency' must be true or false", code="bad_field", field="deficiency")
    plans = []
    for matter, brought in _with_chain(_matters_of(hall, ticket), provided):
        check = check_materials(matter, brought, deficiency_requested=requested)
        if check.decision == "refuse":
            why = ("main materials that may not follow later are missing" if check.missing_main else
                   "materials are missing that may follow only under a 容缺 pledge, which was not requested")
            raise Conflict(f"{matter.code} cannot be accepted: {why}; refuse it to print the one-time notice",
                           code="materials_missing", matter=matter.code, missing=list(check.missing),
                           deficiency_allowed=deficiency_allowed(matter))
        plans.append((matter, check))
    applicant = _applicant(body, required=True)  # after the materials: a refusal needs no personal data
    if not applicant["phone"]:
        raise BadRequest("'phone' is required (the ready notice is sent to it)", code="missing_field", field="phone")
    now = hall.now()
    with hall.store.write() as db:
        return [_insert(hall, db, keys, ticket=ticket, window=window, p=p, matter=m, applicant=applicant,
                        provided=provided, check=c, now=now,
                        state="pending_supply" if c.decision == "deficiency" else "accepted") for m, c in plans]


def refuse(hall: Hall, keys: KeyStore, window: int, p: Principal, body: dict) -> list[dict]:
    """不予受理: the reason from the hall's list; what is missing is recorded for the one-time notice."""
    ticket = _serving_ticket(hall, window, p)
    reasons = {r.code for r in hall.config.rules.refusal_reasons}
    reason = body.get("reason")
    if reason not in reasons:
        raise BadRequest(f"'reason' must be one of {', '.join(sorted(reasons))}", code="bad_field", field="reason")
    note = body.get("note")
    if note is not None and (not isinstance(note, str) or len(note) > 200):
        raise BadRequest("'note' must be text of at most 200 characters", code="bad_field", field="note")
    applicant = _applicant(body, required=False)
    provided = _provided(hall, body)
    now = hall.now()
    with hall.store.write() as db:
        out = []
        for matter, brought in _with_chain(_matters_of(hall, ticket), provided):
            check = check_materials(matter, brought, deficiency_requested=False)
            out.append(_insert(hall, db, keys, ticket=ticket, window=window, p=p, matter=matter, applicant=applicant,
                               provided=provided, check=check, state="refused", now=now, reason=reason,
                               note=note))
        return out


def mark_supplied(hall: Hall, case_id: int, p: Principal, body: dict) -> dict:
    """The window marks materials promised under 容缺 as supplied (all of them by default)."""
    now = hall.now()
    with hall.store.write() as db:
        row = load(db, case_id)
        outstanding = _json_list(row["missing_aux"])
        which = body.get("materials", outstanding)
        if not isinstance(which, list) or not set(which) <= set(outstanding) or not which:
            raise BadRequest(f"'materials' must list outstanding materials of this case: {', '.join(outstanding)}"
                             if outstanding else "this case has no outstanding materials", code="bad_field",
                             field="materials")
        left = [m for m in outstanding if m not in which]
        provided = sorted(set(_json_list(row["provided"])) | set(which))
        state = row["state"]
        if not left and state == "pending_supply":
            state = "accepted"
        db.execute("UPDATE cases SET missing_aux = ?, provided = ?, state = ?, supplied_at = ?, state_changed_at = ?"
                   " WHERE id = ?", [json.dumps(left), json.dumps(provided), state,
                                     to_iso(now) if not left else None, to_iso(now), case_id])
        hall.emit(db, kind="case_supplied", at=now, actor=p.actor,
                  data={"case_id": case_id, "case_no": row["case_no"], "state": state, "from_state": row["state"],
                        "supplied": which, "outstanding": left})
        return load(db, case_id)


# ---- the back office ----

def _pending_licence(hall: Hall, db: Database, keys: KeyStore, row: dict, id_number: str, actor: tuple[str, str],
                     now: datetime) -> int:
    """The pickup licence of an accepted case, pending until the case is finished: the ID's last 4 characters
    are known only now (the case keeps none of them in the clear), and 已办结 then just makes it ready."""
    try:
        kind = hall.config.matter(row["matter"]).name_zh
    except KeyError:
        kind = row["matter"]
    raw = {"case_no": row["case_no"], "licence_type": kind, "holder_name": row["applicant_name"],
           "id_last4": id_number[-4:], "phone_last4": row["phone"][-4:], "phone": row["phone"], "ready": False}
    clean = licences.validate(raw, now=now, tz=hall.config.tz, hold_days=hall.config.rules.licence_hold_days)
    return licences.register(hall, db, keys, clean, actor, now)["id"]


def _make_ready(hall: Hall, db: Database, licence_id: int, now: datetime, on_ready: licences.OnReady | None) -> None:
    """Ready from today, kept for the hall's hold days from today."""
    expires = licences.parse_expiry(None, now=now, tz=hall.config.tz, hold_days=hall.config.rules.licence_hold_days)
    db.execute("UPDATE licences SET state = 'ready', ready_at = ?, expires_at = ? WHERE id = ? AND state = 'pending'",
               [to_iso(now), to_iso(expires), licence_id])
    if on_ready:
        on_ready(db, licences.load(db, licence_id))


def set_state(hall: Hall, keys: KeyStore, case_id: int, wanted: object, actor: tuple[str, str], *,
              ref: str | None = None, on_ready: licences.OnReady | None = None) -> tuple[dict, bool]:
    """(the case, changed?). Setting the state it has is a no-op (the approval system may repeat a call)."""
    now = hall.now()
    with hall.store.write() as db:
        row = load(db, case_id)
        try:
            new = next_state(row["state"], str(wanted), supply_outstanding=bool(_json_list(row["missing_aux"])))
        except TransitionError as e:
            raise (BadRequest if e.code == "bad_state" else Conflict)(str(e), code=e.code, state=row["state"]) \
                from None
        if new is None:
            return row, False
        licence_id = row["licence_id"]
        if new == "done" and licence_id is not None:
            _make_ready(hall, db, licence_id, now, on_ready)
        if new == "denied" and licence_id is not None:  # nothing to collect: the pending licence is withdrawn
            db.execute("DELETE FROM licences WHERE id = ? AND state = 'pending'", [licence_id])
            licence_id = None
        decided = to_iso(now) if new in ("done", "denied") else row["decided_at"]
        db.execute("UPDATE cases SET state = ?, state_changed_at = ?, decided_at = ?, licence_id = ?,"
                   " external_ref = coalesce(?, external_ref) WHERE id = ?",
                   [new, to_iso(now), decided, licence_id, ref, case_id])
        hall.emit(db, kind="case_state", at=now, actor=actor,
                  data={"case_id": case_id, "case_no": row["case_no"], "state": new, "from_state": row["state"],
                        "licence_id": licence_id, "ref": ref})
        return load(db, case_id), True


def by_number(hall: Hall, case_no: str) -> dict:
    row = hall.store.read().execute("SELECT id FROM cases WHERE case_no = ?", [case_no]).fetchone()
    if row is None:
        raise NotFound(f"no case numbered {case_no}", code="case_not_found")
    return load(hall.store.read(), row[0])


def import_states(hall: Hall, keys: KeyStore, data: bytes, actor: tuple[str, str],
                  on_ready: licences.OnReady | None = None) -> dict:
    """A CSV with case_no,state (and ref): each row applied like the API call; bad rows reported by line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise BadRequest("the CSV file is neither UTF-8 nor GB18030 text", code="bad_csv") from None
    try:
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    except csv.Error as e:
        raise BadRequest(f"the CSV cannot be read ({e})", code="bad_csv") from None
    if len(rows) > MAX_CSV_ROWS:
        raise BadRequest(f"at most {MAX_CSV_ROWS} rows per import; split the file", code="too_many_rows")
    if rows and not {"case_no", "state"} <= set(rows[0]):
        raise BadRequest("the CSV header must name case_no and state (and may name ref)", code="bad_csv")
    changed, unchanged, errors = 0, 0, []
    for line, r in enumerate(rows, start=2):
        try:
            case = by_number(hall, (r.get("case_no") or "").strip())
            _, did = set_state(hall, keys, case["id"], (r.get("state") or "").strip(), actor,
                               ref=(r.get("ref") or "").strip() or None, on_ready=on_ready)
            changed += did
            unchanged += not did
        except (BadRequest, Conflict, NotFound) as e:
            errors.append({"line": line, "error": e.code, "message": e.message})
    return {"changed": changed, "unchanged": unchanged, "rejected": len(errors), "errors": errors}


def today_of(hall: Hall) -> date:
    return hall.now().astimezone(hall.config.tz).date()
