"""Decode QR codes in one camera frame: zxing-cpp first, pyzbar when zxing-cpp finds nothing.

Chosen by measurement (bench/qr_decode.py): zxing-cpp reads more of the real photo set
(165 of 179 against pyzbar's 147), reads dark-mode (inverted) and very small codes that pyzbar
misses, and is about ten times faster. pyzbar still reads two real photos zxing-cpp does not,
so it runs as the fallback on frames where zxing-cpp found nothing: 167 of 179 together.
On a live camera the fallback runs on every third frame only (QrScanner), because on the
empty scenes a kiosk camera mostly sees, pyzbar would cut 720p throughput from ~580 to ~26 fps.

Payloads must be text (the kiosk's own codes are ASCII URLs). Binary or non-UTF-8 codes are
not returned as text; `decode_frame_detailed` counts them so the UI can say "unreadable code".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np
import zxingcpp
from pyzbar import pyzbar

Decoder = Callable[[np.ndarray], list[str]]


@dataclass
class DecodeResult:
    codes: list[str] = field(default_factory=list)
    rejected: int = 0  # codes found that are not valid text


def to_grey(frame: np.ndarray) -> np.ndarray:
    """A 2-D uint8 image from a BGR/BGRA/grey frame; clear ValueError for anything else."""
    if not isinstance(frame, np.ndarray) or frame.size == 0:
        raise ValueError("frame must be a non-empty numpy image array (BGR or grey)")
    if frame.dtype != np.uint8:
        raise ValueError(f"frame must be 8-bit (uint8), not {frame.dtype}")
    if frame.ndim == 2:
        return frame
    if frame.ndim == 3 and frame.shape[2] == 3:
        return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    if frame.ndim == 3 and frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2GRAY)
    if frame.ndim == 3 and frame.shape[2] == 1:
        return frame[:, :, 0]
    raise ValueError(f"frame shape {frame.shape} is not a BGR or grey image")


def _valid_text(text: str) -> bool:
    # Control characters other than tab/newline mean binary data, not a payload we issued.
    return bool(text) and all(ch >= " " or ch in "\t\r\n" for ch in text)


def zxing_detailed(grey: np.ndarray) -> DecodeResult:
    result = DecodeResult()
    for code in zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormat.QRCode):
        if code.content_type in (zxingcpp.ContentType.Text, zxingcpp.ContentType.Mixed) \
                and _valid_text(code.text):
            result.codes.append(code.text)
        else:
            result.rejected += 1
    return result


def pyzbar_detailed(grey: np.ndarray) -> DecodeResult:
    result = DecodeResult()
    for symbol in pyzbar.decode(grey, symbols=[pyzbar.ZBarSymbol.QRCODE]):
        try:
            text = symbol.data.decode("utf-8")
        except UnicodeDecodeError:
            result.rejected += 1
            continue
        if _valid_text(text):
            result.codes.append(text)
        else:
            result.rejected += 1
    return result


def decode_frame_detailed(frame: np.ndarray, fallback: bool = True) -> DecodeResult:
    """The shipped combination: zxing-cpp, then pyzbar if zxing-cpp read nothing.

    pyzbar costs ten times zxing-cpp on an empty scene; a live camera passes `fallback=False`
    on most frames (see QrScanner.fallback_every) and still tries pyzbar several times a second.
    """
    grey = to_grey(frame)
    result = zxing_detailed(grey)
    if not result.codes and fallback:
        fallback = pyzbar_detailed(grey)
        result = DecodeResult(fallback.codes, max(result.rejected, fallback.rejected))
    result.codes = list(dict.fromkeys(result.codes))  # one frame, each payload once
    return result


def decode_frame(frame: np.ndarray) -> list[str]:
    """Text payloads of the QR codes in a BGR or grey frame (possibly none)."""
    return decode_frame_detailed(frame).codes


def decode_zxing(frame: np.ndarray) -> list[str]:
    return zxing_detailed(to_grey(frame)).codes


def decode_pyzbar(frame: np.ndarray) -> list[str]:
    return pyzbar_detailed(to_grey(frame)).codes


DECODERS: dict[str, Decoder] = {
    "pyzbar": decode_pyzbar,
    "zxing-cpp": decode_zxing,
    "zxing-cpp+pyzbar (shipped)": decode_frame,
}
