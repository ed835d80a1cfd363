"""A case slip on the window's receipt printer (the hardware layer's ESC/POS path). The adapter at the edge:
the window's printer spec comes from the hall file ([[windows]] printer)."""

from __future__ import annotations

from hardware.printer_errors import PrinterError
from hardware.ticket_escpos import blocks_to_escpos
from hardware.ticket_layout import Block
from hardware.ticket_printer import open_printer
from queue_server.cases.slips import Slip


def slip_blocks(slip: Slip) -> list[Block]:
    blocks = [Block("text", slip.title_zh, size=2, bold=True), Block("text", slip.title_en),
              Block("text", slip.hall_zh), Block("text", slip.hall_en), Block("rule")]
    blocks += [Block("text", line, align="left") for line in slip.lines]
    if slip.qr:
        blocks += [Block("qr", slip.qr), Block("text", slip.qr_caption)]
    if slip.signature:
        blocks += [Block("feed"), Block("text", "申请人签字 Signature: ______________", align="left"),
                   Block("text", "日期 Date: ______________", align="left")]
    blocks.append(Block("feed"))
    return blocks


def print_slips(spec: str, slips: list[Slip]) -> dict:
    """{"printed": n} or {"printed": n, "error": text}; a printer fault never undoes the case."""
    if not spec:
        return {"printed": 0, "error": "no_printer"}
    printer = open_printer(spec)
    done = 0
    for slip in slips:
        try:
            printer.print_bytes(blocks_to_escpos(slip_blocks(slip), printer.options))
        except PrinterError as e:
            return {"printed": done, "error": str(e)}
        done += 1
    return {"printed": done}
