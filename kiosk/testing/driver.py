"""Drive the real kiosk app in this process: real window (Xvfb), real touches, real server.

    python kiosk/testing/driver.py --device kiosk.toml --scenario matter --out DIR [--handshake DIR]

Each scenario is a generator of steps run on Kivy's clock: it taps widgets with real touch
events (kivy.tests.common.UnitTestTouch goes through the window like a finger), waits for the
presenter to reach a state, and saves screenshots. Results go to DIR/results.json; a scenario
that raises or times out records the error there (the test fails on it).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("KIVY_NO_ARGS", "1")

from kiosk.device_config import load_device  # noqa: E402
from kiosk.launch import prepare_kivy  # noqa: E402
from kiosk.testing.driver_process import STAFF_PIN  # noqa: E402


class Until:
    """A condition the scenario waits for. The timeout only reports a hang: at least a minute, since a
    busy machine may give the app a few frames a second and a slow frame must not fail a test."""

    def __init__(self, what: str, check: Callable[[], bool], timeout: float = 15.0) -> None:
        self.what, self.check, self.deadline = what, check, time.monotonic() + max(timeout, 60.0)


class Driver:
    def __init__(self, app, scenario: str, out: Path, handshake: Path | None) -> None:
        self.app = app
        self.out = out
        self.handshake = handshake
        self.results: dict = {"scenario": scenario, "shots": [], "overflow": [], "taps": []}
        self.steps: Iterator = getattr(self, f"scenario_{scenario}")()
        self.waiting: Until | None = None
        self.sleep_until = 0.0
        self.finished = False
        self.exiting = False

    # ---- plumbing ----
    @property
    def p(self):
        return self.app.presenter

    def start(self, _dt: float) -> None:
        from kivy.clock import Clock

        self.event = Clock.schedule_interval(self.step, 0.05)

    def step(self, _dt: float) -> None:
        if self.finished:
            return
        now = time.monotonic()
        if now < self.sleep_until:
            return
        if self.waiting is not None:
            try:
                ok = self.waiting.check()
            except Exception:
                ok = False
            if not ok:
                if now > self.waiting.deadline:
                    self.fail(f"timed out waiting for: {self.waiting.what} (screen {self.p.screen})")
                return
            self.waiting = None
        try:
            item = next(self.steps)
        except StopIteration:
            self.finish()
            return
        except Exception:
            self.fail(traceback.format_exc())
            return
        if isinstance(item, Until):
            self.waiting = item
        else:
            self.sleep_until = now + float(item)

    def fail(self, message: str) -> None:
        self.results["error"] = message
        self.write()
        try:
            self.capture("failure")
        except Exception:
            self.results["error"] += "\n(and the failure screenshot failed: " + traceback.format_exc() + ")"
        self.finish()

    def finish(self) -> None:
        self.finished = True
        self.event.cancel()
        try:
            self.write()
        finally:
            self.app.stop()

    def write(self) -> None:
        if self.app.errors:
            self.results["error"] = "the app hit errors: " + "; ".join(self.app.errors)
        (self.out / "results.json").write_text(json.dumps(self.results, ensure_ascii=False, indent=1,
                                                          default=str))

    def shot(self, name: str) -> Iterator:
        """Once the layout has settled: a screenshot of the window, and a check that no visible label
        overflows its box (`yield from self.shot(name)`)."""
        yield self.settled()
        self.capture(name)

    def settled(self, frames: int = 3, timeout: float = 15.0) -> Until:
        """The current screen's geometry (positions, sizes, text sizes, opacity) the same on `frames`
        frames in a row: layouts, text fitting and transitions have finished, however slow the machine."""
        seen: list = []

        def check() -> bool:
            # the screen shows the presenter's state (its sync runs on the next frame), then stops moving
            synced = (self.app.sm.current, self.app.lang, self.app.large) == (self.p.screen, self.p.lang, self.p.large)
            seen.append(geometry(self.app) if synced else None)
            return synced and len(seen) >= frames and all(g == seen[-1] for g in seen[-frames:])

        return Until("the layout to settle", check, timeout)

    def capture(self, name: str) -> None:
        from kivy.core.window import Window

        made = Window.screenshot(name=str(self.out / f"_{name}.png"))
        if made:
            target = self.out / f"{name}.png"
            os.replace(made, target)
            self.results["shots"].append(str(target))
        self.results["overflow"] += [f"{name}: {o}" for o in overflowing(self.app.sm.current_screen)]

    def find(self, value: str | None = None, widget_id: str | None = None, screen: str | None = None):
        """A visible, enabled Tile by its value, or a widget by id, on the current screen."""
        root = self.app.screen(screen) if screen else self.app.sm.current_screen
        if widget_id is not None:
            return root.ids[widget_id]
        for w in root.walk(restrict=True):
            if getattr(w, "value", None) == value and not w.disabled and w.opacity > 0:
                return w
        raise LookupError(f"no enabled tile {value!r} on screen {root.name}")

    def bar(self):
        """The top bar of the current screen (hall name, language, large text, home)."""
        from kiosk.widgets import TopBar

        return next(w for w in self.app.sm.current_screen.walk(restrict=True) if isinstance(w, TopBar))

    def tap(self, widget) -> Iterator:
        """A finger on the widget's centre for 0.1 s (a scroll view waits to tell taps from swipes), once
        the layout has settled: a button that moves under the finger does not count the tap."""
        from kivy.tests.common import UnitTestTouch

        yield self.settled()
        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        yield 0.1
        touch.touch_up()
        self.results["taps"].append(getattr(widget, "value", "") or getattr(widget, "text", ""))
        yield 0.05

    def tap_key(self, keypad, key: str) -> Iterator:
        for button in keypad.children:
            if getattr(button, "key", None) == key:
                yield from self.tap(button)
                return
        raise LookupError(f"no key {key!r}")

    def until(self, what: str, check: Callable[[], bool], timeout: float = 15.0) -> Until:
        return Until(what, check, timeout)

    def screen_is(self, name: str) -> Until:
        return Until(f"screen {name}", lambda: self.p.screen == name and self.app.sm.current == name)

    def signal(self, name: str) -> None:
        (self.handshake / name).write_text("1")

    def wait_signal(self, name: str, timeout: float = 30.0) -> Until:
        return Until(f"signal {name}", lambda: (self.handshake / name).exists(), timeout)

    def ready(self) -> Iterator:
        yield self.until("server ready", lambda: self.p.ready and self.p.board is not None, 20)
        yield 0.3

    def ticket_taken(self) -> Iterator:
        yield self.screen_is("ticket")
        yield self.until("print finished", lambda: self.p.print_state in ("printed", "failed", "none"), 20)
        yield 0.3

    def record_ticket(self) -> None:
        self.results["ticket"] = self.p.ticket
        self.results["print_state"] = self.p.print_state
        self.results["print_error"] = self.p.print_error

    # ---- scenarios ----
    def scenario_matter(self) -> Iterator:
        yield from self.ready()
        yield from self.tap(self.find("commerce"))
        yield self.screen_is("matters")
        common = self.p.matters()[0]["code"]
        yield from self.tap(self.find(common))
        yield self.screen_is("guide")
        yield 0.2
        yield from self.tap(self.find(widget_id="take"))
        self.results["tap_time"] = time.monotonic()
        yield from self.ticket_taken()
        self.record_ticket()
        self.results["taps_to_ticket"] = len(self.results["taps"])
        yield from self.shot("ticket-printed")
        # Search by pinyin initials on the matters screen.
        yield from self.tap(self.bar().ids.home)
        yield self.screen_is("home")
        yield from self.tap(self.find("public"))
        yield self.screen_is("matters")
        letters = self.find(widget_id="letters")
        before = len(self.p.matters())
        for key in "hj":
            yield from self.tap_key(letters, key)
            yield 0.1
        self.results["search"] = {"query": self.p.query, "before": before,
                                  "after": [m["name_zh"] for m in self.p.matters()]}
        yield 0.2
        yield from self.shot("matters-search")

    def scenario_bundle(self) -> Iterator:
        yield from self.ready()
        yield from self.tap(self.find("bundles"))
        yield self.screen_is("bundles")
        yield 0.2
        yield from self.tap(self.find("company-opening"))
        yield self.screen_is("guide")
        self.results["guide_materials"] = [m["id"] for m in self.p.guide()["materials"]]
        yield from self.tap(self.find(widget_id="take"))
        yield from self.ticket_taken()
        self.record_ticket()

    def scenario_priority(self) -> Iterator:
        yield from self.ready()
        yield from self.tap(self.find("priority"))
        yield self.screen_is("priority")
        yield 0.2
        yield from self.tap(self.find("elderly"))
        yield self.until("zones for the priority", lambda: self.p.priority == "elderly")
        yield 0.3
        yield from self.tap(self.find("public"))
        yield self.until("the matter asked", lambda: self.p.asking_matter)
        yield from self.tap(self.find("B01"))
        yield from self.ticket_taken()
        self.record_ticket()
        self.results["taps_to_ticket"] = len(self.results["taps"])
        self.results["priority_text"] = self.app.screen("ticket").ids.priority.text
        yield from self.shot("ticket-priority")

    def scenario_server_down(self) -> Iterator:
        yield from self.ready()
        self.signal("stop-server")
        yield self.until("tiles paused", lambda: not self.p.ready, 30)
        yield 0.5
        tile = next(w for w in self.app.screen("home").ids.tiles.children if getattr(w, "value", "") == "commerce")
        self.results["paused"] = {"tile_disabled": tile.disabled, "ready": self.p.ready,
                                  "notice": self._notice_text()}
        yield from self.shot("home-paused")
        yield from self.tap(tile)  # a tap on a greyed tile does nothing
        yield 0.3
        self.results["paused"]["screen_after_tap"] = self.p.screen
        self.signal("start-server")
        yield self.until("server back", lambda: self.p.ready, 40)
        yield 0.3
        yield from self.tap(self.find("commerce"))
        yield self.screen_is("matters")
        yield from self.tap(self.find(self.p.matters()[0]["code"]))
        yield self.screen_is("guide")
        yield from self.tap(self.find(widget_id="take"))
        yield from self.ticket_taken()
        self.record_ticket()

    def _notice_text(self) -> str:
        from kiosk.widgets import NoticeBar

        for w in self.app.sm.current_screen.walk(restrict=True):
            if isinstance(w, NoticeBar):
                return w.ids.label.text if w.opacity else ""
        return ""

    def toast_text(self) -> str:
        from kiosk.widgets import Toast

        toast = next(w for w in self.app.sm.children if isinstance(w, Toast))
        return toast.ids.label.text if toast.opacity else ""

    def scenario_paper_out(self) -> Iterator:
        yield from self.ready()
        yield from self.tap(self.find("social"))
        yield self.screen_is("matters")
        yield from self.tap(self.find(self.p.matters()[0]["code"]))
        yield self.screen_is("guide")
        yield from self.tap(self.find(widget_id="take"))
        yield from self.ticket_taken()
        yield self.until("ticket drawn on screen", lambda: bool(self.p.ticket_png), 20)
        yield 0.5
        self.record_ticket()
        paper = self.app.screen("ticket").ids.paper
        self.results["fallback"] = {"png": self.p.ticket_png, "shown": paper.opacity == 1 and paper.width > 50,
                                    "status": self.app.screen("ticket").ids.status.text}
        yield from self.shot("ticket-paper-out-zh")
        yield from self.tap(self.bar().ids.lang)
        yield 0.4
        yield from self.shot("ticket-paper-out-en")

    def scenario_qr(self) -> Iterator:
        yield from self.ready()
        yield from self.tap(self.find("pickup"))
        yield self.screen_is("scan")
        yield self.until("the camera's code answered", lambda: self.p.scan_result is not None, 20)
        yield 0.4
        r = self.p.scan_result
        self.results["camera_scan"] = {"code": r.code, "ok": r.ok, "zh": r.zh, "en": r.en, "status": r.status}
        yield from self.shot("scan-camera-result")
        # A USB scanner typing a code quickly, ending with Enter.
        from kivy.core.window import Window

        self.p.scan_result = None
        for ch in "PK20261122":
            Window.dispatch("on_key_down", ord(ch.lower()), 0, ch, [])
        Window.dispatch("on_key_down", 13, 0, None, [])
        yield self.until("the keyboard scanner's code answered", lambda: self.p.scan_result is not None, 20)
        r = self.p.scan_result
        self.results["wedge_scan"] = {"code": r.code, "ok": r.ok, "zh": r.zh, "en": r.en, "status": r.status}
        # The keypad: a real pickup code typed key by key, letters included.
        self.p.scan_result = None
        keypad = self.find(widget_id="keypad")
        typed = os.environ.get("KIOSK_TEST_TYPED_CODE", "4321")
        for key in typed.replace("-", ""):
            yield from self.tap_key(keypad, key)
            yield 0.05
        self.results["keypad_entry"] = self.p.code_entry
        yield from self.shot("scan-typed")
        yield from self.tap_key(keypad, "ok")
        yield self.until("the typed code answered",
                         lambda: self.p.screen == "ticket" or self.p.scan_result is not None, 20)
        r = self.p.scan_result
        self.results["keypad_scan"] = {"code": typed, "ok": self.p.screen == "ticket",
                                       "zh": r.zh if r else "", "en": r.en if r else "",
                                       "status": r.status if r else None}
        if self.p.screen == "ticket":
            self.record_ticket()
            yield from self.shot("scan-typed-ticket")
        post_code = os.environ.get("KIOSK_TEST_POST_CODE")
        if post_code:  # a postal licence: the kiosk shows the masked address and asks yes / no
            self.p.go_home()
            yield self.screen_is("home")
            yield 0.8
            yield from self.tap(self.find("pickup"))
            yield self.screen_is("scan")
            yield 0.8  # the screen slides in; the camera (the video again) may answer meanwhile
            yield self.until("the camera's answer", lambda: not self.p.scan_busy, 20)
            keypad = self.find(widget_id="keypad")
            typed = post_code.replace("-", "")
            for key in typed:
                yield from self.tap_key(keypad, key)
            self.results["post_entry"] = self.p.code_entry
            yield self.until("no scan in flight", lambda: not self.p.scan_busy, 20)
            yield from self.tap_key(keypad, "ok")
            yield self.until("the address question", lambda: self.p.post_pending is not None, 20)
            yield 0.4
            self.results["post_question"] = {"zh": self.p.scan_result.zh, "en": self.p.scan_result.en}
            yield from self.shot("scan-post-question")
            yield from self.tap(self.find(widget_id="post_yes"))
            yield self.until("the confirmation", lambda: self.p.post_pending is None and not self.p.scan_busy
                             and self.p.scan_result is not None, 20)
            self.results["post_answer"] = {"ok": self.p.scan_result.ok, "zh": self.p.scan_result.zh,
                                           "en": self.p.scan_result.en}
            yield from self.shot("scan-post-confirmed")

    def scenario_start(self) -> Iterator:
        """Cold start: when the home screen is up with live tiles (for bench/kiosk_print.py)."""
        yield self.until("server ready", lambda: self.p.ready and self.p.board is not None, 30)
        yield 0  # one more frame: the tiles are drawn enabled
        self.results["ready_at"] = time.monotonic()

    def scenario_bench(self) -> Iterator:
        """N tickets: zone, matter, take; the tap times are matched with the printer's cuts."""
        yield from self.scenario_start()
        taps = self.results["take_taps"] = []
        for _ in range(int(os.environ.get("KIOSK_BENCH_N", "100"))):
            yield from self.tap(self.find("commerce"))
            yield self.screen_is("matters")
            yield from self.tap(self.find("A01"))
            yield self.screen_is("guide")
            take = self.find(widget_id="take")
            from kivy.tests.common import UnitTestTouch

            touch = UnitTestTouch(*take.to_window(*take.center))
            touch.touch_down()
            yield 0.05
            taps.append(time.monotonic())  # the finger lifts: ButtonBehavior fires on release
            touch.touch_up()
            yield self.until("printed", lambda: self.p.screen == "ticket" and self.p.print_state == "printed", 20)
            yield from self.tap(self.bar().ids.home)
            yield self.screen_is("home")
        self.results["taps"] = []

    def scenario_screens(self) -> Iterator:
        """Every screen in both languages (and large text), then idle, then the staff exit."""
        orientation = "landscape" if self.app.portrait is False else "portrait"
        yield from self.ready()

        def both(name: str) -> Iterator:
            self.p.last_touch = self.p.clock()  # looking at a screen counts as using it (short idle times)
            for lang in ("zh", "en"):
                self.p.set_language(lang)
                yield from self.shot(f"{orientation}-{name}-{lang}")
            self.p.set_language("zh")
            yield 0.1

        yield from both("home")
        self.p.toggle_large()
        yield from self.shot(f"{orientation}-home-large-zh")
        self.p.toggle_large()
        yield self.settled()  # the home grid is rebuilt for the text size: find the tile once it is there
        yield from self.tap(self.find("commerce"))
        yield self.screen_is("matters")
        yield from both("matters")
        yield from self.tap(self.find(self.p.matters()[0]["code"]))
        yield self.screen_is("guide")
        yield from both("guide")
        self.p.toggle_large()
        yield from self.shot(f"{orientation}-guide-large-zh")
        self.p.toggle_large()
        self.p.go_home()
        yield self.screen_is("home")
        yield from self.tap(self.find("bundles"))
        yield self.screen_is("bundles")
        yield from both("bundles")
        yield from self.tap(self.find("restaurant-opening"))
        yield self.screen_is("guide")
        yield from both("guide-bundle")
        self.p.go_home()
        yield self.screen_is("home")
        yield from self.tap(self.find("priority"))
        yield self.screen_is("priority")
        yield from both("priority-reasons")
        yield from self.tap(self.find("disabled"))
        yield 0.3
        yield from both("priority-zones")
        self.p.go_home()
        yield self.screen_is("home")
        yield from self.tap(self.find("checkin"))
        yield self.screen_is("scan")
        yield self.until("camera state known", lambda: self.p.camera_state in ("ok", "missing", "none"))
        yield from both("scan-checkin")
        self.p.go_home()
        yield self.screen_is("home")
        yield from self.tap(self.find("consult"))
        yield self.screen_is("matters")
        yield from self.tap(self.find(self.p.matters()[0]["code"]))
        yield self.screen_is("guide")
        yield from self.tap(self.find(widget_id="take"))
        yield from self.ticket_taken()
        yield from both("ticket")
        # The SMS reminder screen (this hall sends no SMS: typing and OK show the server's refusal).
        self.p.open_sms()
        yield self.screen_is("sms")
        sms_keys = self.find(widget_id="keypad", screen="sms")
        for key in "13912345678":
            yield from self.tap_key(sms_keys, key)
        yield from self.tap_key(sms_keys, "ok")
        yield self.until("the refusal shown", lambda: self.p.sms_error is not None)
        self.results["sms_entry"] = self.app.screen("sms").ids.entry.text
        yield from both("sms")
        yield from self.tap(self.bar().ids.back)
        yield self.screen_is("ticket")
        yield from self.tap(self.bar().ids.home)
        yield self.screen_is("home")
        yield from self.tap(self.find("help"))
        yield self.until("help confirmed", lambda: self.p.notice is not None and "工作人员" in self.p.notice[0])
        yield 0.3
        self.results["help_notice"] = self.p.notice
        self.results["help_toast"] = self.toast_text()
        yield from self.shot(f"{orientation}-home-help-zh")
        # Idle: shorten the device file's idle times for this part of the run.
        from dataclasses import replace

        yield self.until("help notice faded", lambda: self.p.notice is None)  # the tiles move up when it goes
        yield 0.3
        yield from self.tap(self.find("public"))
        yield self.screen_is("matters")
        # Shortened only once the matters screen is up: a slow frame cannot let the kiosk go idle before.
        self.p.config = replace(self.p.config, idle_home_s=2.0, idle_board_s=4.0)
        self.p.last_touch = self.p.clock()
        started = time.monotonic()
        yield self.until("idle back home", lambda: self.p.screen == "home", 20)
        self.results["idle_home_after"] = time.monotonic() - started
        yield self.until("idle board", lambda: self.p.screen == "board", 20)
        self.results["idle_board_after"] = time.monotonic() - started
        yield 0.5
        yield from both("board")
        yield from self.tap(self.app.sm.current_screen)
        yield self.screen_is("home")
        self.results["woke"] = self.p.screen
        self.p.config = replace(self.p.config, idle_home_s=60.0, idle_board_s=180.0)  # idle tests are done
        # Staff exit: five taps on the hall name, a wrong PIN, then the right one.
        title = self.bar().ids.title
        for _ in range(5):
            yield from self.tap(title)
            yield 0.05
        yield self.screen_is("pin")
        keypad = self.find(widget_id="keypad")
        for key in "0000":
            yield from self.tap_key(keypad, key)
        yield from self.tap_key(keypad, "ok")
        yield 0.3
        self.results["pin_wrong"] = self.p.pin_wrong
        yield from both("pin")
        for _ in range(4):  # five wrong PINs in a row lock the keypad; the screen says for how long
            for key in "0000":
                yield from self.tap_key(keypad, key)
            yield from self.tap_key(keypad, "ok")
        yield 0.3
        self.results["pin_locked"] = [self.p.screen, self.p.pin_lock.wrong, self.p.pin_lock.locked_for()]
        wrong = self.app.sm.current_screen.ids.wrong
        self.results["pin_locked_text"] = [wrong.zh, wrong.en]
        yield from both("pin-locked")
        self.p.pin_lock.locked_until = 0.0  # the driver does not wait out the lock
        for key in STAFF_PIN:
            yield from self.tap_key(keypad, key)
        self.results["exited_by_pin"] = True
        self.exiting = True  # the right PIN stops the app: that is the end of this scenario
        self.write()
        yield from self.tap_key(keypad, "ok")  # the app stops here
        yield 30


    def scenario_large_tap(self) -> Iterator:
        """A zone tile answers a tap in large text and after it (the home grid is rebuilt each time)."""
        yield from self.ready()
        for lang in ("zh", "en"):
            self.p.set_language(lang)
            yield from self.shot(f"probe-{lang}")
        self.p.set_language("zh")
        yield 0.1
        self.p.toggle_large()
        yield from self.shot("probe-large")
        self.p.toggle_large()
        self.results["before"] = [list(self.find("commerce").to_window(*self.find("commerce").center)),
                                  self.app.screen("home").ids.scroll.scroll_y]
        yield self.settled()
        self.results["after"] = [list(self.find("commerce").to_window(*self.find("commerce").center)),
                                 self.app.screen("home").ids.scroll.scroll_y]
        yield from self.tap(self.find("commerce"))
        yield self.screen_is("matters")
        self.results["large_tap"] = self.p.screen
        self.p.go_home()
        yield self.screen_is("home")
        self.p.toggle_large()
        yield self.settled()
        yield from self.tap(self.find("public"))
        yield self.screen_is("matters")
        self.results["normal_tap"] = self.p.screen

    def scenario_reach(self) -> Iterator:
        """What an elderly citizen meets (issue 16): home in normal and large text, a search over every zone
        with the keyboard folded, the green channel's matter question, toasts clear of the buttons, the QR
        screen's states, and the idle board with 8 calls that came in by the event stream."""
        orientation = "landscape" if self.app.portrait is False else "portrait"
        r = self.results
        yield from self.ready()

        def shot(name: str) -> Iterator:
            self.p.last_touch = self.p.clock()
            yield from self.shot(f"{orientation}-{name}")

        # Eight calls made by the test while the kiosk follows the stream: they come in as events.
        reads_before = self.p.connection.rereads
        self.signal("make-calls")
        yield self.wait_signal("calls-made", 120)
        # The file names the calls made (newest last); the board may hold an earlier run's calls already, so wait
        # for these very numbers, not for a count.
        made = json.loads((self.handshake / "calls-made").read_text())[-8:]

        def folded_in() -> bool:
            return set(made) <= {c["number"] for c in (self.p.board or {}).get("calls", [])[:8]}

        yield self.until("the eight calls folded in", folded_in, 60)
        r["event_rereads"] = self.p.connection.rereads - reads_before
        r["calls_seen"] = [c["number"] for c in self.p.board["calls"][:8]]
        # Home, normal then large text.
        for lang in ("zh", "en"):
            self.p.set_language(lang)
            yield from shot(f"home-{lang}")
        self.p.set_language("zh")
        home = self.app.screen("home")
        r["home_normal"] = tile_facts(home.ids.tiles, home.ids.services)
        r["examples"] = {t.value: [t.extra_zh, t.extra_en] for t in home.ids.tiles.children if t.badge}
        self.p.toggle_large()
        yield from shot("home-large-zh")
        r["home_large"] = tile_facts(home.ids.tiles, home.ids.services)
        self.p.toggle_large()
        yield from shot("home-back-to-normal-zh")
        # Help: its toast covers no button.
        yield from self.tap(self.find("help"))
        yield self.until("help toast", lambda: self.p.notice is not None)
        yield from shot("home-help-toast")
        r["toast_covers"] = {"home": covered_buttons(self.app)}
        # Search over every zone from home: letters, then the keyboard folded away.
        yield from self.tap(self.find(widget_id="search", screen="home"))
        yield self.screen_is("matters")
        matters = self.app.screen("matters")
        for key in "sbk":
            yield from self.tap_key(matters.ids.letters, key)
        yield self.until("searched", lambda: self.p.query == "sbk")
        r["search_sbk"] = [m["code"] for m in self.p.matters()]
        yield from shot("search-keyboard-zh")
        r["clear_key"] = matters.ids.clear_key.text
        yield from self.tap(matters.ids.clear_key)
        yield self.until("cleared", lambda: self.p.query == "")
        yield from self.tap(matters.ids.fold)
        yield self.until("keyboard folded", lambda: not self.p.keyboard)
        yield from shot("search-folded-zh")
        r["rows_visible_folded"] = rows_visible(matters.ids.scroll, matters.ids.rows)
        self.p.set_language("en")
        yield from shot("search-folded-en")
        self.p.set_language("zh")
        yield from self.tap(matters.ids.fold)
        yield self.until("keyboard back", lambda: self.p.keyboard)
        yield self.settled()
        r["rows_visible_keyboard"] = rows_visible(matters.ids.scroll, matters.ids.rows)
        # A matter's guide: "list printed" never covers 取号.
        yield from self.tap(self.find(self.p.matters()[0]["code"]))
        yield self.screen_is("guide")
        yield from self.tap(self.find(widget_id="print_list"))
        yield self.until("list printed", lambda: self.p.notice is not None and "已打印" in self.p.notice[0], 30)
        yield from shot("guide-list-printed-toast")
        r["toast_covers"]["guide"] = covered_buttons(self.app)
        # Green channel: reason, zone, then the matter (or not sure).
        self.p.go_home()
        yield self.screen_is("home")
        yield from self.tap(self.find("priority"))
        yield self.screen_is("priority")
        yield from self.tap(self.find("elderly"))
        yield self.until("zones", lambda: self.p.priority == "elderly")
        yield from self.tap(self.find("public"))
        yield self.until("the matter asked", lambda: self.p.asking_matter)
        for lang in ("zh", "en"):
            self.p.set_language(lang)
            yield from shot(f"priority-matter-{lang}")
        self.p.set_language("zh")
        r["priority_matter_first"] = next(w.value for w in reversed(self.app.screen("priority").ids.rows.children))
        yield from self.tap(self.find("not-sure"))
        yield from self.ticket_taken()
        r["priority_ticket"] = self.p.ticket
        # The QR screen: one camera line in each state, the code length, plain errors, no jump.
        self.p.go_home()
        yield self.screen_is("home")
        yield from self.tap(self.find("pickup"))
        yield self.screen_is("scan")
        scan = self.app.screen("scan")
        r["camera_lines"] = {}
        for state in ("none", "starting", "ok"):
            self.p.scan.camera_state = state
            self.p.changed()
            yield self.until(f"camera {state} shown", lambda: scan.ids.camera.en == self.p.scan.camera_words[1])
            r["camera_lines"][state] = [scan.ids.camera.zh, scan.ids.camera.en]
            yield from shot(f"scan-camera-{state}-zh")
        self.p.scan.camera_state = "none"
        self.p.changed()
        yield self.settled()
        self.p.set_language("en")
        yield from shot("scan-camera-none-en")
        self.p.set_language("zh")
        yield self.settled()
        keypad = scan.ids.keypad
        before = tuple(keypad.to_window(*keypad.pos)) + tuple(keypad.size)
        for key in "7KQ4M2":
            yield from self.tap_key(keypad, key)
        yield from self.tap_key(keypad, "ok")
        yield self.until("length explained", lambda: self.p.scan_result is not None)
        yield from shot("scan-short-code-zh")
        r["short_code"] = [self.p.scan_result.zh, self.p.scan_result.en, scan.ids.result.text]
        r["keypad_moved"] = [before, tuple(keypad.to_window(*keypad.pos)) + tuple(keypad.size)]
        self.p.set_language("en")
        yield from shot("scan-short-code-en")
        self.p.set_language("zh")
        for key in "XP9":
            yield from self.tap_key(keypad, key)
        yield from self.tap_key(keypad, "ok")
        yield self.until("the server's refusal", lambda: self.p.scan_result is not None and not self.p.scan_busy
                         and self.p.scan_result.status is not None, 30)
        yield from shot("scan-refused-zh")
        r["refused"] = [self.p.scan_result.zh, self.p.scan_result.en]
        r["keypad_moved"].append(tuple(keypad.to_window(*keypad.pos)) + tuple(keypad.size))
        self.p.set_language("en")
        yield from shot("scan-refused-en")
        self.p.set_language("zh")
        # The idle board with the eight calls.
        self.p.go_home()
        yield self.screen_is("home")
        self.p.shared.go("board")
        yield self.screen_is("board")
        for lang in ("zh", "en"):
            self.p.set_language(lang)
            yield from shot(f"board-8-calls-{lang}")
        self.p.set_language("zh")
        r["board_calls_shown"] = len(self.app.screen("board").ids.calls.children)


