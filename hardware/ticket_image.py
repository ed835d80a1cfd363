"""Draw ticket blocks as a 1-bit-friendly picture at the printer's dot width.

Used for the PNG preview (kiosk on-screen fallback, tests) and as the raster fallback for
printers without a Chinese font: what is printed is then exactly this picture.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import segno
from PIL import Image, ImageDraw, ImageFont

from hardware.cjk_fonts import pil_font
from hardware.ticket_layout import PAPER_DOTS, Block, TicketLayout, list_blocks, ticket_blocks

BASE_PX = 24  # matches the printer's 24-dot font, so both wrap alike
MARGIN = 8


@lru_cache(maxsize=32)
def cjk_font(px: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return pil_font(px, bold)  # the SC face, as on the kiosk and the wall display (hardware/cjk_fonts.py)


def qr_image(payload: str, module_px: int) -> Image.Image:
    """The QR code (error correction M, 4-module quiet zone) as a greyscale picture."""
    modules = np.pad(np.array(segno.make_qr(payload, error="m").matrix, dtype=np.uint8), 4)
    pixels = np.where(np.kron(modules, np.ones((module_px, module_px), np.uint8)), 0, 255)
    return Image.fromarray(pixels.astype(np.uint8), mode="L")


def _wrap_px(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for ch in paragraph:
            if font.getlength(line + ch) <= width:
                line += ch
                continue
            # Prefer breaking Latin text at the last space.
            space = line.rfind(" ")
            if ch != " " and space > 0 and line[space + 1:].isascii():
                lines.append(line[:space])
                line = line[space + 1:] + ch
            else:
                lines.append(line.rstrip())
                line = ch.lstrip()
        lines.append(line)
    return lines


def render_blocks(blocks: list[Block], width_px: int) -> Image.Image:
    """Draw blocks top to bottom on a white strip `width_px` wide (greyscale)."""
    inner = width_px - 2 * MARGIN
    parts: list[tuple[Image.Image | None, str, int]] = []  # (picture, align, gap below)
    for block in blocks:
        if block.kind == "text":
            size = block.size
            # Big text (the ticket number) shrinks to stay on one line: never split "A1001".
            while size > 2 and cjk_font(BASE_PX * size, block.bold).getlength(block.text) > inner:
                size -= 1
            block = replace(block, size=size)
            font = cjk_font(BASE_PX * size, block.bold)
            for line in _wrap_px(block.text, font, inner):
                px = BASE_PX * block.size
                # CJK glyphs sit about 0.9 em above the baseline, Latin descenders 0.25 below.
                img = Image.new("L", (max(1, int(font.getlength(line))), int(px * 1.32)), 255)
                ImageDraw.Draw(img).text((0, int(px * 1.04)), line, font=font, fill=0,
                                         anchor="ls")
                parts.append((img, block.align, 2))
        elif block.kind == "qr":
            module_px = 6 if width_px >= PAPER_DOTS[80] else 5
            parts.append((qr_image(block.text, module_px), "center", 4))
        elif block.kind == "rule":
            img = Image.new("L", (inner, 10), 255)
            ImageDraw.Draw(img).line([(0, 5), (inner, 5)], fill=0, width=2)
            parts.append((img, "center", 4))
        elif block.kind == "feed":
            parts.append((None, "center", BASE_PX * 2))
    height = MARGIN + sum((p.height if p else 0) + gap for p, _, gap in parts) + MARGIN
    canvas = Image.new("L", (width_px, height), 255)
    y = MARGIN
    for picture, align, gap in parts:
        if picture is not None:
            picture = picture.crop((0, 0, min(picture.width, inner), picture.height))
            x = MARGIN + ((inner - picture.width) // 2 if align == "center" else 0)
            canvas.paste(picture, (x, y))
            y += picture.height
        y += gap
    return canvas


def render_ticket_png(ticket: TicketLayout, path: str | Path | None = None,
                      paper_mm: int = 80) -> Image.Image:
    """The ticket as it prints; saved as PNG to `path` when one is given."""
    image = render_blocks(ticket_blocks(ticket), PAPER_DOTS[paper_mm])
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        image.save(path, format="PNG")
    return image


def render_list_png(title: str, lines: list[str], path: str | Path | None = None,
                    paper_mm: int = 80) -> Image.Image:
    """A "print this list" slip as it prints."""
    image = render_blocks(list_blocks(title, lines), PAPER_DOTS[paper_mm])
    if path is not None:
        image.save(path, format="PNG")
    return image
