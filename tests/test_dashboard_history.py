"""History statistics, exports, computed alerts and the audit log, without a browser (test clock, real SQLite)."""

from __future__ import annotations

import io
import sqlite3
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from queue_server.clock import FixedClock
from queue_server.errors import BadRequest
from queue_server.hall import Hall
from queue_server.hall_config import load_config
from queue_server.ops import accounts, audit
from queue_server.ops import windows as window_ops
from queue_server.ops.exports import stats_range_csv, stats_xlsx
from queue_server.ops.history import day_range, range_stats
from queue_server.ops.supervision_alerts import CallCounts, computed_alerts
from queue_server.ops.tickets import issue_ticket
from queue_server.ratings import ops

AMY = accounts.Principal(kind="staff", name="amy")
BEN = accounts.Principal(kind="staff", name="ben")


@pytest.fixture
def hall(tmp_path):
    clock = FixedClock(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))  # Monday 09:00 in Jinan
    h = Hall(config=load_config(), db_path=tmp_path / "hall.db", clock=clock)
    yield h
    h.close()


def serve(hall: Hall, window: int, who, zone: str, matter: str | None, wait_s: float, service_s: float,
          no_show: bool = False) -> dict:
    t = issue_ticket(hall, zone=zone, matter=matter, actor=("kiosk", "k1"))
    hall.clock.advance(wait_s)
    window_ops.call_next(hall, window, who)
    if no_show:
        window_ops.ticket_action(hall, window, "recall", who, {})
        window_ops.ticket_action(hall, window, "no_show", who, {})
        return t
    window_ops.ticket_action(hall, window, "start", who, {})
    hall.clock.advance(service_s)
    window_ops.ticket_action(hall, window, "finish", who, {})
    return t


def two_days(hall: Hall) -> list[dict]:
    window_ops.open_window(hall, 39, AMY)
    window_ops.open_window(hall, 31, BEN)
    done = [serve(hall, 39, AMY, "special", "F01", 600, 300), serve(hall, 39, AMY, "special", "F01", 1200, 500),
            serve(hall, 31, BEN, "economy", None, 4000, 100)]  # a wait over an hour
    serve(hall, 39, AMY, "special", None, 60, 0, no_show=True)
    ops.rate(hall, done[0]["id"], {"score": 5}, source="phone")
    ops.rate(hall, done[1]["id"], {"score": 1, "reason": "efficiency"}, source="phone")
    hall.clock.advance(24 * 3600)  # next day
    done.append(serve(hall, 39, AMY, "special", "F01", 60, 900))
    ops.rate(hall, done[-1]["id"], {"score": 4}, source="phone")
    return done


def test_range_stats_over_two_days(hall, tmp_path):
    two_days(hall)
    s = range_stats(hall, "2026-11-23", "2026-11-24")
    assert s["total"]["tickets"] == 5 and s["total"]["served"] == 4 and s["total"]["no_shows"] == 1
    assert [d["tickets"] for d in s["days"]] == [4, 1]
    zones = {z["zone"]: z for z in s["zones"]}
    assert zones["economy"]["wait_mean_s"] == 4000  # full timestamps: over an hour stays right
    assert zones["special"]["wait_p90_s"] == 1200 and zones["special"]["no_shows"] == 1
    f01 = next(m for m in s["matters"] if m["matter"] == "F01")
    assert f01["served"] == 3 and f01["service_mean_s"] == round((300 + 500 + 900) / 3, 1)
    staff = {p["staff"]: p for p in s["staff"]}
    assert staff["amy"]["served"] == 3 and staff["amy"]["ratings"] == 3
    assert staff["amy"]["satisfaction_rate"] == round(2 / 3, 4) and staff["ben"]["ratings"] == 0
    assert {w["window"]: w["served"] for w in s["windows"]} == {31: 1, 39: 3}
    assert s["satisfaction"]["ratings"] == 3 and s["satisfaction"]["bad"] == 1
    assert s["bad_ratings"][0]["reason"] == "efficiency"
    assert sum(h["tickets"] for h in s["arrivals_per_hour"]) == 5
    one = range_stats(hall, "2026-11-24", "2026-11-24")
    assert one["total"]["tickets"] == 1 and one["satisfaction"]["ratings"] == 1


