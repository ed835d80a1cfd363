"""Camera QR scanner: frames from cv2.VideoCapture decoded on a background thread.

    scanner = QrScanner(0, on_code=print, on_status=print)
    scanner.start()            # camera index, "/dev/video0", a video file or a stream URL
    frame = scanner.latest_frame()   # for the kiosk's preview
    scanner.stop()

A payload is delivered once, then not again until it has been out of sight for
`repeat_after_s` (holding a code up does not fire twice). A camera that does not open or stops
delivering frames is reported through `on_status` and reopened every `reopen_after_s`. A file
source is read frame by frame to its end, then the scanner stops by itself (`hall scan`);
for files the clock is the video's own timestamps, so behaviour does not depend on CPU speed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import cv2
import numpy as np

from hardware.qr_decode import DecodeResult, decode_frame_detailed

log = logging.getLogger(__name__)

# Statuses passed to on_status (the kiosk maps them to words with STATUS_TEXT).
CAMERA_OPEN = "camera_open"
CAMERA_UNAVAILABLE = "camera_unavailable"
CAMERA_LOST = "camera_lost"
END_OF_SOURCE = "end_of_source"
UNREADABLE_CODE = "unreadable_code"

STATUS_TEXT = {
    CAMERA_OPEN: ("摄像头已就绪", "Camera ready"),
    CAMERA_UNAVAILABLE: ("无法打开摄像头或视频", "Cannot open the camera or video source"),
    CAMERA_LOST: ("摄像头画面中断，正在重新连接", "Camera stopped, reconnecting"),
    END_OF_SOURCE: ("视频已播放完", "End of the video"),
    UNREADABLE_CODE: ("无法识别此二维码，请出示本大厅的二维码",
                      "This QR code cannot be read; show a code from this hall"),
}


def parse_source(source: int | str) -> int | str:
    """Camera index for "0", "1"...; anything else (path, /dev/videoN, URL) as given."""
    if isinstance(source, str) and source.strip().isdigit():
        return int(source.strip())
    return source


def is_file_source(source: int | str) -> bool:
    """A video file (read to its end once), as opposed to a camera or a stream."""
    return isinstance(source, str) and "://" not in source and not source.startswith("/dev/")


class QrScanner:
    def __init__(self, source: int | str, on_code: Callable[[str], None],
                 on_status: Callable[[str], None] | None = None, repeat_after_s: float = 3.0,
                 *, reopen_after_s: float = 2.0, read_timeout_s: float = 5.0,
                 fallback_every: int | None = None,
                 decoder: Callable[..., DecodeResult] = decode_frame_detailed) -> None:
        self.source = parse_source(source)
        self.on_code = on_code
        self.on_status = on_status
        self.repeat_after_s = repeat_after_s
        self.reopen_after_s = reopen_after_s
        self.read_timeout_s = read_timeout_s
        self.decoder = decoder
        self.is_file = is_file_source(self.source)
        # The slow pyzbar fallback: every frame of a file, every third frame of a live camera.
        self.fallback_every = fallback_every or (1 if self.is_file else 3)
        self._frame_count = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._frame: np.ndarray | None = None
        self._frame_lock = threading.Lock()
        self._last_seen: dict[str, float] = {}
        self._last_rejected = -1e9

    # Public API -----------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"qr scanner {self.source}",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the scanner to finish (a file source at its end); True if it has."""
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def running(self) -> bool:
        return bool(self._thread and self._thread.is_alive())

    def latest_frame(self) -> np.ndarray | None:
        """A copy of the newest camera frame (BGR), or None before the first one."""
        with self._frame_lock:
            return None if self._frame is None else self._frame.copy()

    # The thread -------------------------------------------------------------------------------

    def _status(self, status: str) -> None:
        log.info("qr scanner %s: %s", self.source, status)
        if self.on_status:
            try:
                self.on_status(status)
            except Exception:  # a UI callback must not kill the camera thread
                log.exception("on_status callback failed")

    def _open(self) -> cv2.VideoCapture | None:
        params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, int(self.read_timeout_s * 1000),
                  cv2.CAP_PROP_READ_TIMEOUT_MSEC, int(self.read_timeout_s * 1000)]
        capture = cv2.VideoCapture(self.source, cv2.CAP_ANY, params)
        if not capture.isOpened():
            # Backends that do not know the timeout properties refuse to open with them.
            capture.release()
            capture = cv2.VideoCapture(self.source)
        if capture.isOpened():
            if not self.is_file:
                capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # decode the newest frame, not old ones
            return capture
        capture.release()
        return None

    def _run(self) -> None:
        reported_unavailable = False
        while not self._stop.is_set():
            capture = self._open()
            if capture is None:
                if not reported_unavailable:
                    self._status(CAMERA_UNAVAILABLE)
                    reported_unavailable = True
                if self.is_file:
                    break  # a missing or unreadable file will not appear by waiting
                self._stop.wait(self.reopen_after_s)
                continue
            reported_unavailable = False
            self._status(CAMERA_OPEN)
            try:
                ended = self._read_frames(capture)
            finally:
                capture.release()
            if ended:
                self._status(END_OF_SOURCE)
                break
            if not self._stop.is_set():
                self._status(CAMERA_LOST)
                self._stop.wait(self.reopen_after_s)

    def _read_frames(self, capture: cv2.VideoCapture) -> bool:
        """Read until stopped (False), the camera fails (False) or a file ends (True)."""
        while not self._stop.is_set():
            ok, frame = capture.read()
            if not ok or frame is None:
                return self.is_file
            now = capture.get(cv2.CAP_PROP_POS_MSEC) / 1000 if self.is_file else time.monotonic()
            with self._frame_lock:
                self._frame = frame
            self._handle(frame, now)
        return False

    def _handle(self, frame: np.ndarray, now: float) -> None:
        self._frame_count += 1
        try:
            result = self.decoder(frame, fallback=self._frame_count % self.fallback_every == 0)
        except Exception:
            log.exception("decoding a frame failed")
            return
        for code in result.codes:
            last = self._last_seen.get(code)
            self._last_seen[code] = now
            if last is not None and now - last < self.repeat_after_s:
                continue
            try:
                self.on_code(code)
            except Exception:
                log.exception("on_code callback failed")
        if result.rejected and not result.codes:
            if now - self._last_rejected >= self.repeat_after_s:
                self._status(UNREADABLE_CODE)
            self._last_rejected = now
