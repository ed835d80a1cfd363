"""The Kivy wall board under Xvfb against a real server: shows and speaks calls, survives a server restart."""

from display.testing.driver_client import BoardDriver
from hall_client.client import HallClient
from hardware.announcement_text import announcement_texts


def staff_at_window(live_server, window: int, who: str = "staff1") -> HallClient:
    staff = HallClient(live_server.url)
    staff.login(who, live_server.seeded.staff[who])
    staff.open_window(window)
    return staff


def finish(staff: HallClient, window: int) -> None:
    staff.window_action(window, "start")
    staff.window_action(window, "finish")


def test_board_shows_and_speaks_calls_and_recovers_after_a_server_restart(live_server, xvfb, artifacts):
    out = artifacts / "display"
    out.mkdir(exist_ok=True)
    kiosk = HallClient(live_server.url, live_server.seeded.devices["kiosk-01"])
    for zone in ("commerce", "commerce", "public", "social"):
        kiosk.take_number(zone)
    staff = staff_at_window(live_server, 1)
    with BoardDriver(live_server.url) as board:
        assert board.wait(online=True)["ok"]
        first = staff.call_next(1)
        r = board.wait(current_number=first["number"], announced=1)
        assert r["ok"], r
        shown = r["shown"]
        assert shown["current_window"] == "1 号窗口 Window 1"
        assert shown["current_zh"] == f"请 {first['number']} 号到 1 号窗口办理"
        assert shown["hall_zh"] == "济南市历下区政务服务中心"
        assert shown["zones"]["commerce"]["name_zh"] == "商事登记"
        assert not shown["offline_visible"]
        assert [a[:2] for a in r["announced"]] == [list(announcement_texts(first["number"], 1))]
        board.send("screenshot", path=str(out / "board_landscape_call.png"))

        # A recall is announced again; a second window's call becomes current, the first goes to the list.
        staff.window_action(1, "recall")
        assert board.wait(announced=2)["ok"]
        other = staff_at_window(live_server, 2, "staff2")
        second = other.call_next(2)
        r = board.wait(current_number=second["number"], recent_has=first["number"], announced=3)
        assert r["ok"], r
        assert [a[0] for a in r["announced"]] == [f"请 {first['number']} 号到 1 号窗口办理"] * 2 + [
            f"请 {second['number']} 号到 2 号窗口办理"]
        assert r["resyncs"] == 1  # every event applied; the one snapshot is the first one

        # Server killed: the offline mark shows and the last state stays.
        live_server.proc.stop(kill=True)
        r = board.wait(online=False)
        assert r["ok"] and r["shown"]["offline_visible"], r
        assert r["shown"]["current_number"] == second["number"]
        board.send("screenshot", path=str(out / "board_landscape_offline.png"))

        # Same port and database again: the board reconnects by itself and shows the next call.
        live_server.proc.start()
        assert board.wait(online=True, timeout=30)["ok"]
        finish(staff, 1)
        third = staff.call_next(1)
        r = board.wait(current_number=third["number"], announced=4)
        assert r["ok"], r
        assert not r["shown"]["offline_visible"]
        assert r["announced"][3][1] == f"Number {third['number']}, please go to window 1"
        assert len(r["announced"]) == 4  # nothing repeated by the resync
        assert r["resyncs"] == 2  # the reconnect's snapshot, and no other


def test_portrait_zone_board_shows_only_its_zones(live_server, xvfb, artifacts):
    out = artifacts / "display"
    out.mkdir(exist_ok=True)
    kiosk = HallClient(live_server.url, live_server.seeded.devices["kiosk-01"])
    for zone in ("commerce", "public", "public"):
        kiosk.take_number(zone)
    staff = staff_at_window(live_server, 1)
    with BoardDriver(live_server.url, "--portrait", "--zones", "A,B", "--notice", "page") as board:
        assert board.wait(online=True)["ok"]
        called = [staff.call_next(1)]
        for _ in range(2):
            finish(staff, 1)
            called.append(staff.call_next(1))
        r = board.wait(current_number=called[-1]["number"], announced=3)
        assert r["ok"], r
        assert sorted(r["shown"]["zones"]) == ["commerce", "public"]
        assert r["shown"]["recent"] == [called[1]["number"], called[0]["number"]]
        board.send("screenshot", path=str(out / "board_portrait_zones.png"))