def tile_facts(grid, services) -> dict:
    """Columns, and per role the tile heights and title font sizes of the home grids (sizes by role, not text)."""
    zones = [t for t in grid.children if getattr(t, "badge", "")]
    others = list(services.children)

    def title_size(t) -> float:
        return t.ids.texts.children[-1].font_size

    return {"cols": grid.cols, "zone_heights": sorted({round(t.height) for t in zones}),
            "service_heights": sorted({round(t.height) for t in others}),
            "zone_title_sizes": sorted({round(title_size(t), 1) for t in zones}),
            "zone_line_sizes": sorted({round(t.ids.texts.children[-2].font_size, 1) for t in zones})}


def covered_buttons(app) -> list[str]:
    """Visible, enabled buttons of the current screen that the toast lies over."""
    from kivy.uix.behaviors import ButtonBehavior

    from kiosk.widgets import Toast

    toast = next(w for w in app.sm.children if isinstance(w, Toast))
    if not toast.opacity:
        return ["(no toast shown)"]
    tx, ty = toast.to_window(*toast.pos)
    found = []
    for w in app.sm.current_screen.walk(restrict=True):
        if not isinstance(w, ButtonBehavior) or w.disabled or not _visible(w) or w.width < 2 or w.height < 2:
            continue
        x, y = w.to_window(*w.pos)
        across = min(x + w.width, tx + toast.width) - max(x, tx)
        if across > 1 and min(y + w.height, ty + toast.height) - max(y, ty) > 1:
            found.append(getattr(w, "value", "") or getattr(w, "text", "") or type(w).__name__)
    return found


