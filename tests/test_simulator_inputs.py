"""Arrivals, schedules and profiles: good files read back exactly, bad rows are named by line number."""

import pytest
from click.testing import CliRunner

from queue_server.hall_config import load_config
from simulator.arrivals import InputError, arrivals_csv, parse_arrivals
from simulator.cli import parse_duration, simulate
from simulator.profile import generate, load_profile, parse_profile
from simulator.schedule import parse_schedule

CFG = load_config()
HEADER = "arrival,zone,matter,priority,service_s,no_show\n"


def test_arrivals_round_trip_through_csv():
    day = generate(CFG, load_profile("config/profiles/weekday.toml"), 0.5, seed=4)
    again = parse_arrivals(arrivals_csv(day), CFG)
    assert len(again) == len(day) > 100
    assert [(a.zone, a.matter, a.priority, a.no_show) for a in again] == \
        [(a.zone, a.matter, a.priority, a.no_show) for a in day]
    assert all(abs(a.at - b.at) < 1 and abs(a.service_s - b.service_s) <= 0.5 for a, b in zip(again, day, strict=True))


def test_bad_rows_are_reported_by_line_number():
    text = (HEADER
            + "09:00:00,commerce,A01,,600,0\n"      # line 2: fine
            + "9:61:00,commerce,,,600,0\n"          # line 3: bad time
            + "09:05:00,nowhere,,,600,0\n"          # line 4: unknown zone
            + "09:06:00,commerce,B01,,600,0\n"      # line 5: matter of another zone
            + "09:07:00,public,,vip,abc,2\n"        # line 6: three problems
            + "\n"                                   # line 7: blank, ignored
            + "09:08:00,public,,elderly,300,1\n")   # line 8: fine
    with pytest.raises(InputError) as e:
        parse_arrivals(text, CFG, source="day.csv")
    msg = str(e.value)
    assert msg.startswith("day.csv: 4 bad row(s)")
    assert "line 3: arrival '9:61:00'" in msg
    assert "line 4: zone 'nowhere'" in msg
    assert "line 5: matter 'B01' belongs to zone 'public'" in msg
    line6 = next(s for s in msg.splitlines() if s.startswith("line 6"))
    assert "priority 'vip'" in line6 and "service_s 'abc'" in line6 and "no_show '2'" in line6
    assert "line 2" not in msg and "line 8" not in msg


def test_missing_columns_and_empty_files_say_what_to_do():
    with pytest.raises(InputError, match="line 1: the header lacks service_s"):
        parse_arrivals("arrival,zone\n09:00,commerce\n", CFG)
    with pytest.raises(InputError, match="no arrivals"):
        parse_arrivals(HEADER, CFG)


def test_cli_reports_bad_rows_without_a_traceback(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "09:00:00,commerce,,,600,0\n09:01:00,commerce,,,-5,0\n", encoding="utf-8")
    result = CliRunner().invoke(simulate, ["--arrivals", str(bad)])
    assert result.exit_code == 1 and "line 3: service_s '-5'" in result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(simulate, ["--arrivals", str(tmp_path / "missing.csv")])
    assert result.exit_code == 1 and "file not found" in result.output
    result = CliRunner().invoke(simulate, [])
    assert result.exit_code == 2 and "exactly one of --arrivals" in result.output
    result = CliRunner().invoke(simulate, ["--arrivals", str(bad), "--policy", "random"])
    assert result.exit_code == 1 and "unknown policy 'random'" in result.output


def test_schedule_rows_and_errors():
    shifts = parse_schedule("window,from,to,zones\n1,09:00,12:00,\n60,13:00,17:00,public|commerce\n", CFG)
    assert shifts[0].zones == CFG.window(1).zones and shifts[0].start == 9 * 3600
    assert shifts[1].window == 60 and shifts[1].zones == ("public", "commerce")
    with pytest.raises(InputError) as e:
        parse_schedule("window,from,to,zones\nx,09:00,12:00,\n2,12:00,11:00,\n3,09:00,10:00,mars\n", CFG)
    msg = str(e.value)
    assert "line 2: window 'x'" in msg and "line 3: to must be later" in msg and "line 4: unknown zone(s) mars" in msg


def test_profile_validation():
    with pytest.raises(InputError, match="hours must be"):
        parse_profile({"hours": [], "shares": {"default": []}})
    with pytest.raises(InputError, match="shares.commerce must list 2"):
        parse_profile({"hours": [9, 10], "shares": {"default": [1, 1], "commerce": [1]}})
    p = parse_profile({"hours": [9, 10], "shares": {"default": [3, 1]}})
    assert p.zone_shares("public") == (0.75, 0.25)


def test_profile_day_has_a_morning_peak_and_a_lunch_dip():
    day = generate(CFG, load_profile("config/profiles/weekday.toml"), 0.85, seed=1)
    front = {z.code for z in CFG.zones if z.kind == "front"}  # pickups come more in the afternoon
    per_hour = {h: sum(1 for a in day if int(a.at // 3600) == h and a.zone in front) for h in range(9, 17)}
    assert per_hour[10] == max(per_hour.values())
    assert per_hour[12] == min(per_hour.values())


@pytest.mark.parametrize("text, seconds", [("20m", 1200), ("90s", 90), ("1h", 3600), ("1200", 1200), ("2.5m", 150)])
def test_durations(text, seconds):
    assert parse_duration(text) == seconds
