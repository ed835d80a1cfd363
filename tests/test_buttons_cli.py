"""`hall buttons`: a serial caller base station (pseudo-terminal) and a keypad, wired to a real server."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
import tty

import pytest

from hall_client.client import HallClient
from hardware.button_box import ButtonsFileError, load_buttons_file
from queue_server.testing.server_process import ROOT


def exchange(controller: int, line: bytes, timeout: float = 10) -> str:
    os.write(controller, line)
    answer = b""
    while not answer.endswith(b"\n"):
        ready, _, _ = select.select([controller], [], [], timeout)
        assert ready, f"no answer to {line!r}"
        answer += os.read(controller, 256)
    return answer.decode("ascii").strip()


def test_the_base_station_calls_and_serves_through_the_server(live_server, tmp_path):
    s = live_server.seeded
    staff = HallClient(live_server.url)
    staff.login("staff1", s.staff["staff1"])
    staff.open_window(1)
    kiosk = HallClient(live_server.url, s.devices["kiosk-01"])
    ticket = kiosk.take_number("commerce")
    controller, device = os.openpty()
    tty.setraw(controller)
    tty.setraw(device)
    buttons = tmp_path / "buttons.toml"
    buttons.write_text(f'''[device]
name = "buttons-01"
kind = "buttons"

[server]
url = "{live_server.url}"

[[keypad]]   # not plugged in: reported, and the station keeps working
window = 1
device = "{tmp_path / 'no-such-keypad'}"
token = "{s.devices['button-1']}"

[serial]
port = "{os.ttyname(device)}"
[serial.tokens]
1 = "{s.devices['button-1']}"
''', encoding="utf-8")
    log = open(tmp_path / "buttons.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([sys.executable, "-m", "queue_server.cli", "buttons", "--file", str(buttons)],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, PYTHONUNBUFFERED="1"))
    try:
        deadline = time.monotonic() + 20
        while b"buttons running" not in (tmp_path / "buttons.log").read_bytes():
            assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "buttons.log").read_text()
            time.sleep(0.1)
        assert exchange(controller, b"PING\r\n") == "PONG"
        assert exchange(controller, b"W01 CALL\r\n") == f"OK {ticket['number']}"
        assert exchange(controller, b"W1 START\n") == f"OK {ticket['number']}"
        assert kiosk.ticket(ticket["id"])["state"] == "serving"
        assert exchange(controller, b"W01 FINISH\n") == f"OK {ticket['number']}"
        assert exchange(controller, b"W01 CALL\n") == "OK NONE"
        # Window 2 has no token here, and the server would refuse button-1 there anyway.
        assert exchange(controller, b"W02 CALL\n").startswith("ERR NO_TOKEN")
        assert kiosk.ticket(ticket["id"])["state"] == "done"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
        log.close()
        os.close(device)
        os.close(controller)
    out = (tmp_path / "buttons.log").read_text()
    assert "keypad_unavailable" in out and f"W01 CALL -> OK {ticket['number']}" in out


HEAD = '[device]\nname = "buttons-01"\nkind = "buttons"\n[server]\n'


@pytest.mark.parametrize(("text", "says"), [
    ('url = "ftp://x"', "server.url must start with http"),
    ('url = "http://h:8000"', "nothing to run"),
    ('url = "http://h:8000"\n[[keypad]]\nwindow = 3\ndevice = "/dev/input/event3"', "keypad[0].token is missing"),
    ('url = "http://h:8000"\n[serial]\nport = "/dev/ttyUSB0"', "serial.tokens lists no window"),
    ('url = "http://h:8000"\n[serial]\nport = "/dev/ttyUSB0"\n[serial.tokens]\nthree = "t"', "serial.tokens must map"),
    ('url = "http://h:8000"\n[keypad]\nwindow = 3', "keypad must be written [[keypad]]"),
    ("url = ", "not valid TOML"),
])
def test_a_wrong_buttons_file_names_the_key(tmp_path, text, says):
    path = tmp_path / "buttons.toml"
    path.write_text(HEAD + text, encoding="utf-8")
    with pytest.raises(ButtonsFileError, match=re.escape(says)):
        load_buttons_file(path)
    result = subprocess.run([sys.executable, "-m", "queue_server.cli", "buttons", "--file", str(path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and says.split()[0] in result.stderr
