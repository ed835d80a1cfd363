"""The kiosk's English against the glossary kept in the repo (config/glossary.toml): every phrase whose
Chinese holds a 政务服务 term says it with the standard English, and reviewed mistakes stay out."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from kiosk.texts import TEXT, both

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = tomllib.loads((ROOT / "config" / "glossary.toml").read_text(encoding="utf-8"))
HALL = tomllib.loads((ROOT / "config" / "hall.toml").read_text(encoding="utf-8"))


def kiosk_phrases() -> list[tuple[str, str, str]]:
    """(where, zh, en) for every fixed phrase and every name the kiosk shows from the sample hall."""
    out = [(f"texts.{key}", *both(key, d=1, n=1, zone="", w="", s=1, m="", number="A001", window=1, names=""))
           for key in TEXT]
    out += [(f"texts.{key} (5 days)", *both(key, d=5)) for key in ("legal_days", "promised_days")]
    for kind in ("zones", "matters", "bundles"):
        for item in HALL[kind]:
            out.append((f"hall.{kind}.{item['code']}", item["name_zh"], item["name_en"]))
            if item.get("short_zh"):
                out.append((f"hall.{kind}.{item['code']}.short", item["short_zh"], item["short_en"]))
    out += kv_phrases()
    return out


def kv_phrases() -> list[tuple[str, str, str]]:
    """The zh / en pairs written in the kiosk's .kv rules (tiles such as 取号 / Take a number)."""
    out = []
    for path in sorted((ROOT / "kiosk").rglob("*.kv")):
        text = path.read_text(encoding="utf-8")
        for zh, en in re.findall(r'\bzh: "([^"]+)"\s*\n\s*en: "([^"]+)"', text):
            out.append((f"{path.relative_to(ROOT)}", zh, en))
        for zh, en in re.findall(r'text: "([^"]*[\u4e00-\u9fff][^"]*?) ([A-Z][^"]*)"', text):
            out.append((f"{path.relative_to(ROOT)}", zh, en))
    return out


PHRASES = kiosk_phrases()


@pytest.mark.parametrize("term", sorted(GLOSSARY["terms"]))
def test_each_term_is_said_with_the_glossary_english(term):
    entry = GLOSSARY["terms"][term]
    allowed = [entry["en"].lower(), *(a.lower() for a in entry.get("also", []))]
    wrong = [f"{where}: {zh} / {en}" for where, zh, en in PHRASES
             if term in _without(zh, entry.get("not_in", [])) and not any(a in en.lower() for a in allowed)]
    assert not wrong, f"{term} should read {entry['en']!r}:\n" + "\n".join(wrong)


def _without(zh: str, words: list[str]) -> str:
    for word in words:
        zh = zh.replace(word, "")
    return zh


def test_no_reviewed_mistake_is_left():
    found = [f"{where}: {en} ({GLOSSARY['avoid'][bad]})" for where, _zh, en in PHRASES
             for bad in GLOSSARY["avoid"] if bad.lower() in en.lower()]
    assert not found, "\n".join(found)


def test_working_days_take_the_plural_only_above_one():
    assert both("promised_days", d=1)[1] == "Promised time limit: 1 working day"
    assert both("promised_days", d=5)[1] == "Promised time limit: 5 working days"


def test_the_kv_rules_are_read():
    assert ("kiosk/screens/guide.kv", "取号", "Take a number") in PHRASES
    assert any(zh == "查找事项" and en == "Find a matter" for _where, zh, en in PHRASES)


def test_every_phrase_is_in_both_languages():
    assert all(zh.strip() and en.strip() for _where, zh, en in PHRASES)
