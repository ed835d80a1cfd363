"""Policies on the sample hall, the JSON output, the report, window schedules and the staffing plan."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from queue_server.hall_config import load_config
from simulator.arrivals import Arrival, arrivals_csv
from simulator.cli import plan, simulate
from simulator.engine import simulate as run
from simulator.metrics import summarise
from simulator.plan import windows_for_p90
from simulator.policies import POLICIES
from simulator.profile import generate, load_profile
from simulator.schedule import Shift

ROOT = Path(__file__).resolve().parent.parent
CFG = load_config()
WEEKDAY = load_profile(ROOT / "config/profiles/weekday.toml")


@pytest.fixture(scope="module")
def day_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sim") / "day.csv"
    morning = [a for a in generate(CFG, WEEKDAY, 0.9, seed=7) if a.at < 12 * 3600]  # the peak, kept short
    path.write_text(arrivals_csv(morning), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def rows(day_csv) -> list[dict]:
    result = CliRunner().invoke(simulate, ["--arrivals", str(day_csv), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_json_has_one_object_per_policy_with_the_documented_keys(rows):
    assert [r["policy"] for r in rows] == ["dedicated", "pooled", "shipped", "shipped+rebalance"]
    for r in rows:
        assert {"policy", "tickets", "mean_wait_s", "p90_wait_s", "max_wait_s", "per_zone", "priority_mean_wait_s",
                "normal_mean_wait_s", "prediction"} <= set(r)
        assert set(r["prediction"]) == {"mae_s", "rel_mse"}
        assert set(r["per_zone"]["commerce"]) == {"tickets", "mean_wait_s", "p90_wait_s"}
        assert r["unserved"] == 0 and r["tickets"] == rows[0]["tickets"]


def test_pooling_beats_dedicated_windows_and_shipped_comes_close(rows):
    by = {r["policy"]: r for r in rows}
    assert by["pooled"]["mean_wait_s"] < by["shipped"]["mean_wait_s"] < by["dedicated"]["mean_wait_s"]
    gap = by["dedicated"]["mean_wait_s"] - by["pooled"]["mean_wait_s"]
    assert by["shipped"]["mean_wait_s"] - by["pooled"]["mean_wait_s"] < 0.25 * gap  # most of the gap recovered
    assert by["shipped+rebalance"]["window_moves"]  # the manager accepted some moves
    assert by["shipped"]["priority_mean_wait_s"] < by["shipped"]["normal_mean_wait_s"]  # green channel


def test_text_table_and_report_png(day_csv, tmp_path):
    png = tmp_path / "report.png"
    result = CliRunner().invoke(simulate, ["--arrivals", str(day_csv), "--policy", "shipped", "--report", str(png)])
    assert result.exit_code == 0, result.output
    assert "shipped" in result.output and "dedicated" not in result.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


def test_gen_writes_a_csv_that_simulate_reads(tmp_path):
    result = CliRunner().invoke(simulate, ["gen", "--load", "0.3", "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("arrival,zone,matter,priority,service_s,no_show\n")
    again = CliRunner().invoke(simulate, ["gen", "--load", "0.3", "--seed", "2"])
    assert again.output == result.output  # same seed, same day
    path = tmp_path / "gen.csv"
    path.write_text(result.output, encoding="utf-8")
    assert CliRunner().invoke(simulate, ["--arrivals", str(path), "--policy", "pooled"]).exit_code == 0


def test_schedule_closes_windows_and_leftovers_are_unserved():
    day = [Arrival(at=9 * 3600 + i * 60, zone="special", service_s=600) for i in range(6)]
    shifts = [Shift(39, 9 * 3600, 10 * 3600, ("special",))]
    result = summarise(run(CFG, day, POLICIES["shipped"], shifts))
    # One window serving 10-minute services for an hour calls exactly six citizens (at 0, 10, ... 50 min).
    assert result["served"] == 6 and result["unserved"] == 0
    shifts = [Shift(39, 9 * 3600, 9 * 3600 + 1800, ("special",))]
    result = summarise(run(CFG, day, POLICIES["shipped"], shifts))
    assert result["served"] == 3 and result["unserved"] == 3


def test_staffing_plan_meets_its_targets():
    assert windows_for_p90(0.0, 600, 1200) == 0
    assert windows_for_p90(10 / 3600, 600, 1200) >= 2  # offered load 1.67 needs at least two windows
    result = CliRunner().invoke(plan, ["--target-p90", "20m", "--seeds", "1", "--rounds", "3", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["ok"] and out["hours"][0] == 9
    commerce = out["zones"]["commerce"]
    assert commerce["target_p90_s"] == 1200
    assert commerce["windows"]["10:00"] > commerce["windows"]["12:00"]  # more staff at the peak than at lunch
    assert all(p <= 1200 for z in out["zones"].values() for p in z["p90_wait_s"].values())
