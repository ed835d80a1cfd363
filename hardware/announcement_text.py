"""What a call announcement says: the words on screen and the words spoken (pure).

Display: "请 A001 号到 3 号窗口办理" / "Number A001, please go to window 3".
Spoken: the ticket's letters and digits one by one ("A 零 零 一" / "A, 0, 0, 1"), so "A001"
is never heard as "A one thousand"; the window number is read as a number ("十二号窗口").
"""

from __future__ import annotations

import re

ZH_DIGITS = dict(zip("0123456789", "零一二三四五六七八九", strict=True))
TICKET_RE = re.compile(r"^[A-Za-z0-9-]{1,12}$")
# A ticket number inside free text: letters followed by digits, e.g. A001, YL012.
TICKET_IN_TEXT_RE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,3}-?\d{1,5})(?![A-Za-z0-9])")
CALL_ZH_RE = re.compile(r"^\s*请\s*([A-Za-z0-9-]{1,12})\s*号\s*到\s*(\w{1,6}?)\s*号\s*窗口\s*办理\s*[。！!]?\s*$")
CALL_EN_RE = re.compile(
    r"^\s*number\s+([A-Za-z0-9-]{1,12}),?\s+please\s+go\s+to\s+window\s+(\w{1,6})\s*[.!]?\s*$",
    re.IGNORECASE)


def check_call(number: str, window: int | str) -> tuple[str, str]:
    """Normalised (number, window) or ValueError saying what is wrong."""
    number = str(number).strip().upper()
    if not TICKET_RE.match(number):
        raise ValueError(f"ticket number must be letters and digits (like A001), not {number!r}")
    window_text = str(window).strip()
    if not window_text or not re.fullmatch(r"[A-Za-z0-9]{1,6}", window_text):
        raise ValueError(f"window must be a number like 3 (or a short code), not {window!r}")
    if window_text.isdigit():
        if int(window_text) < 1:
            raise ValueError("window numbers start at 1")
        window_text = str(int(window_text))  # "03" is window 3
    return number, window_text


def announcement_texts(number: str, window: int | str) -> tuple[str, str]:
    """The words shown on screen: ("请 A001 号到 3 号窗口办理", "Number A001, please go to window 3")."""
    number, window = check_call(number, window)
    return f"请 {number} 号到 {window} 号窗口办理", f"Number {number}, please go to window {window}"


def spell_zh(code: str) -> str:
    """"A001" -> "A 零 零 一": one by one, digits as Chinese numerals."""
    return " ".join(ZH_DIGITS.get(ch, ch) for ch in code.upper() if ch != "-")


def spell_en(code: str) -> str:
    """"A001" -> "A, 0, 0, 1": the commas make each letter a letter name, not the word "a"."""
    return ", ".join(ch for ch in code.upper() if ch != "-")


def spoken_texts(number: str, window: int | str) -> tuple[str, str]:
    """The words the synthesiser gets (ticket spelled out, window read as a number)."""
    number, window = check_call(number, window)
    window_zh = window if window.isdigit() else spell_zh(window)
    window_en = window if window.isdigit() else spell_en(window)
    return (f"请，{spell_zh(number)}，号，到{window_zh}号窗口办理。",
            f"Number {spell_en(number)}. Please go to window {window_en}.")


def parse_call_text(text: str) -> tuple[str, str] | None:
    """(number, window) if `text` is a call like "请 A001 号到 3 号窗口办理", else None."""
    for pattern in (CALL_ZH_RE, CALL_EN_RE):
        match = pattern.match(text)
        if match:
            try:
                return check_call(match.group(1), match.group(2))
            except ValueError:
                return None
    return None


def speakable(text: str, chinese: bool) -> str:
    """Free text with ticket numbers inside spelled out, for `hall say "..."`."""
    spell = spell_zh if chinese else spell_en
    return TICKET_IN_TEXT_RE.sub(lambda m: f" {spell(m.group(1))} ", text).strip()


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in text)
