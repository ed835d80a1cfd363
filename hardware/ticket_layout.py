"""What a ticket and a "print this list" slip say, as a list of blocks.

The layout is pure data, separate from the transport: `ticket_escpos.py` turns the blocks into
ESC/POS bytes and `ticket_image.py` draws the same blocks as a picture (PNG preview and the
raster fallback), so the screen and the paper never disagree.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from queue_server.core.waits import ticket_line, wait_phrase

Align = Literal["left", "center"]

# Printable width in dots at 203 dpi and characters per line of font A (12 x 24 dots).
PAPER_DOTS = {58: 384, 80: 576}


@dataclass(frozen=True)
class TicketLayout:
    """Everything printed on a queue ticket (Chinese first, English second)."""

    hall_zh: str
    hall_en: str
    zone_zh: str
    zone_en: str
    number: str
    matter_zh: str
    matter_en: str
    ahead: int
    estimated_wait_s: int | None
    issued_at: datetime
    status_url: str
    notice_zh: str = "请留意叫号屏幕和语音提示，过号请重新取号。"
    notice_en: str = "Watch the screens and listen for your number."
    priority_zh: str = ""
    priority_en: str = ""
    open_windows: int = 1  # windows open for the zone, and how many of them idle: they change the wait's words
    idle_windows: int = 0


@dataclass(frozen=True)
class Block:
    """One printed element. `size` multiplies the character size (1 = normal)."""

    kind: Literal["text", "qr", "rule", "feed"]
    text: str = ""
    size: int = 1
    bold: bool = False
    align: Align = "center"


def text_width(text: str) -> int:
    """Columns the text takes on a printer: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap_columns(text: str, columns: int) -> list[str]:
    """Break text into lines of at most `columns` printer columns (at spaces where possible)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in _words(paragraph):
            candidate = line + word
            if text_width(candidate) <= columns:
                line = candidate
                continue
            if line.strip():
                lines.append(line.rstrip())
            line = word.lstrip()
            while text_width(line) > columns:  # a single word longer than a line
                cut = _fit(line, columns)
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line.rstrip())
    return lines


def _words(text: str) -> list[str]:
    # CJK characters may break anywhere; Latin words stay whole with their trailing space.
    words: list[str] = []
    current = ""
    for ch in text:
        if unicodedata.east_asian_width(ch) in "WF":
            if current:
                words.append(current)
                current = ""
            words.append(ch)
        else:
            current += ch
            if ch == " ":
                words.append(current)
                current = ""
    if current:
        words.append(current)
    return words


def _fit(text: str, columns: int) -> int:
    width = 0
    for i, ch in enumerate(text):
        width += text_width(ch)
        if width > columns:
            return max(i, 1)
    return len(text)


def wait_texts(ticket: TicketLayout) -> tuple[str, str]:
    """"前面还有 3 人，预计等候约 12 分钟" and its English line, worded as on every screen (core/waits.py)."""
    phrase = wait_phrase(ticket.ahead, ticket.estimated_wait_s, idle=ticket.idle_windows > 0,
                         open_=ticket.open_windows > 0)
    return ticket_line(ticket.ahead, phrase)


def ticket_blocks(ticket: TicketLayout) -> list[Block]:
    """The ticket, top to bottom: hall, zone, the big number, matter, wait, QR, time, notice."""
    wait_zh, wait_en = wait_texts(ticket)
    blocks = [
        Block("text", ticket.hall_zh, size=2, bold=True),
        Block("text", ticket.hall_en),
        Block("rule"),
        Block("text", ticket.zone_zh, size=2),
        Block("text", ticket.zone_en),
        Block("text", ticket.number, size=6, bold=True),
        Block("text", ticket.matter_zh, bold=True),
        Block("text", ticket.matter_en),
        Block("text", wait_zh),
        Block("text", wait_en),
    ]
    if ticket.priority_zh or ticket.priority_en:
        blocks += [Block("text", t, bold=True) for t in (ticket.priority_zh, ticket.priority_en)
                   if t]
    if ticket.status_url:  # the citizen's phone page; a ticket without one prints no QR
        blocks += [Block("qr", ticket.status_url), Block("text", "扫码查看排队进度 Scan to follow your place")]
    blocks += [
        Block("text", f"取号时间 Issued {ticket.issued_at:%Y-%m-%d %H:%M}"),
        Block("rule"),
        Block("text", ticket.notice_zh, align="left"),
        Block("text", ticket.notice_en, align="left"),
        Block("feed"),
    ]
    return blocks


def list_blocks(title: str, lines: list[str]) -> list[Block]:
    """A "print this list" slip: a title and one item per line (e.g. materials zh/en)."""
    blocks = [Block("text", title, size=2, bold=True), Block("rule")]
    blocks += [Block("text", line, align="left") for line in lines]
    blocks.append(Block("feed"))
    return blocks


def sample_ticket(now: datetime | None = None) -> TicketLayout:
    """A realistic ticket for field tests (`hall printer test`) and previews."""
    return TicketLayout(
        hall_zh="历下区政务服务大厅",
        hall_en="Lixia District Government Service Hall",
        zone_zh="商事登记",
        zone_en="Commercial registration",
        number="A001",
        matter_zh="企业设立登记（有限责任公司）",
        matter_en="Company registration (limited liability)",
        ahead=3,
        estimated_wait_s=720,
        issued_at=now or datetime(2026, 1, 5, 9, 12),
        status_url="http://192.168.1.10:8000/t/1?k=sample",
        priority_zh="绿色通道：老年人优先",
        priority_en="Green channel: senior citizen",
    )
