"""The kiosk's whole flow as plain Python: which screen shows what, and what each touch does.

No Kivy here. The app hands touches in (`open_zone`, `take_number`, ...) and redraws the
current screen whenever `changed` is called. Slow work (network, printing, rendering) goes
through a `Runner` that runs it off the UI thread and calls back on it; tests use one that
runs at once. Every failure becomes words on the screen, never an exception in the UI.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from hall_client.client import ApiError, ServerUnreachable
from hardware.printer_errors import PaperOut, PrinterError
from kiosk.device_config import KioskConfig
from kiosk.search import search
from kiosk.staff_pin import PinLock
from kiosk.texts import TEXT, Text, both
from kiosk.ticket_info import find, materials_lines, ticket_layout

log = logging.getLogger(__name__)

SCREENS = ("home", "matters", "guide", "ticket", "bundles", "priority", "scan", "board", "pin")
EXIT_TAPS = 5  # taps on the hall name, within EXIT_TAP_WINDOW_S, open the staff exit
EXIT_TAP_WINDOW_S = 4.0
NOTICE_S = 6.0
SCAN_PATHS = {"pickup": "/pickups", "checkin": "/appointments/check-in"}


class Runner(Protocol):
    def run(self, lane: str, fn: Callable[[], Any], done: Callable[[Any], None],
            failed: Callable[[Exception], None]) -> None:
        """Run `fn` off the UI thread (one queue per lane); call back on the UI thread."""


class PrinterPort(Protocol):
    def print_ticket(self, layout: Any) -> Any: ...
    def print_lines(self, title: str, lines: list[str]) -> Any: ...
    def render_png(self, layout: Any) -> str: ...


class ClientPort(Protocol):
    def hall(self) -> dict: ...
    def board(self) -> dict: ...
    def take_number(self, zone: str, matter: str | None = None, bundle: str | None = None,
                    priority: str | None = None) -> dict: ...
    def alert(self, kind: str, message: str = "") -> dict: ...
    def post(self, path: str, body: dict | None = None) -> Any: ...


@dataclass
class ScanResult:
    code: str
    ok: bool
    zh: str
    en: str
    status: int | None = None  # the server's HTTP status; None when it could not be reached


def split_bilingual(message: str) -> Text:
    """The server's "中文 / English" message as its two halves (the same text twice if not so)."""
    zh, sep, en = message.partition(" / ")
    if sep and any("\u4e00" <= ch <= "\u9fff" for ch in zh):
        return zh.strip(), en.strip()
    return message, message


