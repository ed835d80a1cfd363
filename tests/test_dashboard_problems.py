"""The dashboard's ranked problems and its alert lines: worst first, each with its fix, in clean words."""

from __future__ import annotations

from queue_server.core.problems import STALE_CALL_S, problems
from queue_server.ops.supervision_alerts import device_lines

NOW = 1_000_000.0


def zone(code, waiting, est_min, target_min, open_windows=1):
    return {"zone": code, "name_zh": code.upper(), "name_en": code, "waiting": waiting,
            "estimated_wait_s": est_min * 60, "target_wait_s": target_min * 60, "open_windows": open_windows}


def test_no_window_first_then_by_estimate_over_target():
    zones = [zone("mild", 5, 23, 20), zone("consult", 7, 80, 10), zone("empty", 0, 0, 10, 0),
             zone("orphan", 3, 30, 20, open_windows=0), zone("fine", 2, 5, 20)]
    ranked = problems(zones, [], [], [], NOW)
    assert [p["zone"] for p in ranked] == ["orphan", "consult", "mild"]
    assert ranked[0]["kind"] == "no_window" and "no open window" in ranked[0]["en"]
    assert ranked[1]["ratio"] == 8.0 and ranked[1]["level"] == "red" and ranked[2]["level"] == "amber"
    assert all(p["action"]["kind"] == "open_window" for p in ranked)


def test_a_proposal_that_helps_the_zone_is_its_action():
    proposals = [{"window": 7, "to_zone": "consult", "to_zones": ["consult", "public"]}]
    [p] = problems([zone("consult", 7, 80, 10)], [], [], proposals, NOW)
    assert p["action"] == {"kind": "accept_move", "window": 7, "zones": ["consult", "public"],
                           "zh": "采纳：7号窗口改办此板块", "en": "Accept: window 7 serves it"}


def test_stale_calls_and_devices():
    windows = [{"number": 4, "ticket": {"number": "B012", "state": "called"}, "called_at_s": NOW - STALE_CALL_S - 60},
               {"number": 5, "ticket": {"number": "B013", "state": "called"}, "called_at_s": NOW - 30},
               {"number": 6, "ticket": {"number": "B014", "state": "serving"}, "called_at_s": NOW - 3600}]
    lines = device_lines([
        {"id": 1, "at": "2026-11-23T02:00:00Z", "kind": "printer_paper_out", "source": "kiosk-01", "message": "x"},
        {"id": 2, "at": "2026-11-23T02:01:00Z", "kind": "camera_missing", "source": "kiosk-02",
         "message": "kiosk-02: 摄像头不可用 / camera none not available"}])
    ranked = problems([], windows, lines, [], NOW)
    assert [p["kind"] for p in ranked] == ["device", "stale_call", "device"]
    assert ranked[0]["action"] == {"kind": "resolve", "ids": [1], "zh": "已加纸/已修复", "en": "Fixed"}
    assert "B012" in ranked[1]["zh"] and "6 min" in ranked[1]["en"] and ranked[1]["action"]["window"] == 4


def test_alert_lines_are_clean_and_one_per_device():
    rows = [
        {"id": 5, "at": "2026-11-23T02:05:00Z", "kind": "help", "source": "demo-kiosk",
         "message": "demo-kiosk: demo-kiosk: 群众请求帮办代办 / a citizen asks for help at the kiosk"},
        {"id": 4, "at": "2026-11-23T02:04:00Z", "kind": "camera_missing", "source": "demo-kiosk",
         "message": "demo-kiosk: 摄像头不可用 / camera none not available"},
        {"id": 3, "at": "2026-11-23T02:03:00Z", "kind": "printer_offline", "source": "kiosk-07",
         "message": "kiosk-07: 打印机无响应 / no answer from the printer"},
        {"id": 2, "at": "2026-11-23T02:00:00Z", "kind": "help", "source": "demo-kiosk", "message": ""},
    ]
    lines = device_lines(rows)
    assert [line["source"] for line in lines] == ["demo-kiosk", "kiosk-07"]
    kiosk = lines[0]
    assert kiosk["zh"] == "设备 demo-kiosk：群众请求帮办；扫码摄像头不可用"
    assert kiosk["en"] == "Device demo-kiosk: A citizen asks for help; QR camera not available"
    assert kiosk["ids"] == [2, 4, 5] and kiosk["since"] == "2026-11-23T02:00:00Z" and kiosk["at"] == rows[0]["at"]
    assert lines[1]["zh"] == "设备 kiosk-07：打印机离线（打印机无响应）"
    assert lines[1]["en"] == "Device kiosk-07: Printer offline (no answer from the printer)"
    for line in lines:
        assert "none" not in line["en"] and line["zh"].count(line["source"]) == 1


def test_a_help_request_someone_took_says_who():
    [line] = device_lines([{"id": 9, "at": "2026-11-23T02:00:00Z", "kind": "help", "source": "kiosk-03",
                            "message": "kiosk-03: 群众请求帮办代办", "data": '{"taken_by": "staff2"}'}])
    assert line["zh"] == "设备 kiosk-03：群众请求帮办，staff2 已前往处理"
    assert line["en"] == "Device kiosk-03: A citizen asks for help, staff2 is on it"
