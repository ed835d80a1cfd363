"""The appointment schedule file, the slots it makes, and the check-in window around a slot (pure)."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from queue_server.appointments.config import load_rules, parse_rules
from queue_server.appointments.slots import arrival, find_slot, slots_for
from queue_server.hall_config import ConfigError, load_config

TZ = ZoneInfo("Asia/Shanghai")
ZONES = load_config().zone_codes()
SAMPLE = Path(__file__).resolve().parent.parent / "config"


def rules_of(text: str):
    return parse_rules(tomllib.loads(text), ZONES)


BASE = """
[appointments]
slot_minutes = 30
holidays = ["2026-10-01"]
workdays = ["2026-10-11"]
[appointments.zones.commerce]
workdays = [{ from = "09:00", to = "12:00", capacity = 3 }, { from = "13:30", to = "14:30", capacity = 1 }]
fri = [{ from = "09:00", to = "10:00", capacity = 2 }]
sat = []
"""


def test_sample_file_loads():
    rules = load_rules(SAMPLE, ZONES)
    assert rules.slot_minutes == 30 and "commerce" in rules.zones and date(2026, 10, 1) in rules.holidays
    assert len(slots_for(rules, "commerce", date(2026, 11, 28), TZ)) == 6  # Saturday morning 错时


def test_missing_file_means_no_appointments(tmp_path):
    assert load_rules(tmp_path, ZONES) is None


def test_weekday_hours_and_capacity():
    rules = rules_of(BASE)
    monday = slots_for(rules, "commerce", date(2026, 11, 23), TZ)
    assert [s.start.strftime("%H:%M") for s in monday] == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30",
                                                           "13:30", "14:00"]
    assert [s.capacity for s in monday] == [3] * 6 + [1] * 2
    assert monday[0].end - monday[0].start == timedelta(minutes=30)
    friday = slots_for(rules, "commerce", date(2026, 11, 27), TZ)
    assert [(s.start.hour, s.start.minute, s.capacity) for s in friday] == [(9, 0, 2), (9, 30, 2)]
    assert slots_for(rules, "commerce", date(2026, 11, 28), TZ) == []  # Saturday
    assert slots_for(rules, "commerce", date(2026, 11, 29), TZ) == []  # Sunday (not listed)
    assert slots_for(rules, "public", date(2026, 11, 23), TZ) == []  # zone not bookable


def test_holidays_closed_and_weekend_workdays_use_monday_hours():
    rules = rules_of(BASE)
    assert slots_for(rules, "commerce", date(2026, 10, 1), TZ) == []
    assert len(slots_for(rules, "commerce", date(2026, 10, 11), TZ)) == 8  # a Sunday worked as a Monday


def test_find_slot_needs_an_exact_start():
    rules = rules_of(BASE)
    assert find_slot(rules, "commerce", datetime(2026, 11, 23, 9, 30, tzinfo=TZ), TZ).capacity == 3
    assert find_slot(rules, "commerce", datetime(2026, 11, 23, 9, 40, tzinfo=TZ), TZ) is None
    assert find_slot(rules, "commerce", datetime(2026, 11, 23, 12, 0, tzinfo=TZ), TZ) is None


@pytest.mark.parametrize("offset_s, expected", [
    (-1801, "early"), (-1800, "on_time"), (0, "on_time"), (900, "on_time"), (901, "late"), (86400, "late"),
])
def test_arrival_edges(offset_s, expected):
    start = datetime(2026, 11, 23, 10, 30, tzinfo=TZ)
    assert arrival(start + timedelta(seconds=offset_s), start, early_s=1800, late_s=900) == expected


@pytest.mark.parametrize("text, words", [
    ("[appointments]\nslot_minutes = 25", "slot_minutes"),
    ("[appointments]\ncolour = 1", "unknown key"),
    ("[appointments.zones.moon]\nworkdays = []", "unknown zone 'moon'"),
    ('[appointments.zones.commerce]\nworkdays = [{ from = "9:00", to = "12:00", capacity = 3 }]', "09:30"),
    ('[appointments.zones.commerce]\nworkdays = [{ from = "09:00", to = "09:45", capacity = 3 }]', "30-minute"),
    ('[appointments.zones.commerce]\nworkdays = [{ from = "09:00", to = "10:00", capacity = 0 }]', "capacity"),
    ('[appointments.zones.commerce]\nworkdays = [{ from = "09:00", to = "10:00", capacity = 1 },'
     ' { from = "09:30", to = "11:00", capacity = 1 }]', "overlaps"),
    ('[appointments.zones.commerce]\nholiday = []', "unknown key(s) holiday"),
    ('[appointments]\nholidays = ["Oct 1"]', "holidays[0]"),
    ("[hall]\nname = 'x'", "[appointments]: missing"),
])
def test_config_mistakes_name_the_key(text, words):
    with pytest.raises(ConfigError) as e:
        rules_of(text)
    assert words in str(e.value)


def test_broken_file_names_the_path(tmp_path):
    (tmp_path / "appointments.toml").write_text("[appointments\n")
    with pytest.raises(ConfigError) as e:
        load_rules(tmp_path, ZONES)
    assert "appointments.toml" in str(e.value)
