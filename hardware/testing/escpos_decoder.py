"""A small ESC/POS reader for tests and the printer double: bytes a printer received -> text with markers.

`decode(data)` gives the printed text (GB18030 decoded) with [QR:payload], [IMAGE:WxH],
[BARCODE:data] and [CUT] markers; `parse(data)` gives the tokens and how many bytes formed complete commands
(the printer double uses that to answer status queries as bytes arrive).
Unknown commands raise ValueError: a test should notice bytes nobody understands.
"""

from __future__ import annotations

from dataclasses import dataclass

ESC, GS, FS, DLE, LF = 0x1B, 0x1D, 0x1C, 0x10, 0x0A
# Commands with a fixed number of parameter bytes after the two command bytes.
ESC_FIXED = {"@": 0, "!": 1, "E": 1, "-": 1, "a": 1, "M": 1, "{": 1, "t": 1, "d": 1, "2": 0,
             "3": 1, "G": 1, "V": 1, "J": 1, "R": 1, "p": 3, "c": 2, " ": 1, "$": 2, "=": 1,
             "r": 1, "U": 1, "T": 1, "B": 2, "i": 0, "m": 0, "\\": 2, "e": 1}
GS_FIXED = {"!": 1, "B": 1, "b": 1, "H": 1, "f": 1, "h": 1, "w": 1, "L": 2, "W": 2, "a": 1,
            "P": 2, "I": 1, "r": 1, "$": 2, "\\": 2}
FS_FIXED = {"&": 0, ".": 0, "!": 1, "C": 1, "W": 1, "p": 2, "-": 1, "S": 2}


@dataclass(frozen=True)
class Token:
    kind: str  # text, qr, image, barcode, cut, status, newline, command
    value: object = None


class Incomplete(Exception):
    """The buffer ends inside a command."""


def parse(data: bytes, final: bool = True) -> tuple[list[Token], int]:
    """Tokens of `data` and the count of bytes consumed (all of it when `final`)."""
    tokens: list[Token] = []
    qr_store = b""
    i = 0
    n = len(data)
    text = bytearray()

    def flush() -> None:
        if text:
            tokens.append(Token("text", bytes(text).decode("gb18030", errors="replace")))
            text.clear()

    def need(count: int) -> None:
        if i + count > n:
            raise Incomplete

    last_complete = 0
    try:
        while i < n:
            b = data[i]
            if b == LF:
                flush()
                tokens.append(Token("newline"))
                i += 1
            elif b == DLE:
                need(3)
                if data[i + 1] != 0x04:
                    raise ValueError(f"unknown DLE command at byte {i}: {data[i:i + 3]!r}")
                flush()
                tokens.append(Token("status", data[i + 2]))
                i += 3
            elif b == ESC:
                need(2)
                cmd = chr(data[i + 1])
                if cmd == "*":
                    need(5)
                    m, count = data[i + 2], data[i + 3] + 256 * data[i + 4]
                    size = 5 + count * (3 if m >= 32 else 1)
                    need(size)
                    flush()
                    tokens.append(Token("image", (count, 24 if m >= 32 else 8)))
                    i += size
                elif cmd in ESC_FIXED:
                    need(2 + ESC_FIXED[cmd])
                    tokens.append(Token("command", data[i:i + 2 + ESC_FIXED[cmd]]))
                    i += 2 + ESC_FIXED[cmd]
                else:
                    raise ValueError(f"unknown ESC command at byte {i}: {data[i:i + 4]!r}")
            elif b == GS:
                need(2)
                cmd = chr(data[i + 1])
                if cmd == "V":
                    need(3)
                    size = 4 if data[i + 2] in (65, 66) else 3
                    need(size)
                    flush()
                    tokens.append(Token("cut"))
                    i += size
                elif cmd == "v":
                    need(8)
                    width_bytes = data[i + 4] + 256 * data[i + 5]
                    height = data[i + 6] + 256 * data[i + 7]
                    need(8 + width_bytes * height)
                    flush()
                    tokens.append(Token("image", (width_bytes * 8, height)))
                    i += 8 + width_bytes * height
                elif cmd == "(":
                    need(5)
                    kind = chr(data[i + 2])
                    length = data[i + 3] + 256 * data[i + 4]
                    need(5 + length)
                    body = data[i + 5:i + 5 + length]
                    if kind == "k" and body[:1] == b"1" and body[1:2] == b"P":
                        qr_store = body[3:]
                    elif kind == "k" and body[:1] == b"1" and body[1:2] == b"Q":
                        flush()
                        tokens.append(Token("qr", qr_store.decode("utf-8", errors="replace")))
                    elif kind == "L" and body[1:2] == b"2":
                        flush()
                        tokens.append(Token("image", "graphics"))
                    i += 5 + length
                elif cmd == "k":  # 1-D barcode: NUL-terminated (m < 65) or counted data
                    need(4)
                    m = data[i + 2]
                    if m < 65:
                        end = data.find(b"\0", i + 3)
                        if end < 0:
                            raise Incomplete
                        size, payload = end + 1 - i, data[i + 3:end]
                    else:
                        size = 4 + data[i + 3]
                        need(size)
                        payload = data[i + 4:i + size]
                    flush()
                    tokens.append(Token("barcode", payload.decode("ascii", errors="replace")))
                    i += size
                elif cmd in GS_FIXED:
                    need(2 + GS_FIXED[cmd])
                    tokens.append(Token("command", data[i:i + 2 + GS_FIXED[cmd]]))
                    i += 2 + GS_FIXED[cmd]
                else:
                    raise ValueError(f"unknown GS command at byte {i}: {data[i:i + 4]!r}")
            elif b == FS:
                need(2)
                cmd = chr(data[i + 1])
                if cmd not in FS_FIXED:
                    raise ValueError(f"unknown FS command at byte {i}: {data[i:i + 4]!r}")
                need(2 + FS_FIXED[cmd])
                tokens.append(Token("command", data[i:i + 2 + FS_FIXED[cmd]]))
                i += 2 + FS_FIXED[cmd]
            else:
                text.append(b)
                i += 1
            if not text:
                last_complete = i
    except Incomplete:
        if final:
            raise ValueError(f"data ends inside a command at byte {i}") from None
        return tokens, last_complete
    flush()
    return tokens, n