class KioskPresenter:
    def __init__(self, config: KioskConfig, client: ClientPort, printer: PrinterPort | None,
                 runner: Runner, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.client = client
        self.printer = printer
        self.runner = runner
        self.clock = clock
        self.changed: Callable[[], None] = lambda: None
        self.on_exit: Callable[[], None] = lambda: None
        # What is shown
        self.screen = "home"
        self.lang = config.language
        self.large = config.large_text
        self.hall: dict | None = None
        self.board: dict | None = None
        self.server_up = False
        self.notice: Text | None = None
        self._notice_until = 0.0
        # The citizen's choices
        self.zone: dict | None = None
        self.matter: dict | None = None
        self.bundle: dict | None = None
        self.priority: str | None = None
        self.query = ""
        self.busy = False  # a number is being taken: ignore further taps
        # The ticket
        self.ticket: dict | None = None
        self.layout: Any = None
        self.print_state = "idle"  # idle | printing | printed | failed | none
        self.print_error: Text | None = None
        self.ticket_png: str | None = None
        self._printer_alerted = False
        self._print_outcomes: dict[int, Exception | None] = {}  # printed before the screen showed it
        # QR screen
        self.scan_mode = "pickup"
        self.camera_state = "none" if config.camera.lower() in ("", "none") else "starting"
        self._camera_alerted = False
        self.code_entry = ""
        self.post_pending: str | None = None  # a postal licence's code whose address awaits the citizen's yes/no
        self.scan_busy = False
        self.scan_result: ScanResult | None = None
        # Staff exit
        self.pin_entry = ""
        self.pin_wrong = False
        self.pin_lock = PinLock(config.staff_pin_hash, clock)
        self._title_taps: list[float] = []
        # Timers
        self.last_touch = clock()
        self._next_retry = 0.0
        self._loading = False
        self._next_board = 0.0
        self._board_loading = False

    # ---- helpers -------------------------------------------------------------------------
    def t(self, key: str, **values: object) -> Text:
        return both(key, **values)

    def _go(self, screen: str) -> None:
        self.screen = screen
        self.changed()

    def _say(self, words: Text) -> None:
        self.notice = words
        self._notice_until = self.clock() + NOTICE_S
        self.changed()

    @property
    def hall_name(self) -> Text:
        if self.config.hall_name_zh:
            return self.config.hall_name_zh, self.config.hall_name_en
        if self.hall:
            return self.hall.get("name_zh", ""), self.hall.get("name_en", "")
        return "政务服务大厅", "Government Service Hall"

    @property
    def ready(self) -> bool:
        """Numbers can be taken: the hall is known and the server answers."""
        return self.server_up and self.hall is not None

    # ---- start, live data, retry ----------------------------------------------------------
    def start(self) -> None:
        self.load_hall()

    def load_hall(self) -> None:
        if self._loading:
            return
        self._loading = True

        def done(hall: dict) -> None:
            self._loading = False
            self.hall = hall
            self.server_up = True
            self.refresh_board()
            self.changed()

        def failed(error: Exception) -> None:
            self._loading = False
            self._server_lost(error)

        self.runner.run("net", self.client.hall, done, failed)

    def refresh_board(self) -> None:
        if self._board_loading:
            return
        self._board_loading = True
        self._next_board = self.clock() + self.config.board_poll_s

        def done(board: dict) -> None:
            self._board_loading = False
            self.set_board(board)

        def failed(error: Exception) -> None:
            self._board_loading = False
            self._server_lost(error)

        self.runner.run("board", self.client.board, done, failed)

    def set_board(self, board: dict) -> None:
        """A board snapshot (from a poll or the event stream's resync)."""
        self.board = board
        if not self.server_up:
            self.server_up = True
            if self.hall is None:
                self.load_hall()
        self.changed()

    def server_status(self, up: bool) -> None:
        """The event stream connected (True) or lost the server (False)."""
        if up == self.server_up:
            return
        if up:
            self.server_up = True
            if self.hall is None:
                self.load_hall()
            self.refresh_board()
        else:
            self.server_up = False
            self._next_retry = self.clock() + self.config.retry_s
        self.changed()

    def _server_lost(self, error: Exception) -> None:
        log.info("server: %s", getattr(error, "message", error))
        if isinstance(error, ApiError) and not isinstance(error, ServerUnreachable):
            return  # it answered: it is up, the request was refused (shown where it happened)
        self.server_up = False
        self._next_retry = self.clock() + self.config.retry_s
        self.changed()

    def tick(self) -> None:
        """Called about once a second: idle timeouts, retries, notices, board refresh."""
        now = self.clock()
        idle = now - self.last_touch
        if self.notice and now >= self._notice_until:
            self.notice = None
            self.changed()
        if self.screen not in ("home", "board") and idle >= self.config.idle_home_s:
            self.go_home()
        elif self.screen == "home" and idle >= self.config.idle_board_s:
            self._go("board")
        if self.screen == "pin":
            self.changed()  # the PIN lock's countdown
        if not self.ready and now >= self._next_retry and not self._loading:
            self._next_retry = now + self.config.retry_s
            self.load_hall()
        elif self.ready and now >= self._next_board:
            self.refresh_board()

    def touched(self) -> bool:
        """Any touch. Returns True when the touch was used up (waking from the board)."""
        self.last_touch = self.clock()
        if self.screen == "board":
            self.go_home()
            return True
        return False

    # ---- home ------------------------------------------------------------------------------
    def zones_shown(self) -> list[dict]:
        if not self.hall:
            return []
        zones = self.hall.get("zones", [])
        if self.config.zones:
            return [z for code in self.config.zones if (z := find(zones, "code", code))]
        return [z for z in zones if z.get("kind") in ("front", "consult")]

    def zone_status(self, code: str) -> tuple[int | None, int | None]:
        """(people waiting, estimated wait in seconds) from the latest board, None if unknown."""
        for z in (self.board or {}).get("zones", []):
            if z.get("zone") == code:
                return z.get("waiting"), z.get("estimated_wait_s")
        return None, None

    def go_home(self) -> None:
        self.zone = self.matter = self.bundle = self.priority = None
        self.query = ""
        self.busy = False
        self._clear_scan()
        self.pin_entry = ""
        self.pin_wrong = False
        self.notice = None
        self._go("home")

    def back(self) -> None:
        if self.screen == "guide" and self.bundle:
            self.bundle = None
            self._go("bundles")
        elif self.screen == "guide":
            self.matter = None
            self._go("matters")
        elif self.screen == "priority" and self.priority:
            self.priority = None
            self.changed()
        else:
            self.go_home()

    def set_language(self, lang: str) -> None:
        self.lang = "en" if lang == "en" else "zh"
        self.changed()

    def toggle_language(self) -> None:
        self.set_language("en" if self.lang == "zh" else "zh")

    def toggle_large(self) -> None:
        self.large = not self.large
        self.changed()

    def ask_help(self) -> None:
        """帮办代办: raise a help alert so a floor assistant comes to this kiosk."""
        message = f"{self.config.name}: 群众请求帮办代办 / a citizen asks for help at the kiosk"
        self.runner.run("net", lambda: self.client.alert("help", message),
                        lambda _: self._say(TEXT["help_sent"]),
                        lambda error: (self._server_lost(error), self._say(TEXT["help_failed"])))

    # ---- zone → matter → guide -------------------------------------------------------------
    def open_zone(self, code: str) -> None:
        if not self.ready:
            return
        zone = find(self.hall.get("zones", []), "code", code)
        if zone is None:
            return
        self.zone, self.matter, self.bundle, self.query = zone, None, None, ""
        self._go("matters")

    def matters(self) -> list[dict]:
        """The zone's matters: common ones first; filtered by the search letters."""
        if not self.zone:
            return []
        items = sorted(self.zone.get("matters", []), key=lambda m: not m.get("common"))
        return search(items, self.query)

    def type_letter(self, letter: str) -> None:
        if len(self.query) < 12:
            self.query += letter.lower()
            self.changed()

    def delete_letter(self) -> None:
        self.query = self.query[:-1]
        self.changed()

    def clear_query(self) -> None:
        self.query = ""
        self.changed()

    def open_matter(self, code: str) -> None:
        if not self.zone:
            return
        matter = find(self.zone.get("matters", []), "code", code)
        if matter:
            self.matter, self.bundle = matter, None
            self._go("guide")

    def guide(self) -> dict:
        """What the guide screen shows for the chosen matter or bundle."""
        if self.bundle:
            b = self.bundle
            names = [self._matter_names(code) for code in b.get("matters", [])]
            return {"name": (b["name_zh"], b["name_en"]), "materials": b.get("materials", []),
                    "days": self._days(0, b.get("promised_days", 0)), "fee": None,
                    "notes": (b.get("notes_zh", ""), b.get("notes_en", "")), "matters": names}
        m = self.matter or {}
        return {"name": (m.get("name_zh", ""), m.get("name_en", "")), "materials": m.get("materials", []),
                "days": self._days(m.get("legal_days", 0), m.get("promised_days", 0)),
                "fee": (m.get("fee_zh", ""), m.get("fee_en", "")),
                "notes": (m.get("notes_zh", ""), m.get("notes_en", "")), "matters": []}

    def _matter_names(self, code: str) -> Text:
        for z in (self.hall or {}).get("zones", []):
            if m := find(z.get("matters", []), "code", code):
                return m["name_zh"], m["name_en"]
        return code, code

    @staticmethod
    def _days(legal: int, promised: int) -> Text:
        if not promised:
            zh, en = TEXT["on_the_spot"]
        else:
            zh, en = both("promised_days", d=promised)
        if legal:
            lz, le = both("legal_days", d=legal)
            zh, en = f"{lz}，{zh}", f"{le}; {en}"
        return zh, en

    def print_list(self) -> None:
        """Print the guide's materials as a slip to take home."""
        guide = self.guide()
        title = guide["name"][0]
        lines = [guide["name"][1], ""] + materials_lines(guide["materials"])
        if guide["fee"]:
            lines += ["", f"{TEXT['fee'][0]}：{guide['fee'][0]}", f"{TEXT['fee'][1]}: {guide['fee'][1]}"]
        lines += ["", f"{TEXT['time_limit'][0]}：{guide['days'][0]}", f"{TEXT['time_limit'][1]}: {guide['days'][1]}"]
        if self.printer is None:
            self._say(TEXT["no_printer"])
            return
        self._say(TEXT["list_printing"])
        self.runner.run("printer", lambda: self.printer.print_lines(title, lines),
                        lambda _: self._printer_fine(TEXT["list_printed"]), self._list_failed)

    def _list_failed(self, error: Exception) -> None:
        self._printer_failed(error)
        words = (error.zh, error.en) if isinstance(error, PrinterError) else TEXT["error_generic"]
        self._say(words)

    # ---- bundles, green channel -------------------------------------------------------------
    def open_bundles(self) -> None:
        if self.ready:
            self.bundle = None
            self._go("bundles")

    def bundles(self) -> list[dict]:
        return list((self.hall or {}).get("bundles", []))

    def open_bundle(self, code: str) -> None:
        bundle = find(self.bundles(), "code", code)
        if bundle:
            self.bundle, self.matter = bundle, None
            self.zone = find(self.hall.get("zones", []), "code", bundle["zone"])
            self._go("guide")

    def open_priority(self) -> None:
        if self.ready:
            self.priority = None
            self._go("priority")

    def priority_classes(self) -> list[str]:
        return list((self.hall or {}).get("priority_classes", []))

    def choose_priority(self, reason: str) -> None:
        if reason in self.priority_classes():
            self.priority = reason
            self.changed()

    def choose_priority_zone(self, code: str) -> None:
        if self.priority and self.ready and find(self.hall.get("zones", []), "code", code):
            self.zone = find(self.hall["zones"], "code", code)
            self.matter = self.bundle = None
            self.take_number()

    # ---- the ticket --------------------------------------------------------------------------
    def take_zone_number(self) -> None:
        """"Not sure? Take a number": a ticket for the zone with no matter."""
        self.matter = self.bundle = None
        self.take_number()

    def take_number(self) -> None:
        if self.busy or not self.ready or not self.zone:
            return
        self.busy = True
        zone = self.bundle["zone"] if self.bundle else self.zone["code"]
        matter = self.matter["code"] if self.matter else None
        bundle = self.bundle["code"] if self.bundle else None
        priority = self.priority
        self._say(TEXT["taking"])
        hall, printer = self.hall or {}, self.printer
        hall_name = self.hall_name if self.config.hall_name_zh else None

        def job() -> tuple[dict, Any]:
            # Runs on the network worker: the printer starts as soon as the number exists, without
            # waiting for the screen to catch up (the screen shows the ticket meanwhile).
            ticket = self.client.take_number(zone, matter=matter, bundle=bundle, priority=priority)
            layout = self._layout(hall, ticket, hall_name)
            if printer is not None and layout is not None:
                self._send_to_printer(ticket, layout)
            return ticket, layout

        self.runner.run("net", job, lambda result: self.show_ticket(*result, printing=True), self._take_failed)

    def _take_failed(self, error: Exception) -> None:
        self.busy = False
        if isinstance(error, ServerUnreachable) or not isinstance(error, ApiError):
            self._server_lost(error)
            self._say(TEXT["paused"])
        else:
            self._say((f"无法取号：{error.message}", f"Could not take a number: {error.message}"))

    def _layout(self, hall: dict, ticket: dict, hall_name: Text | None) -> Any:
        try:
            return ticket_layout(hall, ticket, self.config.server_url, hall_name)
        except (KeyError, TypeError, ValueError) as error:
            log.warning("cannot lay out ticket %r: %s", ticket, error)
            return None

    def _send_to_printer(self, ticket: dict, layout: Any) -> None:
        """Queue the ticket on the printer lane (callable from a worker thread)."""
        self.runner.run("printer", lambda: self.printer.print_ticket(layout),
                        lambda _: self._print_outcome(ticket["id"], None),
                        lambda error: self._print_outcome(ticket["id"], error))

    def show_ticket(self, ticket: dict, layout: Any = None, printing: bool = False) -> None:
        """A ticket arrived (taken here, or given by a check-in or pickup): show it, print it if not yet."""
        self.busy = False
        self.notice = None
        self.ticket = ticket
        self.ticket_png = None
        self.print_error = None
        self.layout = layout or self._layout(self.hall or {}, ticket,
                                             self.hall_name if self.config.hall_name_zh else None)
        self.screen = "ticket"
        if self.printer is None or self.layout is None:
            self.print_state = "none"
            self._render_fallback()
            return
        self.print_state = "printing"
        if not printing:
            self._send_to_printer(ticket, self.layout)
        elif ticket.get("id") in self._print_outcomes:  # the printer finished before the screen caught up
            self._print_outcome(ticket["id"], self._print_outcomes.pop(ticket["id"]))
        self.changed()

    def _print_outcome(self, ticket_id: int, error: Exception | None) -> None:
        if not self.ticket or self.ticket.get("id") != ticket_id:
            self._print_outcomes[ticket_id] = error  # the ticket screen is not there yet
            if len(self._print_outcomes) > 20:
                self._print_outcomes.pop(next(iter(self._print_outcomes)))
            return
        if error is None:
            self.print_state = "printed"
            self._printer_fine(None)
            return
        self._printer_failed(error)
        self.print_state = "failed"
        self.print_error = (error.zh, error.en) if isinstance(error, PrinterError) else TEXT["error_generic"]
        self._render_fallback()
        self.changed()

    def _render_fallback(self) -> None:
        """Draw the ticket as it would print, so the citizen can photograph number and QR."""
        if self.printer is None or self.layout is None:
            self.changed()
            return
        ticket = self.ticket
        layout = self.layout

        def done(path: str) -> None:
            if self.ticket is ticket:
                self.ticket_png = path
                self.changed()

        self.runner.run("render", lambda: self.printer.render_png(layout), done,
                        lambda e: log.warning("cannot draw the ticket: %s", e))

    def _printer_fine(self, words: Text | None) -> None:
        if self._printer_alerted:
            self._printer_alerted = False
            self._send_alert("printer_ok", "打印机已恢复 / printer working again")
        if words:
            self._say(words)
        else:
            self.changed()

    def _printer_failed(self, error: Exception) -> None:
        log.warning("printer: %s", error)
        if self._printer_alerted:
            return
        self._printer_alerted = True
        kind = "printer_paper_out" if isinstance(error, PaperOut) else "printer_offline"
        self._send_alert(kind, str(error))

    def _send_alert(self, kind: str, message: str) -> None:
        full = f"{self.config.name}: {message}"
        self.runner.run("net", lambda: self.client.alert(kind, full), lambda _: None,
                        lambda e: log.warning("alert %s not sent: %s", kind, e))

    # ---- QR: licence pickup and appointment check-in ---------------------------------------
    def open_scan(self, mode: str) -> None:
        if mode not in SCAN_PATHS:
            return
        self.scan_mode = mode
        self._clear_scan()
        self._go("scan")

    def _clear_scan(self) -> None:
        """A fresh QR screen: no typed code, no answer, no question waiting."""
        self.code_entry = ""
        self.scan_result = None
        self.scan_busy = False
        self.post_pending = None

    def camera_status(self, ok: bool) -> None:
        """The camera opened (True) or is missing / lost (False)."""
        state = "ok" if ok else "missing"
        if state == self.camera_state:
            return
        self.camera_state = state
        if not ok and not self._camera_alerted:
            self._camera_alerted = True
            self._send_alert("camera_missing", f"摄像头不可用 / camera {self.config.camera} not available")
        self.changed()

    def keypad(self, key: str) -> None:
        if key == "delete":
            self.code_entry = self.code_entry[:-1]
        elif key == "ok":
            self.code_scanned(self.code_entry)
            return
        elif len(self.code_entry) < 32:
            self.code_entry += key
        self.scan_result = None
        self.changed()

    def code_scanned(self, code: str) -> None:
        """A code from the camera, a USB scanner or the keypad: hand it to the server."""
        code = code.strip()
        if not code or self.scan_busy or self.screen != "scan":
            return
        self.scan_busy = True
        self.scan_result = None
        self.post_pending = None
        self._say(TEXT["checking"])
        path = SCAN_PATHS[self.scan_mode]
        self.runner.run("net", lambda: self.client.post(path, {"code": code}),
                        lambda answer: self._scan_answer(code, answer),
                        lambda error: self._scan_error(code, error))

    def _scan_answer(self, code: str, answer: Any) -> None:
        self.scan_busy = False
        self.notice = None
        self.code_entry = ""
        answer = answer if isinstance(answer, dict) else {}
        ticket = answer.get("ticket") if isinstance(answer.get("ticket"), dict) else None
        if ticket is None and "number" in answer and "zone" in answer:
            ticket = answer
        if ticket and ticket.get("number"):
            self.scan_result = ScanResult(code, True, *TEXT["scan_ok"], status=200)
            self.show_ticket(ticket)
            return
        zh = answer.get("message_zh") or answer.get("message") or TEXT["scan_ok"][0]
        en = answer.get("message_en") or answer.get("message") or TEXT["scan_ok"][1]
        self.scan_result = ScanResult(code, True, str(zh), str(en), status=200)
        if answer.get("method") == "post" and answer.get("confirm"):
            self.post_pending = code  # the screen asks: is this address right?
        self.changed()

    def confirm_post(self, accept: bool) -> None:
        """The citizen's answer to "your licence will be posted to …": yes, or no (ask the staff)."""
        code = self.post_pending
        if code is None or self.scan_busy:
            return
        self.post_pending = None
        self.scan_busy = True
        self.changed()
        self.runner.run("net", lambda: self.client.post("/pickups/confirm", {"code": code, "accept": accept}),
                        lambda answer: self._scan_answer(code, answer),
                        lambda error: self._scan_error(code, error))

    def _scan_error(self, code: str, error: Exception) -> None:
        self.scan_busy = False
        self.notice = None
        if isinstance(error, ServerUnreachable) or not isinstance(error, ApiError):
            self._server_lost(error)
            self.scan_result = ScanResult(code, False, *TEXT["paused"], status=None)
        else:
            zh, en = split_bilingual(error.message)
            self.scan_result = ScanResult(code, False, zh, en, status=error.status)
        self.changed()

    # ---- staff exit ----------------------------------------------------------------------------
    def title_tapped(self) -> None:
        now = self.clock()
        self._title_taps = [t for t in self._title_taps if now - t < EXIT_TAP_WINDOW_S] + [now]
        if len(self._title_taps) >= EXIT_TAPS:
            self._title_taps = []
            self.request_exit()

    def request_exit(self) -> None:
        """Esc, the window's close button or five taps on the hall name: ask for the staff PIN."""
        self.pin_entry = ""
        self.pin_wrong = False
        self._go("pin")

    def pin_key(self, key: str) -> None:
        if key == "delete":
            self.pin_entry = self.pin_entry[:-1]
        elif key == "ok":
            if self.pin_lock.try_pin(self.pin_entry):  # wrong tries lock the keypad a while
                self.pin_entry = ""
                self.on_exit()
                return
            self.pin_entry = ""
            self.pin_wrong = True
        elif key.isdigit() and len(self.pin_entry) < 12:
            self.pin_entry += key
            self.pin_wrong = False
        self.changed()
