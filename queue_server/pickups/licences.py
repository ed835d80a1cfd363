"""Registering finished licences (one by one or from a CSV export) and what the API shows of one."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from queue_server.clock import from_iso, to_iso
from queue_server.codes.keyfile import KeyStore
from queue_server.core import signed_codes
from queue_server.errors import BadRequest, Conflict
from queue_server.hall import Hall
from queue_server.notify import phones
from queue_server.storage.rows import get_row

METHODS = ("desk", "locker", "post")
# How long the hall keeps a licence for pickup when the back office gives no expiry: rules.licence_hold_days
DEFAULT_HOLD_DAYS = 90  # (the default, for callers without a hall)
MAX_HOLD_DAYS = 3650  # ten years
FIELDS = ("case_no", "licence_type", "holder_name", "id_last4", "phone_last4", "method", "expires_at",
          "locker_door", "post_address", "ready", "phone")
OnReady = Callable[[Database, dict], None]  # runs inside the write that makes a licence ready (the SMS outbox)
_ID_LAST4 = re.compile(r"^\d{3}[\dX]$")  # the last character of a Chinese ID number may be X
_PHONE_LAST4 = re.compile(r"^\d{4}$")
_DOOR = re.compile(r"^[A-Z0-9]{1,6}$")
MAX_IMPORT_ROWS = 5000


def _text(raw: dict, name: str, limit: int, *, required: bool = True) -> str | None:
    value = raw.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise BadRequest(f"{name!r} is required", code="missing_field", field=name)
        return None
    if not isinstance(value, str):
        raise BadRequest(f"{name!r} must be text", code="bad_field", field=name)
    value = " ".join(value.split())  # a cell may hold line breaks (an address typed in Excel)
    if len(value) > limit or not value.isprintable():
        raise BadRequest(f"{name!r} must be printable text of at most {limit} characters", code="bad_field",
                         field=name)
    return value


def parse_expiry(value: object, *, now: datetime, tz: ZoneInfo, hold_days: int = DEFAULT_HOLD_DAYS) -> datetime:
    """A date (kept until the end of that day, hall time) or a date and time; the default is `hold_days` on."""
    if value is None or value == "":
        day = (now.astimezone(tz) + timedelta(days=hold_days)).date()
        return datetime.combine(day, time(23, 59, 59), tz)
    if not isinstance(value, str):
        raise BadRequest("'expires_at' must be a date (2026-12-31) or a date and time", code="bad_field",
                         field="expires_at")
    try:
        if len(value.strip()) == 10:
            at = datetime.combine(datetime.strptime(value.strip(), "%Y-%m-%d").date(), time(23, 59, 59), tz)
        else:
            at = datetime.fromisoformat(value.strip())
            at = at if at.tzinfo else at.replace(tzinfo=tz)
    except ValueError:
        raise BadRequest(f"'expires_at' {value!r} is not a date (2026-12-31) or ISO date and time",
                         code="bad_field", field="expires_at") from None
    if at <= now:
        raise BadRequest("'expires_at' is already past", code="bad_field", field="expires_at")
    if at - now > timedelta(days=MAX_HOLD_DAYS):  # the pickup code holds its expiry in 32 bits (to 2106)
        raise BadRequest(f"'expires_at' may be at most {MAX_HOLD_DAYS} days ahead", code="bad_field",
                         field="expires_at")
    return at


def validate(raw: dict, *, now: datetime, tz: ZoneInfo, hold_days: int = DEFAULT_HOLD_DAYS) -> dict:
    """The cleaned fields of one licence, or BadRequest naming the field."""
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise BadRequest(f"unknown field(s) {', '.join(unknown)}; the fields are {', '.join(FIELDS)}",
                         code="unknown_field")
    out = {
        "case_no": _text(raw, "case_no", 64), "licence_type": _text(raw, "licence_type", 64),
        "holder_name": _text(raw, "holder_name", 64),
    }
    for name, pattern, what in (("id_last4", _ID_LAST4, "the last 4 characters of the ID number (digits, or X last)"),
                                ("phone_last4", _PHONE_LAST4, "the last 4 digits of the phone number")):
        value = raw.get(name)
        value = value.strip().upper() if isinstance(value, str) else value
        if not isinstance(value, str) or not pattern.match(value):
            raise BadRequest(f"{name!r} must be {what}", code="bad_field", field=name)
        out[name] = value
    method = raw.get("method") or "desk"
    if method not in METHODS:
        raise BadRequest(f"'method' must be one of {', '.join(METHODS)}", code="bad_field", field="method")
    out["method"] = method
    out["expires_at"] = parse_expiry(raw.get("expires_at"), now=now, tz=tz, hold_days=hold_days)
    out["locker_door"] = _text(raw, "locker_door", 6, required=method == "locker")
    if out["locker_door"] is not None:
        out["locker_door"] = out["locker_door"].upper()
        if not _DOOR.match(out["locker_door"]):
            raise BadRequest("'locker_door' must be 1-6 letters or digits as painted on the cabinet",
                             code="bad_field", field="locker_door")
    out["post_address"] = _text(raw, "post_address", 200, required=method == "post")
    ready = raw.get("ready", True)
    if isinstance(ready, str):
        ready = ready.strip().lower() not in ("0", "false", "no", "否", "")
    if not isinstance(ready, bool):
        raise BadRequest("'ready' must be true or false", code="bad_field", field="ready")
    out["ready"] = ready
    out["phone"] = None
    if raw.get("phone") not in (None, ""):
        if not isinstance(raw["phone"], str):
            raise BadRequest("'phone' must be text, an 11-digit mobile number", code="bad_field", field="phone")
        try:
            out["phone"] = phones.normalise(raw["phone"])
        except ValueError as e:
            raise BadRequest(f"'phone': {e}", code="bad_field", field="phone") from None
        if not out["phone"].endswith(out["phone_last4"]):
            raise BadRequest("'phone' does not end with 'phone_last4'", code="bad_field", field="phone")
    return out


def _insert(hall: Hall, db: Database, keys: KeyStore, clean: dict, actor: tuple[str, str], now: datetime,
            on_ready: OnReady | None = None) -> dict:
    secret = keys.ring().code_secret
    if db.execute("SELECT 1 FROM licences WHERE case_no = ? AND licence_type = ?",
                  [clean["case_no"], clean["licence_type"]]).fetchone():
        raise Conflict(f"licence {clean['licence_type']} of case {clean['case_no']} is registered already",
                       code="duplicate")
    row = {
        "case_no": clean["case_no"], "licence_type": clean["licence_type"], "holder_name": clean["holder_name"],
        "method": clean["method"], "state": "ready" if clean["ready"] else "pending",
        "expires_at": to_iso(clean["expires_at"]), "locker_door": clean["locker_door"],
        "post_address": clean["post_address"], "created_at": to_iso(now), "created_by": f"{actor[0]}:{actor[1]}",
        "ready_at": to_iso(now) if clean["ready"] else None,
    }
    licence_id = db["licences"].insert(row).last_pk
    db.execute("UPDATE licences SET id_last4_hash = ?, phone_last4_hash = ? WHERE id = ?",
               [signed_codes.digits_hash(secret, f"id:{licence_id}", clean["id_last4"]),
                signed_codes.digits_hash(secret, f"phone:{licence_id}", clean["phone_last4"]), licence_id])
    for nonce in range(50):  # a collision of 40-bit codes is rare; the next nonce gives another code
        code = signed_codes.typed_code(secret, kind="licence", object_id=licence_id, nonce=nonce)
        try:
            db.execute("UPDATE licences SET code_hash = ?, code_nonce = ? WHERE id = ?",
                       [signed_codes.code_hash(secret, code), nonce, licence_id])
            break
        except sqlite3.IntegrityError:
            continue
    if clean["phone"]:  # for the "ready" text only: masked for display, hashed, clear until the text is queued
        key = db.execute("SELECT secret FROM rating_secret WHERE id = 1").fetchone()[0]
        db.execute("INSERT INTO licence_phones (licence_id, masked, phone_hash, phone, created_at) VALUES (?,?,?,?,?)",
                   [licence_id, phones.mask(clean["phone"]), phones.phone_hash(key, clean["phone"]), clean["phone"],
                    to_iso(now)])
    row = load(db, licence_id)
    if clean["ready"] and on_ready:
        on_ready(db, row)
    return row


def codes(hall: Hall, keys: KeyStore, row: dict) -> dict:
    """The typed code and the QR token of a licence (derived again for every notice)."""
    ring = keys.ring()
    code = signed_codes.typed_code(ring.code_secret, kind="licence", object_id=row["id"], nonce=row["code_nonce"])
    token = signed_codes.sign(ring, kind="licence", hall=hall.config.code, object_id=row["id"],
                              expires_at=from_iso(row["expires_at"]) if row["expires_at"] else None)
    return {"pickup_code": signed_codes.display_code(code), "pickup_qr": token}


def created_answer(hall: Hall, keys: KeyStore, row: dict) -> dict:
    return {"id": row["id"], **codes(hall, keys, row), "state": row["state"], "method": row["method"],
            "expires_at": row["expires_at"], "notice_png": f"/api/v1/licences/{row['id']}/notice.png",
            "notice_pdf": f"/api/v1/licences/{row['id']}/notice.pdf", "sms": f"/api/v1/licences/{row['id']}/sms"}


def create(hall: Hall, keys: KeyStore, raw: dict, actor: tuple[str, str], on_ready: OnReady | None = None) -> dict:
    now = hall.now()
    clean = validate(raw, now=now, tz=hall.config.tz, hold_days=hall.config.rules.licence_hold_days)
    with hall.store.write() as db:
        row = _insert(hall, db, keys, clean, actor, now, on_ready)
    return created_answer(hall, keys, row)


def _decode_csv(data: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes) or GB18030 (what Chinese Excel saves as CSV)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BadRequest("the CSV file is neither UTF-8 nor GB18030 text", code="bad_csv")


def _records(reader) -> Iterator[list[str]]:
    """The reader's records; a file the csv module cannot read (a cell over its size limit) is a 400."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise BadRequest(f"line {reader.line_num} of the CSV cannot be read ({e}); check its quotes",
                             code="bad_csv") from None