def test_xlsx_and_csv_hold_every_table(hall):
    two_days(hall)
    s = range_stats(hall, "2026-11-23", "2026-11-24")
    wb = load_workbook(io.BytesIO(stats_xlsx(s)))
    assert wb.sheetnames == ["概览 Summary", "每小时取号 Arrivals", "按日 Days", "板块 Zones", "事项 Matters",
                             "窗口 Windows", "人员 Staff", "差评 Bad ratings"]
    days = [row for row in wb["按日 Days"].iter_rows(values_only=True)]
    assert days[0][0] == "日期 Day" and [r[0] for r in days[1:]] == ["2026-11-23", "2026-11-24"]
    staff = {r[0]: r for r in wb["人员 Staff"].iter_rows(min_row=2, values_only=True)}
    assert staff["amy"][2] == 3  # served
    summary = dict(wb["概览 Summary"].iter_rows(min_row=2, values_only=True))
    assert summary["取号 Tickets"] == 5 and summary["差评 Bad ratings"] == 1
    text = stats_range_csv(s)
    assert "人员 Staff,amy" in text and text.splitlines()[0].startswith("section 表,项目 Item")


def test_day_range_defaults_and_errors(hall):
    assert day_range(hall, None, None) == ("2026-11-23", "2026-11-23")
    assert day_range(hall, "2026-11-01", None) == ("2026-11-01", "2026-11-01")
    for a, b in (("2026-11-05", "2026-11-01"), ("2026/11/01", None), ("2024-01-01", "2026-01-01")):
        with pytest.raises(BadRequest):
            day_range(hall, a, b)


def test_computed_alerts_name_the_problem_in_both_languages():
    zones = [{"zone": "commerce", "name_zh": "商事登记", "name_en": "Business Registration", "waiting": 9,
              "oldest_wait_s": 1900, "target_wait_s": 1200},
             {"zone": "public", "name_zh": "公共服务", "name_en": "Public Services", "waiting": 0,
              "oldest_wait_s": 0, "target_wait_s": 1200}]
    windows = [{"number": 7, "state": "paused", "state_since_s": 0, "pause_reason": "会议 Meeting"},
               {"number": 8, "state": "paused", "state_since_s": 1000}]
    alerts = computed_alerts(zones, windows, 1200.0, {3: CallCounts(6, 3), 4: CallCounts(20, 3), 5: CallCounts(2, 2)})
    kinds = [(a["kind"], a.get("zone") or a.get("window")) for a in alerts]
    assert kinds == [("wait_over_target", "commerce"), ("paused_too_long", 7), ("no_show_spike", 3)]
    assert "12 分钟" in alerts[0]["zh"] or "目标 12" in alerts[0]["zh"]
    assert "Window 7 paused for 20 min" == alerts[1]["en"]


def test_the_audit_log_is_append_only(hall):
    with hall.store.write() as db:
        audit.record(hall, db, actor="boss", role="manager", action="PUT /x", detail={"password": "p", "a": 1})
    row = audit.entries(hall)[0]
    assert row["detail"] == {"password": "***", "a": 1}
    conn = sqlite3.connect(hall.store.path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM audit_log")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE audit_log SET actor = 'x'")
    conn.close()


def test_balancing_proposals_move_front_desks_only(hall):
    from queue_server.ops.balancing import movable_zones, proposals

    people = [accounts.Principal(kind="staff", name=f"s{n}") for n in range(4)]
    for p, window in zip(people, (1, 2, 3, 41), strict=True):
        window_ops.open_window(hall, window, p)
    for _ in range(10):
        issue_ticket(hall, zone="public", actor=("kiosk", "k1"))
    moves = proposals(hall)
    assert moves and all(m["window"] in (1, 2, 3) for m in moves)
    first = moves[0]
    assert first["to_zones"][0] == "public" and first["predicted_mean_wait_change_s"] < 0
    assert first["zh"].startswith(f"{first['window']}号窗口：商事登记 → 公共服务")
    assert movable_zones(hall, 41) == () and "public" in movable_zones(hall, 1)
