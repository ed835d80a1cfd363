"""Case numbers and the applicant's personal data as staff and citizens see it. Pure."""

from __future__ import annotations

import re
from datetime import date

_ID_NUMBER = re.compile(r"^(\d{15}|\d{17}[\dX])$")  # 15-digit old cards, 18 with an X check character
_LAST4 = re.compile(r"^\d{3}[\dX]$")


def case_number(pattern: str, *, hall: str, day: date, seq: int) -> str:
    """E.g. 370102-001-20261123-0001 from "{hall}-{date}-{seq:04d}"."""
    return pattern.format(hall=hall, date=day.strftime("%Y%m%d"), seq=seq)


def clean_id_number(text: str) -> str:
    """A Chinese resident ID number, upper case; ValueError if it is not one."""
    t = "".join(text.split()).upper()
    if not _ID_NUMBER.match(t):
        raise ValueError("an ID number has 18 characters (digits, the last may be X) or 15 digits")
    return t


def clean_last4(text: str) -> str:
    t = "".join(text.split()).upper()
    if not _LAST4.match(t):
        raise ValueError("the last 4 characters of the ID number: digits, the last may be X")
    return t


def mask_id(id_number: str) -> str:
    """370102199001011234 → 370***********1234: the region for staff, the last 4 for the citizen."""
    return id_number[:3] + "*" * (len(id_number) - 7) + id_number[-4:]
