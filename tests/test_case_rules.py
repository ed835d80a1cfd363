"""The pure rules of accepted cases: numbers, masking, the materials decision, the state moves, and the hall
file's new keys (主件/辅件, 容缺, the case number pattern)."""

from __future__ import annotations

from datetime import date

import pytest

from queue_server.cases.materials import check_materials
from queue_server.cases.numbers import case_number, clean_id_number, mask_id
from queue_server.cases.states import TransitionError, next_state
from queue_server.config_export import config_data
from queue_server.hall_config import ConfigError, Material, load_config, parse_config

M = [Material("form", "申请表", "Form"), Material("id", "身份证", "ID"), Material("plan", "平面图", "Plan", kind="aux")]


def test_case_numbers_and_masks():
    assert case_number("{hall}-{date}-{seq:04d}", hall="370102-001", day=date(2026, 11, 23), seq=7) == \
        "370102-001-20261123-0007"
    assert case_number("SL{date}{seq:05d}", hall="x", day=date(2026, 1, 2), seq=12) == "SL2026010200012"
    assert clean_id_number(" 37010219900101123x ") == "37010219900101123X"
    assert mask_id("37010219900101123X") == "370***********123X"
    with pytest.raises(ValueError):
        clean_id_number("3701021990")


@pytest.mark.parametrize(("provided", "allowed", "asked", "decision", "missing"), [
    ({"form", "id", "plan"}, False, False, "accept", ()),
    ({"form", "id"}, True, True, "deficiency", ("plan",)),
    ({"form", "id"}, True, False, "refuse", ("plan",)),  # 容缺 not asked for
    ({"form", "id"}, False, True, "refuse", ("plan",)),  # not allowed for the matter
    ({"form", "plan"}, True, True, "refuse", ("id",)),  # a main material is never waived
    (set(), True, True, "refuse", ("form", "id", "plan")),
])
def test_materials_decision(provided, allowed, asked, decision, missing):
    check = check_materials(M, provided, deficiency_allowed=allowed, deficiency_requested=asked)
    assert check.decision == decision and check.missing == missing


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
    assert data["materials"]["floor_plan"]["kind"] == "aux" and data["materials"]["id_card"]["kind"] == "main"
    c01 = next(m for m in data["matters"] if m["code"] == "C01")
    assert c01["deficiency_allowed"] is True
    for path, value, words in ((("materials", "id_card", "kind"), "optional", "主件"),
                               (("rules", "case_number_pattern"), "{hall}-{nope}", "case_number_pattern"),
                               (("rules", "case_warn_percent"), 150, "case_warn_percent")):
        bad = config_data(load_config())
        target = bad
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        with pytest.raises(ConfigError, match=words):
            parse_config(bad)
