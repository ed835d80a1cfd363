"""办件查询: the receipt's QR (scanned at a kiosk or opened on a phone) or the case number with the last 4
characters of the ID number → the case's progress. Typed lookups count against the same wrong-code limit as
pickup codes and appointment check-ins (codes.throttle.guarded), and every refusal is audited the same way.

The progress shows what the citizen needs and nothing personal: state, promised date, what is still missing,
where to collect. No name, ID or phone.
"""

from __future__ import annotations

from queue_server.cases import store
from queue_server.cases.states import LABELS
from queue_server.codes.keyfile import KeyStore
from queue_server.codes.lookup import resolve_code
from queue_server.codes.refusals import Refused
from queue_server.codes.throttle import guarded
from queue_server.core import signed_codes
from queue_server.errors import NotFound
from queue_server.hall import Hall
from queue_server.ops.accounts import Principal
from queue_server.pickups.places import pickup_place


def invalid_receipt(detail: str = "") -> Refused:
    return Refused("invalid_code",
                   "无法识别此办件回执，请核对受理编号和身份证号后四位，或到综合窗口咨询。",
                   "This receipt code is not valid. Check the case number and the last 4 ID characters, or ask "
                   "at a window." + (f" ({detail})" if detail else ""))


def _expired(case_id: int) -> Refused:  # receipts carry no expiry; kept for resolve_code's signature
    return invalid_receipt("expired")


def token_of(scanned: str) -> str:
    """The token inside a scanned receipt QR (the phone page's URL ends in /c/<token>)."""
    text = scanned.strip()
    return text.rsplit("/c/", 1)[1].split("?")[0] if "/c/" in text else text


def _resolve(hall: Hall, keys: KeyStore, code: str) -> tuple[int, bool]:
    if signed_codes.looks_like_token(code):
        return resolve_code(hall, keys, code, kind="case", invalid=invalid_receipt, expired=_expired)
    case_no, _, last4 = code.rpartition(" ")
    # Typed at a kiosk keypad the separators are missing: 370102001202611230001 finds 370102-001-20261123-0001.
    wanted = "".join(ch for ch in case_no.upper() if ch.isalnum())
    row = hall.store.read().execute("SELECT id, id_last4_hash FROM cases WHERE case_no = ? OR"
                                    " replace(replace(upper(case_no), '-', ''), ' ', '') = ?",
                                    [case_no.strip(), wanted]).fetchone() if wanted else None
    digits = last4.strip().upper()
    if row is None or not row[1] or row[1] != signed_codes.digits_hash(keys.ring().code_secret, f"case:{row[0]}",
                                                                       digits):
        raise invalid_receipt()
    return row[0], True


def progress(hall: Hall, case_id: int) -> dict:
    """What the kiosk and the phone page show."""
    row = store.load(hall.store.read(), case_id)
    view = store.staff_view(hall, row)
    zh, en = LABELS[row["state"]]
    pzh, pen = pickup_place(hall.config)
    out = {"case_no": row["case_no"], "state": row["state"], "state_zh": zh, "state_en": en,
           "matter_zh": view["matter_zh"], "matter_en": view["matter_en"], "accepted_day": row["accepted_day"],
           "due_day": row["due_day"], "missing": [{"zh": m["zh"], "en": m["en"]} for m in view["missing_aux"]],
           "supply_due_day": row["supply_due_day"] if view["missing_aux"] else None,
           "collect_zh": None, "collect_en": None}
    if row["state"] == "done":
        out["collect_zh"] = f"已办结，请凭短信取件码在自助机取号后到{pzh}领取，请携带本人身份证。"
        out["collect_en"] = f"Ready: use the pickup code texted to you at a kiosk, then collect at the {pen}."
    elif row["state"] in ("accepted", "pending_supply", "in_review"):
        out["collect_zh"] = f"办结后到{pzh}领取（将短信通知）。"
        out["collect_en"] = f"When ready, collect at the {pen} (we will text you)."
    if row["state"] == "refused":
        out["missing"] = [{"zh": m["zh"], "en": m["en"]} for m in view["missing_main"] + view["missing_aux"]]
    return out


def lookup(hall: Hall, keys: KeyStore, p: Principal, *, code: str | None = None, case_no: str | None = None,
           id_last4: str | None = None, limit: int, address: str | None = None) -> dict:
    """Progress by a scanned receipt code, or by case number + last 4 ID characters (typed, throttled)."""
    text = token_of(code) if code else f"{(case_no or '').strip()} {(id_last4 or '').strip()}"
    return guarded(hall, text, p, subject="case", action="lookup", limit=limit,
                   resolve=lambda c: _resolve(hall, keys, c), use=lambda case_id, typed: progress(hall, case_id),
                   address=address)


def by_token(hall: Hall, keys: KeyStore, token: str) -> dict:
    """The phone page: a signed receipt token only (an unguessable link, nothing typed)."""
    if not signed_codes.looks_like_token(token):
        raise NotFound("no such receipt", code="not_found")
    case_id, _ = resolve_code(hall, keys, token, kind="case", invalid=invalid_receipt, expired=_expired)
    return progress(hall, case_id)
