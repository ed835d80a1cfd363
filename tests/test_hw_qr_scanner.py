"""The camera QR scanner fed by real video files (the camera double) and missing cameras."""

import threading

import numpy as np

from hardware.qr_scanner import (
    CAMERA_LOST,
    CAMERA_OPEN,
    CAMERA_UNAVAILABLE,
    END_OF_SOURCE,
    QrScanner,
)
from hardware.testing.qr_video import QrScene, write_video


class Recorder:
    def __init__(self) -> None:
        self.codes: list[str] = []
        self.statuses: list[str] = []
        self.changed = threading.Condition()

    def code(self, value: str) -> None:
        with self.changed:
            self.codes.append(value)
            self.changed.notify_all()

    def status(self, value: str) -> None:
        with self.changed:
            self.statuses.append(value)
            self.changed.notify_all()

    def wait_for(self, predicate, timeout: float = 10.0) -> bool:
        with self.changed:
            return self.changed.wait_for(predicate, timeout)


def scan(path, **options) -> Recorder:
    recorder = Recorder()
    scanner = QrScanner(str(path), recorder.code, recorder.status, **options)
    scanner.start()
    assert scanner.wait(20), "a file source must end by itself"
    return recorder


def test_video_file_codes_in_hard_conditions_are_delivered_in_order(tmp_path):
    scenes = [
        QrScene("T-plain", module_px=5),
        QrScene("T-small", module_px=3.0),
        QrScene("T-rotated", angle_deg=35),
        QrScene("T-tilted", tilt=0.3),
        QrScene("T-blurred", blur_sigma=1.5),
        QrScene("T-glare", glare=0.7),
        QrScene("T-dark-mode", dark_mode=True),
        QrScene("T-dim", brightness=0.4),
    ]
    video = write_video(tmp_path / "hall.avi", [x for s in scenes for x in (None, s)])
    recorder = scan(video)
    assert recorder.codes == [s.payload for s in scenes]
    assert recorder.statuses == [CAMERA_OPEN, END_OF_SOURCE]


def test_same_code_is_not_repeated_within_the_repeat_window(tmp_path):
    code = QrScene("https://hall.local/t/42?k=abc")
    # At 5 fps: shown, gone 0.6 s, shown again (suppressed), gone 4 s, shown (delivered again).
    video = write_video(tmp_path / "repeat.avi", [code, None, None, None, code] + [None] * 20
                        + [code], fps=5, frames_per_scene=1)
    assert scan(video, repeat_after_s=3.0).codes == [code.payload, code.payload]
    assert scan(video, repeat_after_s=60).codes == [code.payload]


def test_latest_frame_is_available_for_the_preview(tmp_path):
    video = write_video(tmp_path / "one.avi", [QrScene("PREVIEW")], frames_per_scene=2)
    seen = []
    scanner = QrScanner(str(video), seen.append)
    assert scanner.latest_frame() is None
    scanner.start()
    assert scanner.wait(10)
    frame = scanner.latest_frame()
    assert isinstance(frame, np.ndarray) and frame.shape == (480, 640, 3)
    assert seen == ["PREVIEW"]


def test_missing_file_reports_unavailable_and_ends(tmp_path):
    recorder = scan(tmp_path / "nope.avi")
    assert recorder.codes == []
    assert recorder.statuses == [CAMERA_UNAVAILABLE]


def test_missing_camera_is_reported_and_retried_until_stopped():
    recorder = Recorder()
    scanner = QrScanner("/dev/video97", recorder.code, recorder.status, reopen_after_s=0.05)
    scanner.start()
    assert recorder.wait_for(lambda: CAMERA_UNAVAILABLE in recorder.statuses)
    assert scanner.running  # still trying: the camera may be plugged in
    scanner.stop()
    assert not scanner.running
    assert recorder.statuses == [CAMERA_UNAVAILABLE]  # reported once, not on every retry


def test_stream_that_stops_is_reported_lost_and_reopened(tmp_path):
    # A URL source is a live stream, not a file: its end means the camera was lost.
    video = write_video(tmp_path / "stream.avi", [QrScene("LIVE-1")], frames_per_scene=2)
    recorder = Recorder()
    scanner = QrScanner(f"file://{video}", recorder.code, recorder.status, reopen_after_s=0.05)
    scanner.start()
    try:
        assert recorder.wait_for(lambda: recorder.statuses.count(CAMERA_OPEN) >= 2)
    finally:
        scanner.stop()
    assert recorder.statuses[:3] == [CAMERA_OPEN, CAMERA_LOST, CAMERA_OPEN]
    assert recorder.codes == ["LIVE-1"]  # back within the repeat window: not delivered twice


def test_callbacks_that_raise_do_not_stop_the_scanner(tmp_path):
    video = write_video(tmp_path / "two.avi", [QrScene("FIRST"), None, QrScene("SECOND")])
    delivered = []

    def flaky(code: str) -> None:
        delivered.append(code)
        raise RuntimeError("UI bug")

    scanner = QrScanner(str(video), flaky)
    scanner.start()
    assert scanner.wait(10)
    assert delivered == ["FIRST", "SECOND"]


def test_stop_from_the_callback_delivers_only_the_first_code(tmp_path):
    video = write_video(tmp_path / "two.avi", [QrScene("FIRST"), None, QrScene("SECOND")])
    delivered = []
    scanner = QrScanner(str(video), lambda code: (delivered.append(code), scanner.stop()))
    scanner.start()
    assert scanner.wait(10)
    assert delivered == ["FIRST"]


def test_pyzbar_fallback_runs_on_every_file_frame_but_every_third_camera_frame(tmp_path):
    from hardware.qr_decode import decode_frame_detailed

    video = write_video(tmp_path / "six.avi", [None], frames_per_scene=6)
    flags: dict[str, list[bool]] = {"file": [], "live": []}

    def recording(kind):
        def decoder(frame, fallback=True):
            flags[kind].append(fallback)
            return decode_frame_detailed(frame, fallback=fallback)
        return decoder

    scanner = QrScanner(str(video), print, decoder=recording("file"))
    scanner.start()
    assert scanner.wait(10)
    assert flags["file"] == [True] * 6
    recorder = Recorder()
    live = QrScanner(f"file://{video}", print, recorder.status, decoder=recording("live"))
    live.start()
    try:
        assert recorder.wait_for(lambda: CAMERA_LOST in recorder.statuses)
    finally:
        live.stop()
    assert flags["live"][:6] == [False, False, True, False, False, True]
