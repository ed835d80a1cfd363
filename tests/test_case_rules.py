"""The pure rules of accepted cases: numbers, masking, the materials decision, the state moves, and the hall
file's new keys (the matter's department, the case number pattern) on the guide's per-matter model (主件/辅件 by
optional_materials, 容缺 by deferrable_materials)."""

from __future__ import annotations

from datetime import date

import pytest

from queue_server.cases.materials import check_materials, deficiency_allowed
from queue_server.cases.numbers import case_number, clean_id_number, mask_id
from queue_server.cases.states import TransitionError, next_state
from queue_server.config_export import config_data
from queue_server.hall_config import ConfigError, Matter, load_config, parse_config


def _matter(*, optional: tuple[str, ...] = (), deferrable: tuple[str, ...] = ()) -> Matter:
    """form and id are 主件; plan and proxy are 辅件 (optional); `deferrable` may follow under 容缺."""
    return Matter(code="X01", zone="z", name_zh="事项", name_en="Matter", common=False, service_s=60, legal_days=5,
                  promised_days=3, fee_zh="", fee_en="", materials=("form", "id", "plan", "proxy"), notes_zh="",
                  notes_en="", optional_materials=("plan", "proxy", *optional), deferrable_materials=deferrable)


def test_case_numbers_and_masks():
    assert case_number("{hall}-{date}-{seq:04d}", hall="370102-001", day=date(2026, 11, 23), seq=7) == \
        "370102-001-20261123-0007"
    assert case_number("SL{date}{seq:05d}", hall="x", day=date(2026, 1, 2), seq=12) == "SL2026010200012"
    assert clean_id_number(" 37010219900101123x ") == "37010219900101123X"
    assert mask_id("37010219900101123X") == "370***********123X"
    with pytest.raises(ValueError):
        clean_id_number("3701021990")


@pytest.mark.parametrize(("provided", "deferrable", "asked", "decision", "missing"), [
    ({"form", "id", "plan", "proxy"}, (), False, "accept", ()),
    ({"form", "id", "plan"}, (), False, "accept", ()),  # a 辅件 that may not follow: only where it applies
    ({"form", "id"}, ("plan",), True, "deficiency", ("plan",)),
    ({"form", "id"}, ("plan",), False, "refuse", ("plan",)),  # 容缺 not asked for
    ({"form", "plan"}, ("id",), True, "deficiency", ("id",)),  # a deferrable 主件 may follow too
    ({"form", "plan"}, ("plan",), True, "refuse", ("id",)),  # a 主件 not deferrable is never waived
    (set(), ("plan",), True, "refuse", ("form", "id", "plan")),
])
def test_materials_decision(provided, deferrable, asked, decision, missing):
    check = check_materials(_matter(deferrable=deferrable), provided, deficiency_requested=asked)
    assert check.decision == decision and check.missing == missing


def test_deficiency_is_possible_where_the_guide_names_deferrable_materials():
    assert not deficiency_allowed(_matter())
    assert deficiency_allowed(_matter(deferrable=("plan",)))


def test_state_moves():
    assert next_state("accepted", "in_review", supply_outstanding=False) == "in_review"
    assert next_state("in_review", "in_review", supply_outstanding=False) is None  # a repeat: no change
    for current, wanted, outstanding, code in (("pending_supply", "done", True, "supply_outstanding"),
                                               ("done", "denied", False, "bad_transition"),
                                               ("refused", "in_review", False, "bad_transition"),
                                               ("accepted", "pending_supply", False, "bad_state")):
        with pytest.raises(TransitionError) as e:
            next_state(current, wanted, supply_outstanding=outstanding)
        assert e.value.code == code


def test_hall_file_keys_have_defaults_and_are_checked():
    data = config_data(load_config())
    assert "kind" not in data["materials"]["floor_plan"]  # 主件/辅件 is the matter's, not the catalogue's
    c01 = next(m for m in data["matters"] if m["code"] == "C01")
    assert set(c01["deferrable_materials"]) == {"floor_plan", "food_safety_rules", "health_certificates"}
    assert c01["department"].startswith("区市场监督管理局") and "deficiency_allowed" not in c01
    c02 = next(m for m in data["matters"] if m["code"] == "C02")
    assert c02["department"] == ""  # the zone's then
    for path, value, words in ((("materials", "id_card", "kind"), "aux", "kind"),
                               (("rules", "case_number_pattern"), "{hall}-{nope}", "case_number_pattern"),
                               (("rules", "case_warn_percent"), 150, "case_warn_percent")):
        bad = config_data(load_config())
        target = bad
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        with pytest.raises(ConfigError, match=words):
            parse_config(bad)
    bad = config_data(load_config())
    next(m for m in bad["matters"] if m["code"] == "C01")["deficiency_allowed"] = True  # the old key: unknown now
    with pytest.raises(ConfigError, match="deficiency_allowed"):
        parse_config(bad)
