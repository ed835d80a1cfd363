"""A kiosk or wall display that drops off (its event stream gone for minutes) is a problem on the dashboard."""

from __future__ import annotations

from queue_server.core.device_presence import OFFLINE_AFTER_S, DevicePresence
from queue_server.core.problems import problems
from tests.support.pickup_helpers import make_hallway

DAY = 1_000_000.0


def kiosk(name: str, last_seen_s: float | None) -> dict:
    return {"name": name, "kind": "kiosk", "window": None, "last_seen_s": last_seen_s}


def test_a_device_up_today_without_its_stream_for_minutes_is_offline():
    presence = DevicePresence()
    presence.opened("kiosk-01")
    presence.opened("kiosk-02")
    presence.closed("kiosk-02", DAY + 100)  # its stream ended
    devices = [kiosk("kiosk-01", DAY + 10), kiosk("kiosk-02", DAY + 10), kiosk("kiosk-03", None),
               kiosk("kiosk-04", DAY - 3600), {"name": "pad-1", "kind": "pad", "window": 3, "last_seen_s": DAY}]
    now = DAY + 100 + OFFLINE_AFTER_S - 1
    assert presence.offline(devices, now, DAY) == []  # a reconnect takes seconds: not yet
    offline = presence.offline(devices, DAY + 100 + OFFLINE_AFTER_S, DAY)
    # kiosk-01 streams; kiosk-03 never came up, kiosk-04 not today; a pad holds no stream
    assert [d["name"] for d in offline] == ["kiosk-02"] and offline[0]["since_s"] == DAY + 100


def test_a_device_with_two_streams_is_up_until_both_end():
    presence = DevicePresence()
    presence.opened("display-01")
    presence.opened("display-01")
    presence.closed("display-01", DAY)
    assert presence.streaming("display-01")
    presence.closed("display-01", DAY + 5)
    assert not presence.streaming("display-01")


def test_offline_devices_rank_after_the_printers_with_no_fix_button():
    offline = [kiosk("kiosk-02", None) | {"window": 4, "since_s": DAY}]
    [p] = problems([], [], [], [], DAY + 600, offline)
    assert p["kind"] == "device_offline" and p["level"] == "red" and 700 <= p["score"] < 800
    assert p["zh"] == "自助机 kiosk-02（4号窗口旁）离线已 10 分钟，请检查电源和网络"
    assert p["en"] == "Kiosk kiosk-02 (by window 4) offline for 10 min: check its power and network"
    assert p["action"] is None


def test_the_dashboard_reports_a_kiosk_whose_stream_ended(tmp_path):
    hw = make_hallway(tmp_path)
    try:
        def offline() -> list[str]:
            live = hw.get("/api/v1/supervision/live", "manager").get_json()
            return [p["source"] for p in live["problems"] if p["kind"] == "device_offline"]

        stream = hw.get("/api/v1/events", "kiosk-01", buffered=False)
        chunks = iter(stream.response)
        assert b"connected" in next(chunks)  # the kiosk follows the hall
        assert hw.hall.presence.streaming("kiosk-01")
        hw.clock.advance(OFFLINE_AFTER_S * 3)
        assert offline() == []  # up all along
        stream.close()  # the kiosk's power or network went
        assert not hw.hall.presence.streaming("kiosk-01")
        hw.clock.advance(OFFLINE_AFTER_S - 1)
        assert offline() == []
        hw.clock.advance(1)
        assert offline() == ["kiosk-01"]  # kiosk-02 never came up today: not reported
    finally:
        hw.hall.close()
