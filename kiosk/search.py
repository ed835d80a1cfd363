"""Find a matter by pinyin initials ("qysl" → 企业设立登记), full pinyin, Chinese or English words.

A matter's short name (short_zh / short_en: "社保卡") is searched as well as its full name, and Chinese is
matched as an abbreviation too: "社保" finds 社会保障卡申领 (its characters in order), as people shorten them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@dataclass(frozen=True)
class SearchKey:
    initials: str  # "qysldj"
    spelled: str  # "qiyeshelidengji"
    zh: str
    en: str  # lower case, letters and digits only, words joined: "registeracompany"
    en_initials: str  # "rac"


@lru_cache(maxsize=4096)
def search_key(name_zh: str, name_en: str) -> SearchKey:
    han = "".join(ch for ch in name_zh if "\u4e00" <= ch <= "\u9fff" or ch.isalnum())
    initials = "".join(lazy_pinyin(han, style=Style.FIRST_LETTER, errors="ignore")).lower()
    spelled = "".join(lazy_pinyin(han, errors="ignore")).lower()
    words = re.findall(r"[a-z0-9]+", name_en.lower())
    return SearchKey(initials, spelled, name_zh, "".join(words), "".join(w[0] for w in words))


def _in_order(needle: str, hay: str) -> bool:
    """Every character of `needle` in `hay`, in order (an abbreviation: 社保 in 社会保障卡)."""
    rest = iter(hay)
    return all(ch in rest for ch in needle)


def matches(query: str, name_zh: str, name_en: str) -> bool:
    """True when the query is in the initials, the spelled pinyin, the Chinese or the English name."""
    q = query.strip().lower()
    if not q:
        return True
    key = search_key(name_zh, name_en)
    if any("\u4e00" <= ch <= "\u9fff" for ch in q):
        return _in_order(q, key.zh)
    q = re.sub(r"[^a-z0-9]", "", q)
    return q in key.initials or q in key.spelled or q in key.en or key.en_initials.startswith(q)


def rank(query: str, name_zh: str, name_en: str) -> int:
    """Lower is better: initials from the start first, then anywhere, then the rest."""
    q = query.strip().lower()
    key = search_key(name_zh, name_en)
    if key.initials.startswith(q):
        return 0
    if q in key.initials:
        return 1
    if key.spelled.startswith(q) or key.en.startswith(q):
        return 2
    return 3


def _names(item: dict) -> list[tuple[str, str]]:
    names = [(item["name_zh"], item["name_en"])]
    if item.get("short_zh"):
        names.append((item["short_zh"], item.get("short_en", "")))
    return names


def search(items: list[dict], query: str) -> list[dict]:
    """The items (dicts with name_zh, name_en, maybe short_zh, short_en) matching `query`, best first, stable
    otherwise."""
    if not query.strip():
        return list(items)
    found = [it for it in items if any(matches(query, zh, en) for zh, en in _names(it))]
    return sorted(found, key=lambda it: min(rank(query, zh, en) for zh, en in _names(it)))
