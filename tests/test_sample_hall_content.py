"""Content checks of the sample hall (config/hall.toml), read with tomllib alone.

These guard the data, not the loader: a kiosk's "tell once" guide is only as good as the
catalogue behind it, so every reference must resolve and every text must exist in both languages.
"""

import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest

HALL_TOML = Path(__file__).resolve().parent.parent / "config" / "hall.toml"
MAIN_FRONT_ZONES = ("commerce", "public", "economy", "social", "construction", "special")


@pytest.fixture(scope="module")
def hall() -> dict:
    with HALL_TOML.open("rb") as f:
        return tomllib.load(f)


@pytest.fixture(scope="module")
def zones(hall: dict) -> dict[str, dict]:
    return {z["code"]: z for z in hall["zones"]}


@pytest.fixture(scope="module")
def matters(hall: dict) -> dict[str, dict]:
    return {m["code"]: m for m in hall["matters"]}


def test_every_referenced_material_exists(hall: dict) -> None:
    catalogue = hall["materials"]
    for m in hall["matters"]:
        assert m["materials"], f"matter {m['code']} lists no materials"
        missing = [mid for mid in m["materials"] if mid not in catalogue]
        assert not missing, f"matter {m['code']} refers to unknown materials {missing}"
        assert len(set(m["materials"])) == len(m["materials"]), f"matter {m['code']} repeats a material"


def test_no_unused_material(hall: dict) -> None:
    used = {mid for m in hall["matters"] for mid in m["materials"]}
    assert set(hall["materials"]) - used == set()


def test_material_ids_are_snake_case(hall: dict) -> None:
    for mid in hall["materials"]:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", mid), mid


def test_every_matter_zone_exists(hall: dict, zones: dict) -> None:
    for m in hall["matters"]:
        assert m["zone"] in zones, f"matter {m['code']} is in unknown zone {m['zone']!r}"


def test_matter_codes_unique_and_prefixed(hall: dict, zones: dict) -> None:
    codes = Counter(m["code"] for m in hall["matters"])
    assert [c for c, n in codes.items() if n > 1] == []
    for m in hall["matters"]:
        prefix = zones[m["zone"]]["prefix"]
        assert re.fullmatch(rf"{prefix}\d{{2}}", m["code"]), f"{m['code']} should be {prefix}NN"


@pytest.mark.parametrize("zone", MAIN_FRONT_ZONES)
def test_main_front_zone_has_enough_matters(hall: dict, zone: str) -> None:
    in_zone = [m for m in hall["matters"] if m["zone"] == zone]
    assert len(in_zone) >= 5, zone
    assert any(m["common"] for m in in_zone), f"zone {zone} has no common matter"


@pytest.mark.parametrize("zone", ("pickup", "consult", "chain"))
def test_service_zone_has_matters(hall: dict, zone: str) -> None:
    assert len([m for m in hall["matters"] if m["zone"] == zone]) >= 3, zone


def test_matter_times_are_sensible(hall: dict) -> None:
    for m in hall["matters"]:
        assert isinstance(m["common"], bool), m["code"]
        assert 60 <= m["service_s"] <= 3600, m["code"]
        assert 0 <= m["promised_days"] <= m["legal_days"], m["code"]


def test_bundles_refer_to_front_matters(hall: dict, zones: dict, matters: dict) -> None:
    bundles = hall["bundles"]
    assert len(bundles) >= 3
    assert len({b["code"] for b in bundles}) == len(bundles)
    for b in bundles:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", b["code"]), b["code"]
        assert zones[b["zone"]]["kind"] == "chain", b["code"]
        assert len(b["matters"]) >= 2, b["code"]
        for code in b["matters"]:
            assert code in matters, f"bundle {b['code']} refers to unknown matter {code}"
            assert zones[matters[code]["zone"]]["kind"] == "front", f"{b['code']}: {code}"


def test_bundle_merged_list_is_deduplicated(hall: dict, matters: dict) -> None:
    # The point of shared material IDs: in a bundle, the ID card is asked for once.
    bundle = next(b for b in hall["bundles"] if b["code"] == "company-opening")
    listed = [mid for code in bundle["matters"] for mid in matters[code]["materials"]]
    merged = list(dict.fromkeys(listed))
    assert listed.count("id_card") > 1
    assert merged.count("id_card") == 1


def _bilingual_pairs(hall: dict):
    yield "hall", hall["hall"], ("name", "notice")
    for z in hall["zones"]:
        yield f"zone {z['code']}", z, ("name",)
    for mid, mat in hall["materials"].items():
        yield f"material {mid}", mat, ("",)
    for m in hall["matters"]:
        yield f"matter {m['code']}", m, ("name", "fee", "notes")
    for b in hall["bundles"]:
        yield f"bundle {b['code']}", b, ("name", "notes")


def test_every_text_has_zh_and_en(hall: dict) -> None:
    han = re.compile(r"[\u4e00-\u9fff]")
    for where, table, stems in _bilingual_pairs(hall):
        for stem in stems:
            zh_key, en_key = (f"{stem}_zh", f"{stem}_en") if stem else ("zh", "en")
            zh, en = table.get(zh_key, ""), table.get(en_key, "")
            assert zh.strip() and en.strip(), f"{where}: {zh_key}/{en_key} must both be set"
            assert han.search(zh), f"{where}: {zh_key} should be Chinese: {zh!r}"
            assert not han.search(en), f"{where}: {en_key} should be English: {en!r}"
