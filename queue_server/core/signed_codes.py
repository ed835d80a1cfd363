"""Signed pickup and appointment codes. Pure: no Flask, no sqlite, no files.

Two forms of the same right to collect:

- the QR token, e.g. ``HL1QW3...`` (about 50 characters): a header, the hall
  code, the object id and the expiry, MACed with HMAC-SHA256 under a key named
  by its key id, truncated to 80 bits. All characters are Crockford base32
  upper case, so the QR code uses the compact alphanumeric mode (version 3).
  Keys rotate: every key in the ring verifies until it is retired; the newest
  active one signs.
- the typed code, e.g. ``7KQ4-M2XP9``: 8 random-looking characters derived from
  a separate code secret and the object id, plus one check character (Luhn
  mod 32), so a mistyped character is caught before the server looks it up.
  The server stores only a keyed hash of it, never the code itself.

Token layout (bytes, then Crockford base32 after the 3-character prefix):
  kind(1) | key id(2) | hall code length(1) | hall code (UTF-8) | object id(4) | expiry(4, unix s, 0 = none) | mac(10)
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_VALUE.update({"O": 0, "I": 1, "L": 1})  # what people read for 0 and 1
MAC_BYTES = 10  # 80 bits: forging one takes ~2^80 tries, and tries are rate-limited anyway
TOKEN_VERSION = "1"
KINDS = {"licence": "L", "appointment": "A", "case": "C"}  # case: a 受理回执 receipt (progress lookup)
_KIND_BYTE = {"licence": 1, "appointment": 2, "case": 3}
CODE_DATA_CHARS = 8
CODE_LENGTH = CODE_DATA_CHARS + 1  # + check character


class CodeError(ValueError):
    """A code that cannot be accepted; `reason` is the API error code."""

    def __init__(self, reason: str, message: str, **details: object):
        super().__init__(message)
        self.reason = reason
        self.details = details


# ---- Crockford base32 ------------------------------------------------------


def b32encode(data: bytes) -> str:
    bits = int.from_bytes(data, "big") if data else 0
    n = (len(data) * 8 + 4) // 5
    bits <<= n * 5 - len(data) * 8
    return "".join(ALPHABET[(bits >> (5 * (n - 1 - i))) & 31] for i in range(n))


def b32decode(text: str) -> bytes:
    """Decode; raises ValueError on a character outside the alphabet or a length that cannot be bytes."""
    n = len(text)
    nbytes = n * 5 // 8
    if (nbytes * 8 + 4) // 5 != n:
        raise ValueError("bad length")
    bits = 0
    for c in text:
        if c not in _VALUE:
            raise ValueError(f"bad character {c!r}")
        bits = (bits << 5) | _VALUE[c]
    pad = n * 5 - nbytes * 8
    if bits & ((1 << pad) - 1):
        raise ValueError("non-canonical padding")
    return (bits >> pad).to_bytes(nbytes, "big")


# ---- keys --------------------------------------------------------------------


@dataclass(frozen=True)
class SigningKey:
    id: int
    secret: bytes
    retired: bool = False


@dataclass(frozen=True)
class KeyRing:
    """The server's signing keys and the secret the typed codes are derived from."""

    keys: tuple[SigningKey, ...]
    code_secret: bytes
    _by_id: dict[int, SigningKey] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for k in self.keys:
            if not 1 <= k.id <= 0xFFFF:
                raise ValueError(f"key id {k.id} out of range 1..65535")
            if len(k.secret) < 32:
                raise ValueError(f"key {k.id} is shorter than 32 bytes")
            self._by_id[k.id] = k
        if not self.active_keys():
            raise ValueError("the key ring has no active key")

    def active_keys(self) -> list[SigningKey]:
        return [k for k in self.keys if not k.retired]

    @property
    def signing_key(self) -> SigningKey:
        return max(self.active_keys(), key=lambda k: k.id)

    def verifying_key(self, key_id: int) -> SigningKey | None:
        k = self._by_id.get(key_id)
        return k if k is not None and not k.retired else None


def new_key(key_id: int) -> SigningKey:
    return SigningKey(id=key_id, secret=secrets.token_bytes(32))


# ---- QR tokens -----------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    kind: str  # "licence" | "appointment"
    hall: str
    object_id: int
    expires_at: datetime | None
    key_id: int


def _mac(key: SigningKey, signed: bytes) -> bytes:
    return hmac.new(key.secret, b"hall-code-v1\x00" + signed, hashlib.sha256).digest()[:MAC_BYTES]


