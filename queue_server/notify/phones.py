"""Mobile numbers: checked, masked for display, hashed with the hall's key for matching. Pure."""

from __future__ import annotations

import hashlib
import hmac
import re

_MOBILE = re.compile(r"1[3-9]\d{9}")


def normalise(raw: str) -> str:
    """"139 1234 5678" or "+86 13912345678" -> "13912345678"; ValueError when it is not a mainland mobile."""
    digits = re.sub(r"[\s\-()]", "", raw or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not _MOBILE.fullmatch(digits):
        raise ValueError("phone must be an 11-digit mobile number such as 13912345678")
    return digits


def mask(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}"


def phone_hash(key: str, phone: str) -> str:
    return hmac.new(key.encode(), phone.encode(), hashlib.sha256).hexdigest()
