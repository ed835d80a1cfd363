"""KioskPresenter: the one object the Kivy app and its screens talk to, composed of one part per concern.

No Kivy here. The app hands touches in (`open_zone`, `take_number`, ...) and redraws the current
screen whenever `changed` is called. Slow work (network, printing, rendering) goes through a
`Runner` that runs it off the UI thread and calls back on it; tests use one that runs at once.
Every failure becomes words on the screen, never an exception in the UI.

The parts: `shared` (edges, clock, screen, notice), `connection` (hall, board, server up or not),
`navigation` (language, large text, idle), `choice` (zone, matter, bundle, green channel), `tickets`
(take, show, print), `opening` (the hours: which zones issue numbers now), `scan` (QR pickup and check-in,
the camera), `alerts` (to the staff) and `staff_exit` (the PIN), `sms` (a number for SMS reminders). This
class only forwards to them and does what spans several.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from kiosk.device_config import KioskConfig
from kiosk.presenter.choice import Choice
from kiosk.presenter.connection import Connection
from kiosk.presenter.guide import slip
from kiosk.presenter.navigation import Navigation
from kiosk.presenter.opening import OpeningWatch
from kiosk.presenter.opening_status import ZoneOpening, closed_text
from kiosk.presenter.ports import CameraPort, ClientPort, PrinterPort, Runner
from kiosk.presenter.scan_flow import ScanFlow
from kiosk.presenter.shared import LONG_NOTICE_S, Shared
from kiosk.presenter.sms import SmsSignup
from kiosk.presenter.staff_alerts import StaffAlerts
from kiosk.presenter.staff_exit import StaffExit
from kiosk.presenter.tickets import TicketFlow
from kiosk.texts import Text

SCREENS = ("home", "matters", "guide", "ticket", "bundles", "priority", "scan", "board", "pin", "sms")


class In:
    """A presenter attribute or method that lives in one of its parts: `zone = In("choice")` reads and
    writes `presenter.choice.zone`; `open_scan = In("scan", "open")` calls `presenter.scan.open`."""

    def __init__(self, part: str, name: str = "") -> None:
        self.part, self.name = part, name

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = self.name or name

    def __get__(self, presenter: Any, owner: type | None = None) -> Any:
        return self if presenter is None else getattr(getattr(presenter, self.part), self.name)

    def __set__(self, presenter: Any, value: Any) -> None:
        setattr(getattr(presenter, self.part), self.name, value)


class KioskPresenter:
    def __init__(self, config: KioskConfig, client: ClientPort, printer: PrinterPort | None,
                 runner: Runner, clock: Callable[[], float] = time.monotonic,
                 camera: CameraPort | None = None) -> None:
        self.shared = Shared(config, client, printer, runner, clock)
        self.connection = Connection(self.shared)
        self.opening = OpeningWatch(self.shared, self.connection)
        self.connection.on_up = self.opening.load
        self.navigation = Navigation(self.shared, self.go_home)
        self.choice = Choice(self.shared, self.connection)
        self.alerts = StaffAlerts(self.shared, self.connection)
        self.tickets = TicketFlow(self.shared, self.connection, self.alerts)
        self.scan = ScanFlow(self.shared, self.connection, self.alerts, self.tickets.show, camera)
        self.staff_exit = StaffExit(self.shared)
        self.sms = SmsSignup(self.shared)

    # ---- the edges, the screen shown, the notice ------------------------------------------------
    config, client, printer, runner, clock = In("shared"), In("shared"), In("shared"), In("shared"), In("shared")
    changed = In("shared")  # the app sets its redraw trigger here
    screen, notice = In("shared"), In("shared")

    # ---- the server: hall, board, up or not ------------------------------------------------------
    hall, board, server_up, ready, hall_name = (In("connection"), In("connection"), In("connection"),
                                                In("connection"), In("connection"))
    load_hall, refresh_board, set_board = In("connection"), In("connection"), In("connection")
    server_status, zones_shown, zone_status = In("connection"), In("connection"), In("connection")
    apply_event = In("connection")

    # ---- language, large text, touches -----------------------------------------------------------
    lang, large, last_touch = In("navigation"), In("navigation"), In("navigation")
    touched, set_language = In("navigation"), In("navigation")
    toggle_language, toggle_large = In("navigation"), In("navigation")

    # ---- the citizen's choice: zone → matter → guide, bundles, green channel ---------------------
    zone, matter, bundle, priority, query = In("choice"), In("choice"), In("choice"), In("choice"), In("choice")
    matters, open_matter, guide = In("choice"), In("choice"), In("choice")
    type_letter, delete_letter, clear_query = In("choice"), In("choice"), In("choice")
    open_bundles, bundles, open_bundle = In("choice"), In("choice"), In("choice")
    priority_classes, choose_priority = In("choice"), In("choice")
    searching, keyboard, asking_matter = In("choice"), In("choice"), In("choice")
    open_search, toggle_keyboard, zone_of, examples = In("choice"), In("choice"), In("choice"), In("choice")
    priority_matters = In("choice")

    # ---- opening hours: a zone closed shows so on its tile, and a tap on it says why -----------------
    def zone_opening(self, code: str) -> ZoneOpening:
        return self.opening.zone(code)

    def all_closed(self) -> Text | None:
        return self.opening.all_closed()

    def open_zone(self, code: str) -> None:
        if not self._say_if_closed(code):
            self.choice.open_zone(code)

    def open_priority(self) -> None:
        """The green channel takes a number too: with every zone closed, home's line is said instead."""
        line = self.opening.all_closed()
        if line is not None and self.connection.ready:
            self.shared.say(line)
        else:
            self.choice.open_priority()

    def choose_priority_zone(self, code: str) -> None:
        if not self._say_if_closed(code):
            self.choice.choose_priority_zone(code)

    def _say_if_closed(self, code: str) -> bool:
        """A closed zone's tile tapped: the reason and the next hours (the words of the server's 409), and
        the citizen stays where they are. The server still decides when a number is taken (the status may be
        a minute old)."""
        closed = self.opening.zone(code).closed
        if closed is None or not self.connection.ready:
            return False
        self.shared.say(closed_text(closed), LONG_NOTICE_S)
        return True

    # ---- the ticket and its printing -------------------------------------------------------------
    busy, ticket, layout = In("tickets"), In("tickets"), In("tickets")
    print_state, print_error, ticket_png = In("tickets"), In("tickets"), In("tickets")
    show_ticket = In("tickets", "show")

    # ---- QR: pickup and check-in, the camera -----------------------------------------------------
    scan_mode, camera_state, code_entry = In("scan"), In("scan"), In("scan")
    post_pending, scan_busy, scan_result = In("scan"), In("scan"), In("scan")
    open_scan = In("scan", "open")
    camera_on, camera_off, camera_frame, camera_status = In("scan"), In("scan"), In("scan"), In("scan")
    keypad, code_scanned, confirm_post = In("scan"), In("scan"), In("scan")

    # ---- staff: help and the exit PIN -------------------------------------------------------------
    ask_help = In("alerts")
    pin_entry, pin_wrong, on_exit, pin_lock = In("staff_exit"), In("staff_exit"), In("staff_exit"), In("staff_exit")
    title_tapped, request_exit, pin_key = In("staff_exit"), In("staff_exit"), In("staff_exit")

    # ---- SMS reminders for the ticket just taken ---------------------------------------------------
    sms_entry, sms_error, sms_busy, open_sms = In("sms"), In("sms"), In("sms"), In("sms")

    @property
    def sms_offered(self) -> bool:
        return SmsSignup.offered(self.connection.hall, self.tickets.ticket, self.sms.sms_done)

    def sms_key(self, key: str) -> None:
        self.sms.sms_key(key, self.tickets.ticket)

    # ---- what spans several parts -----------------------------------------------------------------
    def start(self) -> None:
        self.connection.load_hall()

    def tick(self) -> None:
        """Called about once a second: notices, idle timeouts, retries, board refresh."""
        now = self.shared.clock()
        self.shared.fade_notice(now)
        self.navigation.idle(now)
        self.connection.poll(now)
        self.opening.poll(now)
        self.staff_exit.tick()

    def go_home(self) -> None:
        """Home, with every flow's state cleared (the next citizen starts afresh)."""
        self.choice.clear()
        self.tickets.busy = False
        self.scan.clear()
        self.staff_exit.clear()
        self.sms.clear()
        self.shared.notice = None
        self.shared.go("home")

    def back(self) -> None:
        if self.shared.screen == "sms" and self.tickets.ticket:
            self.sms.clear()
            self.shared.go("ticket")  # back to the ticket, not home: the citizen may still read it
        elif not self.choice.back():
            self.go_home()

    def take_number(self) -> None:
        request = self.choice.request()
        if self.connection.ready and request is not None:
            self.tickets.take(request)

    def take_zone_number(self) -> None:
        """"Not sure? Take a number": a ticket for the zone with no matter."""
        self.choice.any_matter()
        self.take_number()

    def choose_priority_matter(self, code: str | None) -> None:
        """Green channel's last step: the matter, or None for "not sure"; then the number is taken."""
        if self.choice.choose_priority_matter(code):
            self.take_number()

    def print_list(self) -> None:
        """Print the guide's materials as a slip to take home."""
        self.tickets.print_slip(*slip(self.choice.guide()))
