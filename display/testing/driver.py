"""Runs the Kivy wall board in its own process for tests and the benchmark, driven by JSON lines.

    python display/testing/driver.py --server URL [--portrait] [--zones A,B] [--windows 1,2]

Commands on stdin, one JSON object a line; each answered by one stdout line "RESULT {json}":
  {"op": "wait", "until": {...}, "timeout": 20}   until every key matches what the screen shows:
        current_number, online (bool), announced (at least n announcements), recent_has (a number),
        recent_count (at least n), recent_recall (a number shown as a recall), zone_page (n),
        next ({zone: [numbers]}: the get-ready numbers)
  {"op": "shown"}                                  the widget tree's texts right now
  {"op": "screenshot", "path": "x.png"}
  {"op": "seen"}                                   first time (time.time()) each ticket number was drawn
  {"op": "measure"}                                once the layout has settled: the cap-height of each text
        the readability rule covers (ink of "H" in its font), its rule, whether it is cut, and overlaps
  {"op": "next_page"}                              turn the zone panel's page now (as its clock does)
  {"op": "quit"}
Every answer carries "shown" (from the widget tree), "announced" (the texts the speech sink got) and "resyncs"
(snapshots folded in).
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
        payload["resyncs"] = app.resyncs
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
            if key == "recent_count" and len(shown["recent"]) < want:
                return False
            if key == "recent_recall" and want not in shown["recent_recall"]:
                return False
            if key == "zone_page" and shown["zone_page"] != want:
                return False
            if key == "next" and any(shown["zones"].get(z, {}).get("next") != n for z, n in want.items()):
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
        elif op == "measure":
            settled(lambda: answer({"ok": True, **measure(app.screen)}))
        elif op == "next_page":
            app.screen.next_zone_page()
            settled(lambda: answer({"ok": True}))
        elif op == "quit":
            answer({"ok": True})
            app.stop()
        else:
            answer({"ok": False, "error": f"unknown op {op!r}"})

    def settled(then, last=None, frames=0) -> None:
        """Run `then` once two frames in a row show the same layout (fits and sizes done), however slow."""
        from kivy.uix.label import Label

        for w in app.screen.walk():
            if isinstance(w, Label):
                w.texture_update()
        now = json.dumps(measure(app.screen), sort_keys=True)
        if now == last and frames >= 2:
            then()
        else:
            Clock.schedule_once(lambda _dt: settled(then, now, frames + 1), 0)

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


_CAPS: dict[tuple, int] = {}


def cap_height(label) -> int:
    """The ink height of "H" in the label's font, size and weight: its cap-height as drawn."""
    from kivy.core.text import Label as CoreLabel

    key = (label.font_name, round(label.font_size, 2), label.bold)
    if key not in _CAPS:
        core = CoreLabel(text="H", font_size=label.font_size, font_name=label.font_name, bold=label.bold)
        core.refresh()
        tex = core.texture
        w, h = tex.size
        px = tex.pixels
        rows = [y for y in range(h) if any(px[(y * w + x) * 4 + 3] > 128 for x in range(w))]
        _CAPS[key] = (rows[-1] - rows[0] + 1) if rows else 0
    return _CAPS[key]


def measure(screen) -> dict:
    """What the readability test checks, from the widget tree (see board_layout.py for the rule)."""
    from queue_server.core.board_layout import CALL_CAP, ZONE_CAP

    side = min(screen.size)
    ids = screen.ids
    ruled = [(ids.zones_caption, ZONE_CAP), (ids.zone_page_label, ZONE_CAP)]
    for row in screen.zone_rows:
        if row.parent is not None:
            r = row.ids
            ruled += [(r[k], ZONE_CAP) for k in ("name_zh", "name_en", "count", "unit_zh", "unit_en", "wait_zh",
                                                 "wait_en", "next_label", "next_numbers")]
    for row in screen.recent_rows:
        if row.number:
            ruled += [(row.ids.number, CALL_CAP), (row.ids.window, CALL_CAP)]
    if screen.current_number:
        ruled += [(ids.current_number, CALL_CAP), (ids.current_window, CALL_CAP)]
    texts = []
    for label, cap in ruled:
        if not label.text:
            continue
        x, y = label.to_window(*label.pos)
        texts.append({"text": label.text, "cap": cap_height(label), "need": round(side * cap, 2),
                      "font": round(label.font_size, 1),
                      # A FitLabel that could not fit ends in "…" (shorten); any label may not draw past its box.
                      "cut": bool(getattr(label, "shorten", False)) or label.texture_size[0] > label.width + 1,
                      "inside": x >= -0.5 and y >= -0.5 and x + label.width <= screen.width + 0.5
                      and y + label.height <= screen.height + 0.5})
    regions = [("header", ids.header), ("current", ids.current_panel), ("recent", ids.recent_panel),
               ("zones", ids.zone_panel), ("ticker", ids.ticker)]
    rects = {name: (*w.to_window(*w.pos), w.width, w.height) for name, w in regions}
    overlaps = []
    names = [n for n, _ in regions]
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            ax, ay, aw, ah = rects[a]
            bx, by, bw, bh = rects[b]
            if ax < bx + bw - 0.5 and bx < ax + aw - 0.5 and ay < by + bh - 0.5 and by < ay + ah - 0.5:
                overlaps.append(f"{a} x {b}")
    spill = []
    for row in [*screen.recent_rows, *[r for r in screen.zone_rows if r.parent is not None]]:
        rx, ry = row.to_window(*row.pos)
        for child in row.walk(restrict=True):
            if child is row or not getattr(child, "text", None):
                continue
            cx, cy = child.to_window(*child.pos)
            if cx < rx - 0.5 or cx + child.width > rx + row.width + 0.5 or cy < ry - 0.5 \
                    or cy + child.height > ry + row.height + 0.5:
                spill.append(child.text)
    return {"texts": texts, "regions": {k: [round(v, 1) for v in r] for k, r in rects.items()},
            "overlaps": overlaps, "spill": spill, "size": list(screen.size)}


if __name__ == "__main__":
    main()