def import_csv(hall: Hall, keys: KeyStore, data: bytes, actor: tuple[str, str],
               on_ready: OnReady | None = None) -> dict:
    """Register every good row; report each bad one by its line number. Good rows are kept either way."""
    reader = csv.reader(io.StringIO(_decode_csv(data), newline=""))
    records = _records(reader)
    header = [h.strip() for h in next(records, [])]
    missing = [f for f in ("case_no", "licence_type", "holder_name", "id_last4", "phone_last4") if f not in header]
    if missing:
        raise BadRequest(f"the CSV header lacks {', '.join(missing)}; the first line must name the columns "
                         f"({', '.join(FIELDS)})", code="bad_csv")
    unknown = [h for h in header if h not in FIELDS]
    if unknown:
        raise BadRequest(f"unknown CSV column(s) {', '.join(unknown)}; the columns are {', '.join(FIELDS)}",
                         code="bad_csv")
    now = hall.now()
    created, errors, rows = [], [], []
    line_no = reader.line_num + 1  # the line the next record starts on (a quoted cell may span lines)
    for cells in records:
        start, line_no = line_no, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue  # blank lines are not errors
        if len(cells) > len(header):
            errors.append({"line": start, "error": "bad_row", "message": "more cells than columns"})
            continue
        if len(rows) + len(errors) >= MAX_IMPORT_ROWS:
            raise BadRequest(f"at most {MAX_IMPORT_ROWS} rows per import; split the file", code="too_many_rows")
        record = {k: v for k, v in zip(header, cells, strict=False) if v.strip()}
        try:
            rows.append((start, validate(record, now=now, tz=hall.config.tz,
                                               hold_days=hall.config.rules.licence_hold_days)))
        except BadRequest as e:
            errors.append({"line": start, "error": e.code, "message": e.message, "field": e.details.get("field")})
    with hall.store.write() as db:
        for line_no, clean in rows:
            db.execute("SAVEPOINT row")
            try:
                row = _insert(hall, db, keys, clean, actor, now, on_ready)
            except Conflict as e:
                db.execute("ROLLBACK TO row")
                errors.append({"line": line_no, "error": e.code, "message": e.message})
                continue
            finally:
                db.execute("RELEASE row")
            created.append({"line": line_no, **created_answer(hall, keys, row)})
    errors.sort(key=lambda e: e["line"])
    return {"created": len(created), "rejected": len(errors), "licences": created, "errors": errors}