def sign(ring: KeyRing, *, kind: str, hall: str, object_id: int, expires_at: datetime | None) -> str:
    """The QR token for one licence, appointment or accepted case."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    hall_b = hall.encode()
    if not 0 < len(hall_b) < 64:
        raise ValueError("hall code must be 1-63 bytes")
    if not 0 < object_id <= 0xFFFFFFFF:
        raise ValueError("object id out of range")
    exp = int(expires_at.timestamp()) if expires_at else 0
    key = ring.signing_key
    signed = struct.pack(">BHB", _KIND_BYTE[kind], key.id, len(hall_b)) + hall_b + struct.pack(">II", object_id, exp)
    return "H" + KINDS[kind] + TOKEN_VERSION + b32encode(signed + _mac(key, signed))


def looks_like_token(text: str) -> bool:
    t = text.strip().upper()
    return len(t) > 20 and t[:1] == "H" and t[1:2] in KINDS.values()


def parse_unverified(text: str) -> tuple[str, int, str, int, int, bytes, bytes]:
    """Split a token without checking its MAC: (kind, key id, hall, object id, expiry, signed, mac)."""
    t = text.strip().upper()
    kinds = {v: k for k, v in KINDS.items()}
    if len(t) < 24 or t[0] != "H" or t[1] not in kinds or t[2] != TOKEN_VERSION:
        raise CodeError("invalid_code", "not a pickup or appointment code of this system")
    try:
        raw = b32decode(t[3:])
    except ValueError:
        raise CodeError("invalid_code", "the code is damaged or incomplete") from None
    if len(raw) < 4 + 8 + MAC_BYTES:
        raise CodeError("invalid_code", "the code is damaged or incomplete")
    kind_b, key_id, hall_len = struct.unpack(">BHB", raw[:4])
    body_end = 4 + hall_len + 8
    if len(raw) != body_end + MAC_BYTES or _KIND_BYTE.get(kinds[t[1]]) != kind_b:
        raise CodeError("invalid_code", "the code is damaged or incomplete")
    try:
        hall = raw[4:4 + hall_len].decode()
    except UnicodeDecodeError:
        raise CodeError("invalid_code", "the code is damaged or incomplete") from None
    object_id, exp = struct.unpack(">II", raw[4 + hall_len:body_end])
    return kinds[t[1]], key_id, hall, object_id, exp, raw[:body_end], raw[body_end:]


def verify(ring: KeyRing, text: str, *, kind: str, hall: str, now: datetime) -> Claim:
    """The claim inside a token, or CodeError(invalid_code | wrong_hall | expired).

    The hall is compared before the MAC: another hall signs with its own key, so
    its codes could never verify here, and the citizen needs to hear where to go.
    Expired is reported only for a genuine token.
    """
    got_kind, key_id, got_hall, object_id, exp, signed, mac = parse_unverified(text)
    if got_kind != kind:
        raise CodeError("invalid_code", f"this is an {got_kind} code, not a {kind} code", code_kind=got_kind)
    if got_hall != hall:
        raise CodeError("wrong_hall", f"this code belongs to hall {got_hall}", hall=got_hall)
    key = ring.verifying_key(key_id)
    if key is None or not hmac.compare_digest(_mac(key, signed), mac):
        raise CodeError("invalid_code", "the code's signature does not match (forged, altered or withdrawn)")
    expires_at = datetime.fromtimestamp(exp, UTC) if exp else None
    claim = Claim(kind=kind, hall=hall, object_id=object_id, expires_at=expires_at, key_id=key_id)
    if expires_at is not None and now >= expires_at:
        raise CodeError("expired", "the code has expired", object_id=object_id, expires_at=expires_at)
    return claim


# ---- typed codes ---------------------------------------------------------------


def _luhn32(chars: str, *, check: bool) -> int:
    """Luhn mod 32 (every single substitution and most adjacent swaps change the sum)."""
    total, factor = 0, (1 if check else 2)
    for c in reversed(chars):
        addend = factor * _VALUE[c]
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    return total % 32


def check_char(data: str) -> str:
    return ALPHABET[(32 - _luhn32(data, check=False)) % 32]


def typed_code(code_secret: bytes, *, kind: str, object_id: int, nonce: int = 0) -> str:
    """The typed code of one object (derived, so a notice can be printed again; nonce breaks a collision)."""
    digest = hmac.new(code_secret, f"typed:{kind}:{object_id}:{nonce}".encode(), hashlib.sha256).digest()
    data = b32encode(digest[:5])[:CODE_DATA_CHARS]
    return data + check_char(data)


def normalize_typed(text: str) -> str:
    """Upper case, separators dropped, O→0 and I/L→1; raises CodeError(invalid_code) if it cannot be a code."""
    t = "".join(c for c in text.strip().upper() if c not in " -_.")
    if len(t) != CODE_LENGTH:
        raise CodeError("invalid_code", f"a typed code has {CODE_LENGTH} characters, got {len(t)}")
    out = []
    for c in t:
        if c not in _VALUE:
            raise CodeError("invalid_code", f"{c!r} is not used in codes (letters and digits only, no U)")
        out.append(ALPHABET[_VALUE[c]])
    t = "".join(out)
    if _luhn32(t, check=True) != 0:
        raise CodeError("invalid_code", "the code has a typing mistake (the check character does not match)")
    return t


def display_code(code: str) -> str:
    """Grouped for reading aloud and typing: 7KQ4-M2XP9."""
    return f"{code[:4]}-{code[4:]}"


def code_hash(code_secret: bytes, code: str) -> str:
    """What the database stores to find the object of a typed code (keyed, so a copied database reveals none)."""
    return hmac.new(code_secret, b"lookup:" + code.encode(), hashlib.sha256).hexdigest()


def digits_hash(code_secret: bytes, salt: str, digits: str) -> str:
    """A keyed hash of the last 4 digits of an ID or phone number (never stored in the clear)."""
    return hmac.new(code_secret, f"digits:{salt}:{digits}".encode(), hashlib.sha256).hexdigest()
