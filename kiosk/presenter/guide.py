"""The "tell once" guide of a matter or a bundle, and the slip that prints it: plain functions over hall data."""

from __future__ import annotations

from kiosk.texts import TEXT, Text, both
from kiosk.ticket_info import find, materials_lines


def guide_of(matter: dict | None, bundle: dict | None, hall: dict | None) -> dict:
    """What the guide screen shows for the chosen matter or bundle."""
    if bundle:
        names = [_matter_names(hall, code) for code in bundle.get("matters", [])]
        return {"name": (bundle["name_zh"], bundle["name_en"]), "materials": bundle.get("materials", []),
                "days": days_text(0, bundle.get("promised_days", 0)), "fee": None,
                "notes": (bundle.get("notes_zh", ""), bundle.get("notes_en", "")), "matters": names}
    m = matter or {}
    return {"name": (m.get("name_zh", ""), m.get("name_en", "")), "materials": m.get("materials", []),
            "days": days_text(m.get("legal_days", 0), m.get("promised_days", 0)),
            "fee": (m.get("fee_zh", ""), m.get("fee_en", "")),
            "notes": (m.get("notes_zh", ""), m.get("notes_en", "")), "matters": [],
            # the hall's admin page may add these (empty when it has not); materials carry main/deferrable
            "conditions": (m.get("conditions_zh", ""), m.get("conditions_en", "")),
            "legal_basis": (m.get("legal_basis_zh", ""), m.get("legal_basis_en", ""))}


def _matter_names(hall: dict | None, code: str) -> Text:
    for z in (hall or {}).get("zones", []):
        if m := find(z.get("matters", []), "code", code):
            return m["name_zh"], m["name_en"]
    return code, code


def days_text(legal: int, promised: int) -> Text:
    if not promised:
        zh, en = TEXT["on_the_spot"]
    else:
        zh, en = both("promised_days", d=promised)
    if legal:
        lz, le = both("legal_days", d=legal)
        zh, en = f"{lz}，{zh}", f"{le}. {en}"
    return zh, en


def slip(guide: dict) -> tuple[str, list[str]]:
    """The guide as a printed slip to take home: (title, lines)."""
    title = guide["name"][0]
    lines = [guide["name"][1], ""] + materials_lines(guide["materials"])
    if guide["fee"]:
        lines += ["", f"{TEXT['fee'][0]}：{guide['fee'][0]}", f"{TEXT['fee'][1]}: {guide['fee'][1]}"]
    lines += ["", f"{TEXT['time_limit'][0]}：{guide['days'][0]}", f"{TEXT['time_limit'][1]}: {guide['days'][1]}"]
    return title, lines
