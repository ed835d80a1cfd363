"""The shared set of real QR photos (zxing "blackbox" test data) with their expected texts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from queue_server.settings import device_setting

REPO = Path(__file__).resolve().parents[2]
# The photo set is the team's shared folder beside the checkout, or wherever the HALL_QR_BLACKBOX setting says.
BLACKBOX_DIR = Path(device_setting("HALL_QR_BLACKBOX") or REPO.parent / "shared" / "qr-blackbox")
PHOTO_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif")


@dataclass(frozen=True)
class QrPhoto:
    path: Path
    expected: str  # exact text; binary payloads decode with replacement characters

    def load_bgr(self) -> np.ndarray:
        with Image.open(self.path) as image:
            return np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])


def blackbox_photos(root: Path = BLACKBOX_DIR) -> list[QrPhoto]:
    """Every photo under `root` that has an `N.txt` with its expected payload."""
    if not root.is_dir():
        raise FileNotFoundError(f"QR photo set not found at {root}: put the shared qr-blackbox folder beside "
                                "the checkout (../shared/qr-blackbox) or set HALL_QR_BLACKBOX to it")
    photos = []
    for path in sorted(root.glob("qrcode-*/*")):
        expected = path.with_suffix(".txt")
        if path.suffix.lower() in PHOTO_SUFFIXES and expected.exists():
            photos.append(QrPhoto(path, expected.read_bytes().decode("utf-8", errors="replace")))
    return photos


def count_read(decoder, photos: list[QrPhoto]) -> tuple[int, list[QrPhoto]]:
    """How many photos `decoder(frame) -> list[str]` reads exactly, and the ones it misses."""
    missed = [photo for photo in photos if photo.expected not in decoder(photo.load_bgr())]
    return len(photos) - len(missed), missed