def decode(data: bytes) -> str:
    """Printed text with [QR:...], [IMAGE:WxH] and [CUT] markers; styles are dropped."""
    out: list[str] = []
    for token in parse(data)[0]:
        if token.kind == "text":
            out.append(str(token.value))
        elif token.kind == "newline":
            out.append("\n")
        elif token.kind == "qr":
            out.append(f"[QR:{token.value}]")
        elif token.kind == "cut":
            out.append("[CUT]")
        elif token.kind == "barcode":
            out.append(f"[BARCODE:{token.value}]")
        elif token.kind == "image":
            value = token.value
            out.append(f"[IMAGE:{value[0]}x{value[1]}]" if isinstance(value, tuple)
                       else "[IMAGE]")
    return "".join(out)


def status_queries(data: bytes) -> list[int]:
    """The DLE EOT n queries in `data`, in order."""
    return [int(t.value) for t in parse(data)[0] if t.kind == "status"]  # type: ignore[arg-type]


def raster_image(data: bytes):
    """All GS v 0 raster images in `data`, stacked top to bottom, as a grey numpy image
    (0 = printed dot, 255 = paper): lets a test read back what a raster ticket shows."""
    import numpy as np

    strips = []
    i = 0
    while (i := data.find(b"\x1dv0", i)) >= 0:
        width_bytes = data[i + 4] + 256 * data[i + 5]
        height = data[i + 6] + 256 * data[i + 7]
        body = np.frombuffer(data, np.uint8, width_bytes * height, i + 8)
        bits = np.unpackbits(body.reshape(height, width_bytes), axis=1)
        strips.append(np.where(bits == 1, 0, 255).astype(np.uint8))
        i += 8 + width_bytes * height
    if not strips:
        raise ValueError("no raster image (GS v 0) in the data")
    width = max(strip.shape[1] for strip in strips)
    return np.vstack([np.pad(s, ((0, 0), (0, width - s.shape[1])), constant_values=255)
                      for s in strips])
