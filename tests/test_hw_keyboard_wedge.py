"""Keyboard-wedge barcode scanners: fast bursts are codes, people typing are not."""

from hardware.keyboard_wedge import KeyboardWedgeBuffer


def type_keys(wedge: KeyboardWedgeBuffer, text: str, start: float, gap: float) -> list[str]:
    codes = []
    for i, key in enumerate(text):
        code = wedge.feed(key, start + i * gap)
        if code:
            codes.append(code)
    return codes


def test_fast_burst_ending_with_enter_is_a_code():
    wedge = KeyboardWedgeBuffer()
    assert type_keys(wedge, "PK-2026-0042", 10.0, 0.008) == []
    assert wedge.feed("enter", 10.2) == "PK-2026-0042"
    assert wedge.pending == ""


def test_slow_typing_is_not_a_code():
    wedge = KeyboardWedgeBuffer()
    type_keys(wedge, "123456", 0.0, 0.25)
    assert wedge.feed("\r", 2.0) is None


def test_burst_without_enter_is_emitted_after_a_gap():
    wedge = KeyboardWedgeBuffer(end_gap_s=0.2)
    type_keys(wedge, "https://hall.local/t/7", 5.0, 0.005)
    assert wedge.poll(5.15) is None  # still inside the burst window
    assert wedge.poll(5.4) == "https://hall.local/t/7"
    assert wedge.poll(6.0) is None


def test_a_person_typing_then_a_scan_keeps_only_the_scan():
    wedge = KeyboardWedgeBuffer()
    type_keys(wedge, "ab", 0.0, 0.3)  # a person
    type_keys(wedge, "A001XYZ", 1.0, 0.01)  # then the scanner
    assert wedge.feed("enter", 1.2) == "A001XYZ"


def test_short_bursts_and_special_keys_are_ignored():
    wedge = KeyboardWedgeBuffer(min_length=4)
    type_keys(wedge, "ab", 0.0, 0.01)
    assert wedge.feed("enter", 0.05) is None
    type_keys(wedge, "ABCDEF", 1.0, 0.01)
    wedge.feed("shift", 1.07)  # a non-character key breaks the burst
    assert wedge.feed("enter", 1.08) is None


def test_next_key_after_a_silent_burst_returns_the_burst():
    wedge = KeyboardWedgeBuffer(end_gap_s=0.2)
    type_keys(wedge, "CODE1234", 0.0, 0.01)
    assert wedge.feed("x", 1.0) == "CODE1234"
    assert wedge.pending == "x"
