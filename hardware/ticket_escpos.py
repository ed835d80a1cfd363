"""Turn layout blocks into the ESC/POS byte stream a receipt printer prints.

python-escpos builds the commands (styles, native QR, raster images, cut), but its text path
turns CJK punctuation and full-width characters into "?", so text is encoded here as GB18030
and wrapped in the Chinese-mode commands FS & ... FS . when the model needs them. A line
with characters outside GB18030's two-byte range (which printer fonts lack: rare characters,
emoji) is printed as a picture instead; with `raster=True` the whole slip is a picture, for
printers with no Chinese font at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from escpos.constants import QR_ECLEVEL_M
from escpos.printer import Dummy

from hardware.ticket_image import qr_image, render_blocks
from hardware.ticket_layout import PAPER_DOTS, Block, text_width, wrap_columns

FS_KANJI_ON = b"\x1c&"
FS_KANJI_OFF = b"\x1c."
COLUMNS = {58: 32, 80: 48}  # font A (12 dots wide) characters per line


@dataclass(frozen=True)
class EscposOptions:
    """Per-model printing choices (from the device config)."""

    paper_mm: int = 80
    chinese_mode: bool = True  # send FS & / FS . around Chinese text
    raster: bool = False  # print everything as a picture (no Chinese font in the printer)
    native_qr: bool = True  # GS ( k on the printer; False sends the QR as a picture

    def __post_init__(self) -> None:
        if self.paper_mm not in PAPER_DOTS:
            raise ValueError(f"paper width must be 58 or 80 mm, not {self.paper_mm}")


def printable_in_font(text: str) -> bool:
    """True when every character is ASCII or a two-byte GB18030 character (in printer fonts)."""
    try:
        return all(len(ch.encode("gb18030")) <= 2 for ch in text)
    except UnicodeEncodeError:  # lone surrogates and the like
        return False


def _new_builder(paper_mm: int) -> Dummy:
    builder = Dummy()
    # Tell python-escpos the paper width so image() can check and centre without complaining.
    builder.profile.profile_data["media"]["width"]["pixels"] = PAPER_DOTS[paper_mm]
    return builder


def blocks_to_escpos(blocks: list[Block], options: EscposOptions | None = None) -> bytes:
    """The complete job: initialise, print every block, feed and cut."""
    options = options or EscposOptions()
    dots = PAPER_DOTS[options.paper_mm]
    p = _new_builder(options.paper_mm)
    p.hw("INIT")
    if options.raster:
        p.image(render_blocks(blocks, dots).convert("1"), impl="bitImageRaster")
        p.cut()
        return p.output
    for block in blocks:
        if block.kind == "text":
            _text_block(p, block, options)
        elif block.kind == "qr":
            _qr_block(p, block.text, options)
        elif block.kind == "rule":
            p.set(align="left", normal_textsize=True, bold=False)
            p._raw(b"-" * COLUMNS[options.paper_mm] + b"\n")
        elif block.kind == "feed":
            p._raw(b"\n")
    p.set_with_default()
    p.cut()
    return p.output


def _text_block(p: Dummy, block: Block, options: EscposOptions) -> None:
    columns = COLUMNS[options.paper_mm]
    size = block.size
    while size > 2 and text_width(block.text) * size > columns:
        size -= 1  # the big ticket number stays on one line
    if not printable_in_font(block.text):
        # No printer font has these glyphs: print this block as a picture of itself.
        picture = render_blocks([Block("text", block.text, size, block.bold, block.align)],
                                PAPER_DOTS[options.paper_mm])
        p.set(align="left")
        p.image(picture.convert("1"), impl="bitImageRaster")
        return
    if size == 1:
        p.set(align=block.align, bold=block.bold, normal_textsize=True)
    else:
        p.set(align=block.align, bold=block.bold, custom_size=True, width=size, height=size)
    for line in wrap_columns(block.text, columns // size):
        p._raw(encode_line(line, options.chinese_mode) + b"\n")


def encode_line(line: str, chinese_mode: bool) -> bytes:
    """GB18030 bytes for one line, wrapped in FS & / FS . when it has Chinese and the mode is on."""
    data = line.encode("gb18030")
    if chinese_mode and not line.isascii():
        return FS_KANJI_ON + data + FS_KANJI_OFF
    return data


def _qr_block(p: Dummy, payload: str, options: EscposOptions) -> None:
    p.set(align="center", normal_textsize=True, bold=False)
    module = 6 if options.paper_mm == 80 else 5
    if options.native_qr:
        p.qr(payload, native=True, size=module, ec=QR_ECLEVEL_M)
        p._raw(b"\n")
    else:
        p.image(qr_image(payload, module).convert("1"), impl="bitImageRaster", center=True)
