"""The ticket: take a number, show it, print it (the printer starts before the screen catches up), and when
printing fails draw it on screen so the citizen can photograph it. Also prints the guide's slip."""

from __future__ import annotations

import logging
from typing import Any

from hall_client.client import ApiError, ServerUnreachable
from hardware.printer_errors import PrinterError
from kiosk.presenter.choice import TicketRequest
from kiosk.presenter.connection import Connection
from kiosk.presenter.opening_status import Closed, closed_state, closed_text
from kiosk.presenter.shared import LONG_NOTICE_S, Shared
from kiosk.presenter.staff_alerts import StaffAlerts
from kiosk.texts import TEXT, Text
from kiosk.ticket_info import ticket_layout

log = logging.getLogger(__name__)
OUTCOMES_KEPT = 20  # print outcomes of tickets whose screen has not come up yet


class TicketFlow:
    def __init__(self, shared: Shared, connection: Connection, alerts: StaffAlerts) -> None:
        self.shared = shared
        self.connection = connection
        self.alerts = alerts
        self.busy = False  # a number is being taken: ignore further taps
        self.ticket: dict | None = None
        self.layout: Any = None
        self.print_state = "idle"  # idle | printing | printed | failed | none
        self.print_error: Text | None = None
        self.ticket_png: str | None = None
        self._print_outcomes: dict[int, Exception | None] = {}  # printed before the screen showed it
        # The server refused: the zone is outside its hours. (headline, reason, next hours), each (zh, en); the
        # screens show it instead of the number (see closed_text).
        self.closed: Closed | None = None

    def take(self, request: TicketRequest) -> None:
        if self.busy:
            return
        self.busy = True
        shared = self.shared
        shared.say(TEXT["taking"])
        hall, printer = self.connection.hall or {}, shared.printer
        hall_name = self.connection.printed_hall_name

        def job() -> tuple[dict, Any]:
            # Runs on the network worker: the printer starts as soon as the number exists, without
            # waiting for the screen to catch up (the screen shows the ticket meanwhile).
            ticket = shared.client.take_number(request.zone, matter=request.matter, bundle=request.bundle,
                                               priority=request.priority)
            layout = self._layout(hall, ticket, hall_name)
            if printer is not None and layout is not None:
                self._send_to_printer(ticket, layout)
            return ticket, layout

        shared.runner.run("net", job, lambda result: self.show(*result, printing=True), self._take_failed)

    def _take_failed(self, error: Exception) -> None:
        self.busy = False
        if isinstance(error, ServerUnreachable) or not isinstance(error, ApiError):
            self.connection.lost(error)
            self.shared.say(TEXT["paused"])
        elif error.code == "closed":
            self.closed = closed_state(error.body)
            self.shared.say(closed_text(self.closed), LONG_NOTICE_S)
        else:
            self.shared.say((f"无法取号：{error.message}", f"Could not take a number: {error.message}"))

    def clear_closed(self) -> None:
        self.closed = None

    def _layout(self, hall: dict, ticket: dict, hall_name: Text | None) -> Any:
        try:
            return ticket_layout(hall, ticket, self.shared.config.server_url, hall_name)
        except (KeyError, TypeError, ValueError) as error:
            log.warning("cannot lay out ticket %r: %s", ticket, error)
            return None

    def _send_to_printer(self, ticket: dict, layout: Any) -> None:
        """Queue the ticket on the printer lane (callable from a worker thread)."""
        printer = self.shared.printer
        self.shared.runner.run("printer", lambda: printer.print_ticket(layout),
                               lambda _: self._print_outcome(ticket["id"], None),
                               lambda error: self._print_outcome(ticket["id"], error))

    def show(self, ticket: dict, layout: Any = None, printing: bool = False) -> None:
        """A ticket arrived (taken here, or given by a check-in or pickup): show it, print it if not yet."""
        shared = self.shared
        self.busy = False
        self.closed = None
        shared.notice = None
        self.ticket = ticket
        self.ticket_png = None
        self.print_error = None
        self.layout = layout or self._layout(self.connection.hall or {}, ticket, self.connection.printed_hall_name)
        shared.screen = "ticket"
        if shared.printer is None or self.layout is None:
            self.print_state = "none"
            self._render_fallback()
            return
        self.print_state = "printing"
        if not printing:
            self._send_to_printer(ticket, self.layout)
        elif ticket.get("id") in self._print_outcomes:  # the printer finished before the screen caught up
            self._print_outcome(ticket["id"], self._print_outcomes.pop(ticket["id"]))
        shared.changed()

    def _print_outcome(self, ticket_id: int, error: Exception | None) -> None:
        if not self.ticket or self.ticket.get("id") != ticket_id:
            self._print_outcomes[ticket_id] = error  # the ticket screen is not there yet
            if len(self._print_outcomes) > OUTCOMES_KEPT:
                self._print_outcomes.pop(next(iter(self._print_outcomes)))
            return
        if error is None:
            self.print_state = "printed"
            self.alerts.printer_fine(None)
            return
        self.alerts.printer_failed(error)
        self.print_state = "failed"
        self.print_error = _printer_words(error)
        self._render_fallback()
        self.shared.changed()

    def _render_fallback(self) -> None:
        """Draw the ticket as it would print, so the citizen can photograph number and QR."""
        printer = self.shared.printer
        if printer is None or self.layout is None:
            self.shared.changed()
            return
        ticket = self.ticket
        layout = self.layout

        def done(path: str) -> None:
            if self.ticket is ticket:
                self.ticket_png = path
                self.shared.changed()

        self.shared.runner.run("render", lambda: printer.render_png(layout), done,
                               lambda e: log.warning("cannot draw the ticket: %s", e))

    def print_slip(self, title: str, lines: list[str]) -> None:
        """Print a slip to take home (the guide's materials list)."""
        printer = self.shared.printer
        if printer is None:
            self.shared.say(TEXT["no_printer"])
            return
        self.shared.say(TEXT["list_printing"])
        self.shared.runner.run("printer", lambda: printer.print_lines(title, lines),
                               lambda _: self.alerts.printer_fine(TEXT["list_printed"]), self._slip_failed)

    def _slip_failed(self, error: Exception) -> None:
        self.alerts.printer_failed(error)
        self.shared.say(_printer_words(error))


def _printer_words(error: Exception) -> Text:
    return (error.zh, error.en) if isinstance(error, PrinterError) else TEXT["error_generic"]
