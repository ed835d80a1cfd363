"""The kiosk's printer adapter: the hardware ticket printer plus the on-screen PNG fallback."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hardware.ticket_image import render_ticket_png
from hardware.ticket_layout import TicketLayout
from hardware.ticket_printer import PrinterStatus, open_printer


class KioskPrinter:
    def __init__(self, spec: str, paper_mm: int = 80, png_dir: str | Path | None = None) -> None:
        self.printer = open_printer(spec, paper_mm=paper_mm)
        self.paper_mm = paper_mm
        self.png_dir = Path(png_dir or tempfile.mkdtemp(prefix="kiosk-tickets-"))
        self.png_dir.mkdir(parents=True, exist_ok=True)

    def print_ticket(self, layout: TicketLayout) -> PrinterStatus:
        return self.printer.print_ticket(layout)

    def print_lines(self, title: str, lines: list[str]) -> PrinterStatus:
        return self.printer.print_lines(title, lines)

    def render_png(self, layout: TicketLayout) -> str:
        """The ticket as it would print, saved as a PNG for the screen; returns its path."""
        path = self.png_dir / f"ticket-{layout.number}-{layout.issued_at:%H%M%S}.png"
        render_ticket_png(layout, path, paper_mm=self.paper_mm)
        return str(path)


def printer_from_spec(spec: str, paper_mm: int = 80) -> KioskPrinter | None:
    """None for "none" (a kiosk without a printer shows the ticket on screen)."""
    if spec.strip().lower() in ("", "none"):
        return None
    return KioskPrinter(spec, paper_mm)