def load(db: Database, licence_id: int) -> dict:
    return get_row(db, "licences", licence_id, code="licence_not_found", message=f"no licence with id {licence_id}")


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳小明 → 欧**明, John Smith → J*** S****: enough for the citizen to recognise."""
    if " " in name:
        return " ".join(p[:1] + "*" * (len(p) - 1) for p in name.split())
    if len(name) <= 2:
        return name[:1] + "*"
    return name[:1] + "*" * (len(name) - 2) + name[-1]


def mask_address(address: str) -> str:
    """Keep the start (province, city, district) and the last two characters; hide the rest."""
    keep = max(2, min(9, len(address) // 3))
    hidden = max(len(address) - keep - 2, 3)
    return address[:keep] + "*" * hidden + address[-2:]


def public(row: dict) -> dict:
    """A licence as staff see it: no hashes; the address masked (the back office has it in full)."""
    out = {k: row[k] for k in ("id", "case_no", "licence_type", "holder_name", "method", "state", "expires_at",
                               "locker_door", "created_at", "ready_at", "redeemed_at", "redeemed_kiosk",
                               "ticket_id", "ticket_number", "collected_at", "collected_by", "collected_window",
                               "collected_kiosk")}
    out["post_address_masked"] = mask_address(row["post_address"]) if row["post_address"] else None
    return out


def desk_view(row: dict) -> dict:
    """A licence as the pickup desk sees it in a list: what the handover needs, the holder's name masked."""
    return {"id": row["id"], "licence_type": row["licence_type"], "holder_masked": mask_name(row["holder_name"]),
            "method": row["method"], "state": row["state"], "ticket_number": row["ticket_number"]}


def mark_ready(hall: Hall, licence_id: int, on_ready: OnReady | None = None) -> dict:
    with hall.store.write() as db:
        row = load(db, licence_id)
        if row["state"] != "pending":
            raise Conflict(f"licence {licence_id} is {row['state']}, not pending", code="not_pending")
        db.execute("UPDATE licences SET state = 'ready', ready_at = ? WHERE id = ?", [to_iso(hall.now()), licence_id])
        row = load(db, licence_id)
        if on_ready:
            on_ready(db, row)
        return public(row)


def register(hall: Hall, db: Database, keys: KeyStore, clean: dict, actor: tuple[str, str], now: datetime,
             on_ready: OnReady | None = None) -> dict:
    """Register a validated licence inside the caller's write (a case finished by the back office)."""
    return _insert(hall, db, keys, clean, actor, now, on_ready)
