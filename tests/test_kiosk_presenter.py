"""The KioskPresenter facade: it starts the parts, forwards to them, and does what spans several (the tick,
going home, taking a number). Each part has its own tests: test_kiosk_connection.py, _navigation, _choice,
_ticket_flow, _scan_flow, _staff_alerts, _staff_exit."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import kiosk.presenter
from kiosk.presenter.facade import In, KioskPresenter
from tests.support.kiosk_fakes import FakeCamera, started_kiosk

PRESENTER_DIR = Path(kiosk.presenter.__file__).parent


def test_start_loads_the_hall_and_the_board():
    kiosk = started_kiosk()
    assert kiosk.ready and kiosk.screen == "home"
    assert [z["code"] for z in kiosk.zones_shown()] == ["commerce", "public"]
    assert kiosk.zone_status("commerce") == (4, 900)
    assert kiosk.zone_status("public") == (None, None)
    assert kiosk.hall_name == ("历下区政务服务中心", "Lixia Hall")


def test_server_down_pauses_ticketing_and_retries():
    kiosk = started_kiosk()
    kiosk.client.down = True
    kiosk.server_status(False)
    assert not kiosk.ready
    kiosk.open_zone("commerce")
    assert kiosk.screen == "home"  # greyed tiles do nothing
    kiosk.clock.now += 5
    kiosk.tick()  # the retry fails quietly
    assert not kiosk.ready
    kiosk.client.down = False
    kiosk.clock.now += 5
    kiosk.tick()
    assert kiosk.ready


def test_going_home_clears_every_part():
    kiosk = started_kiosk()
    kiosk.open_priority()
    kiosk.choose_priority("elderly")
    kiosk.open_scan("pickup")
    kiosk.keypad("7")
    kiosk.request_exit()
    kiosk.pin_key("1")
    kiosk.ask_help()
    kiosk.go_home()
    assert kiosk.screen == "home" and kiosk.notice is None
    assert (kiosk.zone, kiosk.matter, kiosk.bundle, kiosk.priority, kiosk.query) == (None, None, None, None, "")
    assert (kiosk.code_entry, kiosk.scan_result, kiosk.post_pending, kiosk.scan_busy) == ("", None, None, False)
    assert (kiosk.pin_entry, kiosk.pin_wrong, kiosk.busy) == ("", False, False)


def test_what_the_app_and_its_drivers_set_reaches_the_parts():
    kiosk = started_kiosk()
    redraws = []
    kiosk.changed = lambda: redraws.append(True)
    kiosk.toggle_large()
    assert redraws and kiosk.shared.changed is kiosk.changed
    kiosk.config = replace(kiosk.config, idle_home_s=2.0)  # as the screens driver shortens the idle times
    kiosk.open_zone("commerce")
    kiosk.last_touch = kiosk.clock()
    kiosk.clock.now += 2
    kiosk.tick()
    assert kiosk.screen == "home"
    kiosk.open_scan("checkin")
    kiosk.code_scanned("X")
    kiosk.scan_result = None
    assert kiosk.scan.scan_result is None


def test_every_forwarded_name_exists_in_its_part():
    kiosk = KioskPresenter(started_kiosk().config, None, None, None, camera=FakeCamera())
    for name, attr in vars(KioskPresenter).items():
        if isinstance(attr, In):
            assert hasattr(getattr(kiosk, attr.part), attr.name), name


def test_no_presenter_module_knows_a_url_path():
    modules = sorted(PRESENTER_DIR.glob("*.py"))
    assert len(modules) > 5
    for module in modules:
        source = module.read_text(encoding="utf-8")
        assert not re.search(r"[\"']/[a-z]", source), f"{module.name} holds a path"
        for call in ("client.post(", "client.get(", "client.request("):
            assert call not in source, f"{module.name} calls {call}"


def test_the_presenter_needs_no_window_toolkit():
    code = "import sys, kiosk.presenter; print('kivy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
