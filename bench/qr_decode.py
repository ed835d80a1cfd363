"""QR decoder benchmark: speed on one core and codes read, per decoder and for the shipped mix.

    .venv/bin/python bench/qr_decode.py [--seconds 1.5]

Speed: frames per second at 640x480 and 1280x720, for a frame with a code in view and for an
empty scene (what a kiosk camera sees most of the time). Reading: the shared set of 179 real
photos (../shared/qr-blackbox) and the generated hard set (hardware/testing/qr_video.py),
rendered at both sizes and also after JPEG compression as USB webcams deliver it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import cv2

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hardware.qr_decode import DECODERS, decode_frame_detailed  # noqa: E402
from hardware.testing.qr_blackbox import blackbox_photos, count_read  # noqa: E402
from hardware.testing.qr_video import QrScene, blank_frame, hard_scenes, render_scene  # noqa: E402

SIZES = [(640, 480), (1280, 720)]


def pin_to_one_core() -> str:
    cv2.setNumThreads(1)
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"core {core}"
    return "unpinned"


def fps(decoder, frame, seconds: float) -> float:
    decoder(frame)  # warm up
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        decoder(frame)
        count += 1
    return count / elapsed


def jpeg(frame, quality: int = 80):
    ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.5, help="timing per measurement")
    args = parser.parse_args()
    where = pin_to_one_core()
    names = list(DECODERS)
    width = max(map(len, names)) + 4
    print(f"QR decoders, one CPU ({where}), OpenCV {cv2.__version__}\n")

    print("Frames per second (code in view / empty scene)")
    print("decoder".ljust(width) + "".join(f"{w}x{h}".rjust(22) for w, h in SIZES))
    def live(frame, _count=[0]):  # noqa: B006 - the scanner's policy: pyzbar every 3rd frame
        _count[0] += 1
        return decode_frame_detailed(frame, fallback=_count[0] % 3 == 0).codes

    speed_decoders = dict(DECODERS, **{"shipped, live camera": live})
    frames = {size: (render_scene(QrScene("https://hall.local/t/123?k=Z4711", module_px=5),
                                  *size), blank_frame(*size)) for size in SIZES}
    for name, decoder in speed_decoders.items():
        cells = []
        for size in SIZES:
            with_code, empty = frames[size]
            cells.append(f"{fps(decoder, with_code, args.seconds):7.0f} / "
                         f"{fps(decoder, empty, args.seconds):6.0f}".rjust(22))
        print(name.ljust(width) + "".join(cells))

    photos = blackbox_photos()
    scenes = hard_scenes()
    columns = [f"real photos /{len(photos)}"] + [
        f"hard {w}x{h} /{len(scenes)}" for w, h in SIZES] + [f"hard jpeg 640 /{len(scenes)}"]
    print("\nCodes read (exact text)")
    print("decoder".ljust(width) + "".join(c.rjust(20) for c in columns))
    rendered = {size: [render_scene(s, *size) for s in scenes] for size in SIZES}
    compressed = [jpeg(frame) for frame in rendered[SIZES[0]]]
    missed_by: dict[str, list[str]] = {}
    for name in names:
        decoder = DECODERS[name]
        read, _ = count_read(decoder, photos)
        cells = [read]
        for size in SIZES:
            hits = [s.payload in decoder(f) for s, f in zip(scenes, rendered[size], strict=True)]
            cells.append(sum(hits))
            if size == SIZES[0]:
                missed_by[name] = [s.name for s, hit in zip(scenes, hits, strict=True) if not hit]
        cells.append(sum(s.payload in decoder(f) for s, f in zip(scenes, compressed, strict=True)))
        print(name.ljust(width) + "".join(str(c).rjust(20) for c in cells))
    print("\nHard-set scenes missed at 640x480:")
    for name, missed in missed_by.items():
        print(f"  {name}: {', '.join(missed) or 'none'}")


if __name__ == "__main__":
    main()
