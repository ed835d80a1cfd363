"""`hall demo`: the sample hall running on this machine, with accounts, devices and a little life.

It prepares the database (demo staff and manager accounts, fresh device tokens written into device
files under var/demo/), runs the real queue server, and keeps a few windows working by themselves
through the same HTTP client the buttons use, so the boards move and speak. With a screen it also
opens a kiosk and a wall display as separate processes.
"""

from __future__ import annotations

import dataclasses
import logging
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import click

from hall_client.client import ApiError, HallClient
from kiosk.staff_pin import hash_pin, new_pin
from queue_server.errors import HallError
from queue_server.hall import Hall
from queue_server.hall_config import HallConfig, load_config
from queue_server.ops import accounts

log = logging.getLogger(__name__)

DEMO_PASSWORD = "demo1234"
MANAGER = "manager"
STAFF = tuple(f"staff{n:02d}" for n in range(1, 9))  # for the person trying the console
BOTS = tuple(f"demo{n:02d}" for n in range(1, 5))  # windows that work by themselves
DEMO_NAMES = ("王丽", "李强", "张敏", "刘洋", "陈静", "杨帆", "赵磊", "黄蕾", "周杰", "吴芳", "徐明", "孙悦")
BOT_PERIOD_S = 12.0  # one bot action roughly this often: lively, not frantic


def prepare(config: HallConfig, db_path: str, demo_dir: Path, server_url: str, *,
            camera: str = "none") -> tuple[dict[str, Path], dict[str, str]]:
    """Accounts and devices of the demo; returns the device files written and the tokens in them
    (and "kiosk_pin": the kiosk's staff exit PIN of this run, whose hash is in its file)."""
    demo_dir.mkdir(parents=True, exist_ok=True)
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    hall = Hall(config=config, db_path=db_path)
    try:
        accounts.add_user(hall, MANAGER, DEMO_PASSWORD, "manager")
        for i, name in enumerate(STAFF + BOTS):  # a name and 工号 for each window screen
            accounts.add_user(hall, name, DEMO_PASSWORD, "staff", display_name=DEMO_NAMES[i % len(DEMO_NAMES)],
                              staff_no=f"LX{i + 1:04d}")
        tokens = {}
        for name, kind in (("demo-kiosk", "kiosk"), ("demo-display", "display")):
            accounts.revoke_device(hall, name)  # a fresh token each run: the old files are rewritten
            tokens[kind] = accounts.add_device(hall, name, kind)
        tokens["kiosk_pin"] = new_pin()
        for no in worked_windows(config):  # a rating pad at each window the demo staff work
            accounts.revoke_device(hall, f"demo-pad-{no}")
            tokens[f"pad-{no}"] = accounts.add_device(hall, f"demo-pad-{no}", "pad", window=no)
    finally:
        hall.close()
    files = {
        "kiosk": demo_dir / "kiosk.toml",
        "display": demo_dir / "display.toml",
    }
    files["kiosk"].write_text(KIOSK_FILE.format(url=server_url, token=tokens["kiosk"], camera=camera,
                                                printer=f"file:{(demo_dir / 'last-ticket.bin').resolve()}",
                                                pin_hash=hash_pin(tokens["kiosk_pin"])),
                              encoding="utf-8")
    files["display"].write_text(DISPLAY_FILE.format(url=server_url, token=tokens["display"]), encoding="utf-8")
    return files, tokens


KIOSK_FILE = """\
# Written by `hall demo`; each run issues a new token.
[device]
name = "demo-kiosk"
kind = "kiosk"

[server]
url = "{url}"
token = "{token}"

[printer]
# The demo "prints" the ESC/POS bytes of the last ticket into this file.
spec = "{printer}"

[camera]
source = "{camera}"

[screen]
orientation = "portrait"
size = [540, 960]          # half size, to fit beside the board on a desktop (the layout scales)
fullscreen = false
language = "zh"

[staff]
exit_pin_hash = "{pin_hash}"   # the PIN of this run is in the demo's banner
"""

DISPLAY_FILE = """\
# Written by `hall demo`.
[device]
name = "demo-display"
kind = "display"

[server]
url = "{url}"
token = "{token}"

[display]
fullscreen = false
width = 960                # half of 1920x1080, to fit a desktop
height = 540

[voice]
enabled = true
repeat = 1
"""


def worked_windows(config: HallConfig) -> list[int]:
    """The windows the demo's staff work: the first window of each of the first zones (商事登记, 公共服务 ...)."""
    homes: dict[str, int] = {}
    for w in config.windows:
        homes.setdefault(w.zones[0], w.number)
    return list(homes.values())[: len(BOTS)]


def pad_urls(server_url: str, tokens: dict[str, str]) -> dict[int, str]:
    """Each demo pad's page; the token in the address signs the pad in (the page then drops it from the bar)."""
    return {int(k[4:]): f"{server_url}/rate/window/{k[4:]}?device={v}" for k, v in tokens.items()
            if k.startswith("pad-")}


