"""Runs the Kivy wall board in its own process for tests and the benchmark, driven by JSON lines.

    python display/testing/driver.py --server URL [--portrait] [--zones A,B] [--windows 1,2]

Commands on stdin, one JSON object a line; each answered by one stdout line "RESULT {json}":
  {"op": "wait", "until": {...}, "timeout": 20}   until every key matches what the screen shows:
        current_number, online (bool), announced (at least n announcements), recent_has (a number)
  {"op": "shown"}                                  the widget tree's texts right now
  {"op": "screenshot", "path": "x.png"}
  {"op": "seen"}                                   first time (time.time()) each ticket number was drawn
  {"op": "quit"}
Every answer carries "shown" (from the widget tree) and "announced" (the texts the speech sink got).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

os.environ["KIVY_NO_ARGS"] = "1"
if not os.environ.get("BOARD_DRIVER_LOG"):
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from display.app import configure_window  # noqa: E402
from display.device import DisplayDevice  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--portrait", action="store_true")
    ap.add_argument("--zones", default="")
    ap.add_argument("--windows", default="")
    ap.add_argument("--notice", default="scroll", choices=["scroll", "page"])
    ap.add_argument("--audio", action="store_true", help="render real WAVs with espeak-ng (slower)")
    args = ap.parse_args()
    device = DisplayDevice(
        name="test-board", server=args.server, orientation="portrait" if args.portrait else "landscape",
        zones=tuple(z for z in args.zones.split(",") if z),
        windows=tuple(int(w) for w in args.windows.split(",") if w), fullscreen=False, flash_s=3.0,
        voice=True, repeat=1, notice=args.notice,
    )
    configure_window(device.size, fullscreen=False)

    from kivy.clock import Clock

    from display.app import BoardApp
    from display.voice import make_announcer
    from hall_client.client import HallClient

    announced: list[list[str]] = []
    lock = threading.Lock()

    def sink(a) -> None:  # the speech adapter's sink: records what would be spoken
        with lock:
            announced.append([a.zh_text, a.en_text, bool(a.wav)])

    app = BoardApp(device, HallClient(device.server), make_announcer(device, sink=sink, render_audio=args.audio))
    seen: dict[str, float] = {}

    def record_seen(*_):
        now = time.time()
        shown = app.screen.shown()
        for number in [shown["current_number"], *shown["recent"]]:
            if number and number not in seen:
                seen[number] = now

    def answer(payload: dict) -> None:
        with lock:
            payload["announced"] = list(announced)
        payload["shown"] = app.screen.shown() if app.screen else {}
        payload["online"] = app.presenter.online
        payload["fps"] = round(Clock.get_fps(), 1)
        print("RESULT " + json.dumps(payload, ensure_ascii=False), flush=True)

    def matches(until: dict) -> bool:
        shown = app.screen.shown()
        for key, want in until.items():
            if key == "current_number" and shown["current_number"] != want:
                return False
            if key == "online" and app.presenter.online != want:
                return False
            if key == "recent_has" and want not in shown["recent"]:
                return False
            if key == "announced":
                with lock:
                    if len(announced) < want:
                        return False
        return True

    def run(cmd: dict) -> None:
        op = cmd.get("op")
        if op == "wait":
            deadline = time.monotonic() + float(cmd.get("timeout", 20))

            def poll(_dt):
                if matches(cmd["until"]):
                    answer({"ok": True})
                elif time.monotonic() > deadline:
                    answer({"ok": False, "error": "timeout"})
                else:
                    Clock.schedule_once(poll, 0.05)

            poll(0)
        elif op == "shown":
            answer({"ok": True})
        elif op == "screenshot":
            app.screen.export_to_png(cmd["path"])
            answer({"ok": True, "path": cmd["path"]})
        elif op == "seen":
            record_seen()
            answer({"ok": True, "seen": dict(seen)})
        elif op == "quit":
            answer({"ok": True})
            app.stop()
        else:
            answer({"ok": False, "error": f"unknown op {op!r}"})

    def read_commands() -> None:
        for line in sys.stdin:
            if line.strip():
                cmd = json.loads(line)
                Clock.schedule_once(lambda _dt, c=cmd: run(c))
        Clock.schedule_once(lambda _dt: app.stop())

    def on_start(*_):
        # The moment a number reaches a label is when the board shows it (measured by the benchmark).
        for label in [app.screen.ids.current_number, *app.screen.recent_rows]:
            label.bind(text=record_seen) if hasattr(label, "text") else label.bind(number=record_seen)
        threading.Thread(target=read_commands, daemon=True).start()
        print("RESULT " + json.dumps({"ok": True, "ready": True}), flush=True)

    app.bind(on_start=on_start)
    app.run()


if __name__ == "__main__":
    main()
