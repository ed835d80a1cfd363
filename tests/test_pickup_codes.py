"""Signed pickup tokens and typed codes (pure)."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import segno

from queue_server.core import signed_codes as pc

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
HALL = "370102-001"


def ring(*ids: int, retired: tuple[int, ...] = ()) -> pc.KeyRing:
    keys = tuple(replace(pc.new_key(i), retired=i in retired) for i in ids)
    return pc.KeyRing(keys=keys, code_secret=b"s" * 32)


def token(r: pc.KeyRing, object_id: int = 42, expires: datetime | None = NOW + timedelta(days=30)) -> str:
    return pc.sign(r, kind="licence", hall=HALL, object_id=object_id, expires_at=expires)


@pytest.mark.parametrize("data", [b"", b"\x00", b"\xff" * 7, bytes(range(23)), b"\x00\x00\x01"])
def test_base32_round_trip(data):
    assert pc.b32decode(pc.b32encode(data)) == data


def test_token_round_trip_and_claim():
    r = ring(1)
    claim = pc.verify(r, token(r), kind="licence", hall=HALL, now=NOW)
    assert (claim.object_id, claim.hall, claim.key_id) == (42, HALL, 1)
    assert claim.expires_at == NOW + timedelta(days=30)


def test_token_is_compact_and_qr_alphanumeric():
    r = ring(1)
    t = token(r, object_id=4_000_000_000)
    assert len(t) <= 56
    assert set(t) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    qr = segno.make(t, error="m", micro=False)
    assert qr.mode == "alphanumeric"
    assert qr.version <= 3


def test_mac_is_at_least_64_bits():
    assert pc.MAC_BYTES * 8 >= 64


def test_every_single_character_change_is_refused():
    r = ring(1)
    t = token(r)
    for i in range(3, len(t)):
        for c in (pc.ALPHABET[(pc.ALPHABET.index(t[i]) + 1) % 32], pc.ALPHABET[(pc.ALPHABET.index(t[i]) + 17) % 32]):
            forged = t[:i] + c + t[i + 1:]
            with pytest.raises(pc.CodeError) as e:
                pc.verify(r, forged, kind="licence", hall=HALL, now=NOW)
            assert e.value.reason in ("invalid_code", "wrong_hall")


def test_token_of_another_key_is_invalid():
    assert_reason(ring(1), token(ring(1)), "invalid_code")


def test_wrong_hall_names_the_hall():
    r = ring(1)
    other = pc.sign(r, kind="licence", hall="370103-002", object_id=1, expires_at=None)
    with pytest.raises(pc.CodeError) as e:
        pc.verify(r, other, kind="licence", hall=HALL, now=NOW)
    assert e.value.reason == "wrong_hall" and e.value.details["hall"] == "370103-002"


def test_expired_only_for_genuine_tokens():
    r = ring(1)
    t = token(r, expires=NOW)
    assert_reason(r, t, "expired")
    pc.verify(r, t, kind="licence", hall=HALL, now=NOW - timedelta(seconds=1))
    no_expiry = token(r, expires=None)
    assert pc.verify(r, no_expiry, kind="licence", hall=HALL, now=NOW + timedelta(days=3650)).expires_at is None


def test_kind_is_bound():
    r = ring(1)
    appt = pc.sign(r, kind="appointment", hall=HALL, object_id=42, expires_at=None)
    assert_reason(r, appt, "invalid_code")
    assert pc.verify(r, appt, kind="appointment", hall=HALL, now=NOW).object_id == 42


def test_rotation_old_key_verifies_until_retired():
    r1 = ring(1)
    old = token(r1)
    r2 = pc.KeyRing(keys=(*r1.keys, pc.new_key(2)), code_secret=r1.code_secret)
    new = token(r2)
    assert pc.verify(r2, new, kind="licence", hall=HALL, now=NOW).key_id == 2
    assert pc.verify(r2, old, kind="licence", hall=HALL, now=NOW).key_id == 1
    r3 = pc.KeyRing(keys=(replace(r2.keys[0], retired=True), r2.keys[1]), code_secret=r1.code_secret)
    assert_reason(r3, old, "invalid_code")
    assert pc.verify(r3, new, kind="licence", hall=HALL, now=NOW).key_id == 2


def test_ring_needs_an_active_key():
    with pytest.raises(ValueError):
        ring(1, retired=(1,))


@pytest.mark.parametrize("junk", ["", "hello", "HL1", "HL1" + "0" * 40, "HX1ABCDEFGHJKMNPQRSTVWXYZ0123",
                                  "HL1ABC!DEF", "https://example.org/HL1"])
def test_junk_is_invalid_code(junk):
    assert_reason(ring(1), junk, "invalid_code")


def assert_reason(r: pc.KeyRing, text: str, reason: str) -> None:
    with pytest.raises(pc.CodeError) as e:
        pc.verify(r, text, kind="licence", hall=HALL, now=NOW)
    assert e.value.reason == reason


# ---- typed codes ----


def test_typed_code_shape_and_check():
    code = pc.typed_code(b"k" * 32, kind="licence", object_id=7)
    assert len(code) == 9 and set(code) <= set(pc.ALPHABET)
    assert pc.normalize_typed(code) == code
    shown = pc.display_code(code)
    assert len(shown) == 10 and shown[4] == "-"
    assert pc.normalize_typed(" " + shown.lower() + " ") == code


def test_typed_code_reads_o_as_zero_and_l_as_one():
    for object_id in range(200):
        code = pc.typed_code(b"k" * 32, kind="licence", object_id=object_id)
        if "0" in code or "1" in code:
            assert pc.normalize_typed(code.replace("0", "O").replace("1", "l")) == code
            return
    raise AssertionError("no code with 0 or 1 in 200 tries")


def test_check_character_catches_every_single_substitution_and_adjacent_swap():
    code = pc.typed_code(b"k" * 32, kind="licence", object_id=99)
    for i, c in itertools.product(range(9), pc.ALPHABET):
        if c != code[i]:
            with pytest.raises(pc.CodeError):
                pc.normalize_typed(code[:i] + c + code[i + 1:])
    for i in range(8):
        swapped = code[:i] + code[i + 1] + code[i] + code[i + 2:]
        if swapped != code and {code[i], code[i + 1]} != {"0", "V"}:  # Luhn's one blind pair (0 and 31)
            with pytest.raises(pc.CodeError):
                pc.normalize_typed(swapped)


@pytest.mark.parametrize("bad", ["", "ABC", "ABCDEFGHJK1", "ABCD-EFGU9", "ABCD*EFGH"])
def test_bad_typed_codes(bad):
    with pytest.raises(pc.CodeError) as e:
        pc.normalize_typed(bad)
    assert e.value.reason == "invalid_code"


def test_typed_codes_differ_by_object_kind_and_nonce():
    s = b"k" * 32
    codes = {pc.typed_code(s, kind="licence", object_id=i) for i in range(1000)}
    assert len(codes) == 1000
    assert pc.typed_code(s, kind="licence", object_id=1) != pc.typed_code(s, kind="appointment", object_id=1)
    assert pc.typed_code(s, kind="licence", object_id=1) != pc.typed_code(s, kind="licence", object_id=1, nonce=1)


def test_hashes_are_keyed():
    assert pc.code_hash(b"a" * 32, "X") != pc.code_hash(b"b" * 32, "X")
    assert pc.digits_hash(b"a" * 32, "1", "1234") != pc.digits_hash(b"a" * 32, "2", "1234")
