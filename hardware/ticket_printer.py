"""The ticket printer the kiosk uses: `open_printer(spec).print_ticket(ticket)`.

Each job opens the connection, checks paper and cover where the connection can answer
(DLE EOT), sends the whole ticket in one write, asks for the status again (which also proves
the printer took it all: a printer that hangs up mid-ticket is caught here), and closes.
Every step has a timeout and the whole job a deadline, so the kiosk never hangs.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PIL import Image

from hardware.printer_connection import (
    PrinterLink,
    PrinterSpec,
    parse_printer_spec,
    run_with_deadline,
    transfer_seconds,
)
from hardware.printer_errors import CoverOpen, PaperOut, PrinterError, PrinterOffline
from hardware.printer_status import (
    QUERY_OFFLINE_CAUSE,
    QUERY_PAPER,
    QUERY_PRINTER,
    STATUS_TEXT,
    PrinterStatus,
    status_from_replies,
)
from hardware.ticket_escpos import EscposOptions, blocks_to_escpos
from hardware.ticket_image import render_blocks, render_ticket_png
from hardware.ticket_layout import PAPER_DOTS, TicketLayout, list_blocks, ticket_blocks

log = logging.getLogger(__name__)

__all__ = [
    "CoverOpen", "PaperOut", "PrinterError", "PrinterOffline", "PrinterStatus", "TicketLayout",
    "TicketPrinter", "open_printer", "render_ticket_png",
]


class TicketPrinter:
    """A configured printer. Cheap to create: nothing connects until a job or status()."""

    def __init__(self, spec: str | PrinterSpec, *, paper_mm: int = 80, chinese_mode: bool = True,
                 raster: bool = False, native_qr: bool = True, timeout_s: float = 3.0,
                 status_timeout_s: float = 0.8) -> None:
        self.spec = spec if isinstance(spec, PrinterSpec) else parse_printer_spec(spec)
        try:
            self.options = EscposOptions(paper_mm=paper_mm, chinese_mode=chinese_mode,
                                         raster=raster, native_qr=native_qr)
        except ValueError as error:
            raise PrinterError("打印纸宽度只能是 58 或 80 毫米", str(error)) from None
        self.timeout_s = timeout_s
        self.status_timeout_s = status_timeout_s
        self._silent = False  # the printer never answered a status query: stop asking
        self._answered = False  # it has answered one: from now on silence is a fault

    # The kiosk's three calls -------------------------------------------------------------

    def print_ticket(self, ticket: TicketLayout) -> PrinterStatus:
        """Print one ticket; returns the status after printing (e.g. PAPER_LOW to warn staff)."""
        return self.print_bytes(blocks_to_escpos(ticket_blocks(ticket), self.options))

    def print_lines(self, title: str, lines: list[str]) -> PrinterStatus:
        """Print a "take this list with you" slip: a title and one item per line."""
        return self.print_bytes(blocks_to_escpos(list_blocks(title, lines), self.options))

    def status(self) -> PrinterStatus:
        """Ask the printer how it is; OFFLINE if it cannot be reached. Never raises."""
        def job() -> PrinterStatus:
            link = PrinterLink(self.spec, self.timeout_s)
            try:
                link.open()
                status = self._query(link) if link.can_read else PrinterStatus.UNKNOWN
                if status is not PrinterStatus.UNKNOWN:
                    self._silent, self._answered = False, True
                return status
            finally:
                link.close()

        try:
            return run_with_deadline(job, self._deadline(0), self.spec)
        except PrinterError as error:
            log.info("printer %s: %s", self.spec, error)
            return PrinterStatus.OFFLINE

    def render_ticket_png(self, ticket: TicketLayout, path: str | Path | None = None
                          ) -> Image.Image:
        """The ticket as this printer's paper would show it (PNG saved when `path` is given)."""
        image = render_blocks(ticket_blocks(ticket), PAPER_DOTS[self.options.paper_mm])
        if path is not None:
            image.save(path, format="PNG")
        return image

    # Internals -----------------------------------------------------------------------------

    def print_bytes(self, data: bytes) -> PrinterStatus:
        """Send a ready ESC/POS job with the status checks around it."""
        return run_with_deadline(lambda: self._job(data), self._deadline(len(data)), self.spec)

    def _deadline(self, size: int) -> float:
        transfer = transfer_seconds(self.spec, size)
        return 2 * self.timeout_s + 4 * self.status_timeout_s + transfer

    def _job(self, data: bytes) -> PrinterStatus:
        link = PrinterLink(self.spec, self.timeout_s)
        link.open()
        try:
            ask = link.can_read and not self._silent
            before = self._query(link) if ask else PrinterStatus.UNKNOWN
            if ask and before is PrinterStatus.UNKNOWN and self._answered:
                # It used to answer: silence now means it hangs (jam, firmware stuck).
                raise PrinterOffline("打印机无响应，请通知工作人员",
                                     f"the printer at {self.spec} stopped answering status "
                                     "queries; check it and switch it off and on")
            self._answered = self._answered or before is not PrinterStatus.UNKNOWN
            # A model without real-time status would cost a status timeout on every ticket.
            self._silent = ask and before is PrinterStatus.UNKNOWN or self._silent
            _raise_for(before, printed=False)
            link.write(data)
            if not link.can_read or before is PrinterStatus.UNKNOWN:
                return PrinterStatus.UNKNOWN
            after = self._query(link)
            if after is PrinterStatus.UNKNOWN:
                # It answered before the ticket and not after: it is gone or jammed.
                raise PrinterOffline("打印机停止响应，票据可能不完整，请重新打印",
                                     f"the printer at {self.spec} stopped answering while "
                                     "printing; the ticket may be incomplete")
            _raise_for(after, printed=True)
            return after
        finally:
            link.close()

    def _query(self, link: PrinterLink) -> PrinterStatus:
        link.drain()
        replies: list[int | None] = []
        for query in (QUERY_PRINTER, QUERY_OFFLINE_CAUSE, QUERY_PAPER):
            link.write(query)
            reply = link.read_byte(self.status_timeout_s)
            if reply is None:
                break  # a printer without real-time status: do not wait three times
            replies.append(reply)
        replies += [None] * (3 - len(replies))
        return status_from_replies(*replies)


def _raise_for(status: PrinterStatus, printed: bool) -> None:
    zh, en = STATUS_TEXT[status]
    if printed:
        zh, en = zh + "，票据可能不完整", en + "; the ticket may be incomplete"
    if status is PrinterStatus.PAPER_OUT:
        raise PaperOut(zh, en)
    if status is PrinterStatus.COVER_OPEN:
        raise CoverOpen(zh, en)
    if status is PrinterStatus.OFFLINE:
        raise PrinterOffline(zh, en)


def open_printer(spec: str, **options: object) -> TicketPrinter:
    """A printer from its config string (see printer_connection); bad specs raise PrinterError.

    Options: paper_mm (58/80), chinese_mode, raster, native_qr, timeout_s, status_timeout_s.
    """
    return TicketPrinter(spec, **options)  # type: ignore[arg-type]