def rows_visible(scroll, rows) -> int:
    """Rows of a scroll view's list that lie wholly inside the view (what a citizen sees without scrolling)."""
    sx, sy = scroll.to_window(*scroll.pos)
    count = 0
    for row in rows.children:
        x, y = row.to_window(*row.pos)
        if y >= sy - 1 and y + row.height <= sy + scroll.height + 1:
            count += 1
    return count


def geometry(app) -> tuple:
    """Where everything on the current screen and the toast over it is and how big, to tell when the layout stops
    moving (a toast grows to a long message a frame after its text arrives)."""
    from kivy.core.window import Window

    from kiosk.widgets import Toast

    screen = app.sm.current_screen
    toasts = [w for w in app.sm.children if isinstance(w, Toast)]
    widgets = [*screen.walk(restrict=True), *(w for t in toasts for w in t.walk(restrict=True))]
    return (app.sm.current, tuple(Window.size), tuple(
        (type(w).__name__, *w.to_window(*w.pos), *w.size, getattr(w, "opacity", 1),
         *getattr(w, "texture_size", ()), getattr(w, "natural_height", 0), getattr(w, "shrink", 1))
        for w in widgets))


def overflowing(root) -> list[str]:
    """Visible labels whose text is bigger than their box (cut off or spilling over), that a
    layout pushed off the screen or under the top bar, or that lie over one another."""
    from kivy.core.window import Window
    from kivy.uix.label import Label
    from kivy.uix.scrollview import ScrollView

    from kiosk.widgets import TopBar

    bar = next((w for w in root.walk(restrict=True) if isinstance(w, TopBar)), None)
    in_bar = {id(w) for w in bar.walk(restrict=True)} if bar is not None else set()
    # Content of a scroll view may lie beyond it: the view clips it and the citizen scrolls to it.
    scrolled = {id(w) for sv in root.walk(restrict=True) if isinstance(sv, ScrollView)
                for w in sv.walk(restrict=True) if w is not sv}
    ceiling = bar.to_window(*bar.pos)[1] if bar is not None else Window.height
    found = []
    boxes: list[tuple[str, float, float, float, float]] = []
    for w in root.walk(restrict=True):
        need = getattr(w, "natural_height", 0)
        if need > w.height + 3 and _visible(w):
            found.append(f"tile {getattr(w, 'zh', '')!r} needs {need:.0f} px, has {w.height:.0f}")
        if not isinstance(w, Label) or not w.text.strip() or w.width < 2 or w.height < 2:
            continue
        if not _visible(w):
            continue
        x, y = w.to_window(*w.pos)
        if id(w) not in in_bar and id(w) not in scrolled and (y + w.height > ceiling + 2 or y < -2):
            found.append(f"{w.text[:40]!r} at y {y:.0f}..{y + w.height:.0f}: off screen or under the top bar")
            continue
        tw, th = w.texture_size
        if tw > w.width + 3 or th > w.height + 3:
            found.append(f"{w.text[:40]!r} text {tw:.0f}x{th:.0f} in box {w.width:.0f}x{w.height:.0f}")
        if id(w) not in scrolled:
            for text, ox, oy, ow, oh in boxes:  # 4 px of slack: rounding where boxes touch
                if min(x + w.width, ox + ow) - max(x, ox) > 4 and min(y + w.height, oy + oh) - max(y, oy) > 4:
                    found.append(f"{w.text[:40]!r} lies over {text!r}")
            boxes.append((w.text[:40], x, y, w.width, w.height))
    return found


def _visible(widget) -> bool:
    seen = set()
    while widget is not None and id(widget) not in seen:  # the window is its own parent
        seen.add(id(widget))
        if getattr(widget, "opacity", 1) == 0:
            return False
        widget = widget.parent
    return True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", required=True)
    parser.add_argument("--scenario", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--handshake")
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    device = load_device(args.device)
    prepare_kivy(device, fullscreen=False)
    from kivy.clock import Clock

    from kiosk.app import KioskApp

    app = KioskApp(device)
    driver = Driver(app, args.scenario, out, Path(args.handshake) if args.handshake else None)
    Clock.schedule_once(driver.start, 0.5)
    Clock.schedule_once(lambda _dt: driver.fail(f"scenario did not finish in {args.timeout} s"), args.timeout)
    started = time.monotonic()
    app.run()
    driver.results["run_s"] = time.monotonic() - started
    if not (out / "results.json").exists() or not (driver.finished or driver.exiting):
        driver.results.setdefault("error", "the app stopped before the scenario finished")
    driver.results["exit_clean"] = True
    driver.write()


if __name__ == "__main__":
    main()