class DemoActivity:
    """Citizens arrive and a few windows serve them, over HTTP like real devices."""

    def __init__(self, config: HallConfig, server_url: str, kiosk_token: str | None = None, seed: int = 1):
        self.random = random.Random(seed)
        self.kiosk = HallClient(server_url, kiosk_token)
        self.bots = {no: HallClient(server_url) for no in worked_windows(config)}
        # Pickup tickets come from pickup codes, not from a tap: the demo's citizens do the rest.
        front = {z.code for z in config.zones if z.kind != "pickup"}
        self.matters = [m for m in config.matters if m.common and m.zone in front]

    def start(self) -> None:
        for name, (no, client) in zip(BOTS, self.bots.items(), strict=False):
            client.login(name, DEMO_PASSWORD)
            try:
                client.open_window(no)
            except ApiError as e:  # someone else already signed on there
                log.info("demo: window %s not taken: %s", no, e.message)
                self.bots.pop(no)
        for _ in range(16):  # a queue to look at from the first second
            self.arrive()
        for no in list(self.bots):
            self.serve_one(no)
        threading.Thread(target=self._run, name="demo activity", daemon=True).start()

    def arrive(self) -> None:
        matter = self.random.choice(self.matters)
        try:
            self.kiosk.take_number(matter.zone, matter=matter.code, source="demo")
        except ApiError as e:
            log.info("demo: no ticket: %s", e.message)

    def serve_one(self, no: int | None = None) -> None:
        if not self.bots:
            return
        no = no if no is not None else self.random.choice(list(self.bots))
        client = self.bots[no]
        try:
            window = client.get(f"/windows/{no}")
            if window.get("ticket"):
                if window["ticket"]["state"] == "called":
                    client.window_action(no, "start")
                client.window_action(no, "finish")
            client.call_next(no)
        except ApiError as e:
            log.info("demo: window %s: %s", no, e)

    def _run(self) -> None:  # a daemon thread: it ends with the demo's process
        while True:
            time.sleep(self.random.uniform(0.5, 1.5) * BOT_PERIOD_S)
            if self.random.random() < 0.55:
                self.arrive()
            else:
                self.serve_one()


def run_demo(*, config_path: str, db_path: str, host: str, port: int, screens: bool,
             activity: bool = True) -> None:
    from queue_server.app import create_app
    from queue_server.serving.serve import serve

    try:
        config = load_config(config_path)
    except HallError as e:
        raise click.ClickException(str(e)) from None
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    # The printed QR opens the phone page on this machine (a real hall sets [public] base_url to its LAN address).
    config = dataclasses.replace(config, public=dataclasses.replace(config.public, base_url=url))
    demo_dir = Path(db_path).resolve().parent / "demo"
    camera = "0" if Path("/dev/video0").exists() else "none"
    files, tokens = prepare(config, db_path, demo_dir, url, camera=camera)
    app = create_app(config=config, db_path=db_path, settings={"HALL_CONFIG_PATH": config_path})
    ready = threading.Event()
    children: list[subprocess.Popen] = []

    def after_start() -> None:
        ready.wait()
        bot_windows: list[int] = []
        if activity:
            bot = DemoActivity(config, url, tokens["kiosk"])
            try:
                bot.start()
                bot_windows = sorted(bot.bots)
            except ApiError as e:
                click.echo(f"demo activity did not start: {e.message}", err=True)
        click.echo(_banner(url, files, screens, bot_windows, tokens["kiosk_pin"], pad_urls(url, tokens)), err=True)
        if screens:
            hall_cmd = [sys.executable, "-m", "queue_server.cli"]
            for what in ("kiosk", "display"):
                with open(demo_dir / f"{what}.log", "ab") as out:  # the child keeps its own descriptor
                    children.append(subprocess.Popen([*hall_cmd, what, "--device", str(files[what]),
                                                      "--windowed"], stdout=out, stderr=subprocess.STDOUT))

    threading.Thread(target=after_start, name="demo start", daemon=True).start()
    try:
        serve(app, host=host, port=port, ready=ready)
    finally:
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(5)
            except subprocess.TimeoutExpired:
                child.kill()


def _banner(url: str, files: dict[str, Path], screens: bool, bot_windows: list[int], kiosk_pin: str,
            pads: dict[int, str] | None = None) -> str:
    lines = [
        "",
        "  济南市历下区政务服务中心 demo is running (Ctrl+C stops it)",
        f"  叫号大屏 Wall board         {url}/board",
        f"  窗口终端 Staff console      {url}/console      staff01 … staff08 / {DEMO_PASSWORD}",
        f"  监管看板 Dashboard          {url}/dashboard    {MANAGER} / {DEMO_PASSWORD}",
        f"  窗口屏   Window screen      {url}/window/1/screen",
        f"  手机页   Citizen's phone    {url}/t/…  (the QR on each ticket; `status_url` of POST /api/v1/tickets)",
        f"  API                         {url}/api/v1/hall",
        f"  Kiosk staff exit PIN        {kiosk_pin}   (tap the hall name five times, or Esc)",
    ]
    for no, pad_url in sorted((pads or {}).items()):
        lines.append(f"  评价器   Rating pad {no:<4}    {pad_url}")
    if bot_windows:
        lines.append(f"  Windows {', '.join(map(str, bot_windows))} are worked by demo staff (demo01…), "
                     "so the boards move.")
    if screens:
        lines.append(f"  Kiosk and wall display open in their own windows (logs in {files['kiosk'].parent}).")
    else:
        lines += [
            "  No screen ($DISPLAY unset): open the pages above in a browser; on a desktop run",
            f"    ./hall kiosk --device {files['kiosk']} --windowed",
            f"    ./hall display --device {files['display']} --windowed",
        ]
    return "\n".join(lines) + "\n"