def test_hall_display_command_starts_the_board_and_follows_the_server(live_server, xvfb, tmp_path):
    import os
    import subprocess
    import sys
    import threading
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    device = tmp_path / "display.toml"
    device.write_text((root / "config/devices/display-02.toml").read_text(encoding="utf-8")
                      .replace("http://127.0.0.1:8000", live_server.url), encoding="utf-8")
    command = [sys.executable, "-m", "queue_server.cli", "display", "--device", str(device), "--windowed"]
    proc = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=dict(os.environ, KIVY_NO_FILELOG="1"))
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None and not any("/api/v1/events" in ln for ln in lines):
        time.sleep(0.1)
    alive = proc.poll() is None
    proc.terminate()
    proc.wait(timeout=10)
    reader.join(5)
    proc.stdout.close()
    output = "".join(lines)
    assert alive, output[-3000:]
    assert "wall board display-02" in output and "(portrait, voice off)" in output
    assert "/api/v1/board?zones=A%2CB" in output and "/api/v1/events" in output
    assert "Traceback" not in output


def check_readable(board) -> dict:
    """Every text the rule covers has its cap-height (ink of "H" as drawn), is not cut, is on screen, and no
    region overlaps another; measured once two frames in a row agree (the layout has settled)."""
    m = board.send("measure")
    assert m["ok"] and m["texts"], m
    small = [t for t in m["texts"] if t["cap"] + 0.5 < t["need"]]
    assert small == [], small
    assert [t for t in m["texts"] if t["cut"] or not t["inside"]] == [], m["texts"]
    assert m["overlaps"] == [] and m["spill"] == [], m
    return m


def test_wall_board_readable_with_8_calls_get_ready_and_rotating_zone_pages(live_server, xvfb, artifacts):
    """The same regions in the same order as the web board; 9 zones rotate in 3 pages in both orientations."""
    out = artifacts / "display"
    out.mkdir(exist_ok=True)
    kiosk = HallClient(live_server.url, live_server.seeded.devices["kiosk-01"])
    for zone in ["commerce"] * 12 + ["public", "social", "public", "public"]:
        kiosk.take_number(zone)
    staff = staff_at_window(live_server, 1)
    called = [staff.call_next(1)]
    for _ in range(8):
        finish(staff, 1)
        called.append(staff.call_next(1))
    staff.window_action(1, "recall")
    finish(staff, 1)
    called.append(staff.call_next(1))
    for portrait in (False, True):
        name = "portrait" if portrait else "landscape"
        extra = ("--portrait",) if portrait else ()
        with BoardDriver(live_server.url, *extra) as board:
            r = board.wait(current_number=called[-1]["number"], recent_count=8, recent_recall=called[-2]["number"],
                           next={"commerce": ["A011", "A012"], "public": ["B001", "B002", "B003"]})
            assert r["ok"], r
            assert r["shown"]["zone_pages"] == 3
            m = check_readable(board)
            side = min(m["size"])
            assert {t["need"] for t in m["texts"]} == {round(side / 40, 2), round(side / 24, 2)}
            reg = m["regions"]  # header, then current beside (or above) recent, then zones, then the notice
            assert reg["header"][1] > reg["current"][1] > reg["zones"][1] > reg["ticker"][1]
            if portrait:
                assert reg["current"][1] > reg["recent"][1]
            else:
                assert reg["current"][0] < reg["recent"][0] and reg["current"][1] == reg["recent"][1]
            board.send("screenshot", path=str(out / f"board_{name}_8_calls.png"))
            seen = {r["shown"]["zone_page"]: r["shown"]["zones_on_page"]}
            for page in (1, 2):
                # The page turns by itself every ZONE_PAGE_S: wait for it, however slow the machine is. What a
                # page holds is read in the same answer as its number (one moment of the UI thread).
                r = board.wait(zone_page=page)
                assert r["ok"], r
                seen[r["shown"]["zone_page"]] = r["shown"]["zones_on_page"]
                check_readable(board)
                board.send("screenshot", path=str(out / f"board_{name}_zones_page{page + 1}.png"))
            codes = [c for page in sorted(seen) for c in seen[page]]
            assert sorted(seen) == [0, 1, 2] and len(codes) == 9 and len(set(codes)) == 9, seen


def test_board_clock_is_the_halls_whatever_the_devices_zone(live_server, xvfb):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    with BoardDriver(live_server.url, env={"TZ": "America/New_York"}) as board:
        assert board.wait(online=True)["ok"]
        shown = board.send("shown")["shown"]["clock"]
    hall_hour = datetime.now(ZoneInfo("Asia/Shanghai")).hour
    assert hall_hour != datetime.now(ZoneInfo("America/New_York")).hour  # 12 or 13 hours apart
    assert int(shown.split(":")[0]) in (hall_hour, (hall_hour - 1) % 24)  # the hour may turn between the reads
