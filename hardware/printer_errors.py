"""The one exception family a printer raises, with a message a kiosk can show as it is."""

from __future__ import annotations


class PrinterError(Exception):
    """Printing failed. `str(error)` is "中文说明 / English explanation"."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


class PrinterOffline(PrinterError):
    """The printer cannot be reached, refused, timed out or went away mid-ticket."""


class PaperOut(PrinterError):
    """The printer reports no paper."""


class CoverOpen(PrinterError):
    """The printer reports its cover open."""
