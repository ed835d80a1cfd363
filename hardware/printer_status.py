"""Printer status from the ESC/POS real-time status replies (DLE EOT n).

Each reply is one byte with bits 1 and 4 set and bits 0 and 7 clear (0x12 when all is well):
- DLE EOT 1 (printer):      bit 3 = offline
- DLE EOT 2 (offline cause): bit 2 = cover open, bit 5 = stopped for paper end
- DLE EOT 4 (paper sensor):  bits 2+3 = paper near end, bits 5+6 = paper end
"""

from __future__ import annotations

from enum import StrEnum

DLE_EOT = b"\x10\x04"
QUERY_PRINTER = DLE_EOT + b"\x01"
QUERY_OFFLINE_CAUSE = DLE_EOT + b"\x02"
QUERY_PAPER = DLE_EOT + b"\x04"


class PrinterStatus(StrEnum):
    OK = "ok"
    PAPER_LOW = "paper_low"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    UNKNOWN = "unknown"


STATUS_TEXT = {
    PrinterStatus.OK: ("打印机正常", "Printer ready"),
    PrinterStatus.PAPER_LOW: ("打印纸即将用完，请通知工作人员", "Paper is running low"),
    PrinterStatus.PAPER_OUT: ("打印机缺纸，请通知工作人员换纸", "The printer is out of paper"),
    PrinterStatus.COVER_OPEN: ("打印机盖未关好", "The printer cover is open"),
    PrinterStatus.OFFLINE: ("打印机未连接或无响应", "The printer is offline or not responding"),
    PrinterStatus.UNKNOWN: ("打印机状态未知", "Printer status unknown"),
}


def is_status_byte(value: int) -> bool:
    return value & 0b1001_0011 == 0b0001_0010


def status_from_replies(printer: int | None, cause: int | None, paper: int | None
                        ) -> PrinterStatus:
    """Combine the three replies (None = no or invalid answer) into one status, worst first."""
    replies = [r for r in (printer, cause, paper) if r is not None]
    if not replies or not all(is_status_byte(r) for r in replies):
        return PrinterStatus.UNKNOWN
    if paper is not None and paper & 0x60:
        return PrinterStatus.PAPER_OUT
    if cause is not None and cause & 0x20:
        return PrinterStatus.PAPER_OUT
    if cause is not None and cause & 0x04:
        return PrinterStatus.COVER_OPEN
    if printer is not None and printer & 0x08:
        return PrinterStatus.OFFLINE
    if paper is not None and paper & 0x0C:
        return PrinterStatus.PAPER_LOW
    return PrinterStatus.OK
