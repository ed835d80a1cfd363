"""Spoken call announcements, queued so one never cuts off another.

    announcer = Announcer()                 # plays on the default audio output with aplay
    announcer.announce("A001", 3)           # returns at once; speaks in the background

The wall display can take the announcements itself instead of (or as well as) playing them:

    announcer = Announcer(sink=lambda a: show_subtitle(a.zh_text, a.en_text))
    announcer = Announcer(sink=lambda a: (show_subtitle(a.zh_text), AplaySink()(a)))

A sink is any callable taking an `Announcement` (texts, spoken texts and the WAV bytes). Sinks
run one at a time, in order, on the announcer's thread. Missing audio hardware or a failing
synthesiser is logged and the queue goes on: announcing never crashes the display.
"""

from __future__ import annotations

import logging
import queue
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass

from hardware.announcement_text import announcement_texts, spoken_texts
from hardware.speech_wav import EN_VOICE, RATE, ZH_VOICE, announcement_wav

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Announcement:
    number: str
    window: str
    zh_text: str  # shown on screen
    en_text: str
    spoken_zh: str  # given to the synthesiser
    spoken_en: str
    repeat: int
    wav: bytes | None  # None when audio is off or synthesis failed


Sink = Callable[[Announcement], None]


class AplaySink:
    """Play each announcement's WAV with `aplay` on the default (or a named ALSA) device."""

    def __init__(self, device: str | None = None) -> None:
        self.device = device
        self._reported: set[str] = set()

    def __call__(self, announcement: Announcement) -> None:
        if announcement.wav is None:
            return
        if shutil.which("aplay") is None:
            self._warn("aplay is not installed (Debian package alsa-utils): announcements silent")
            return
        seconds = (len(announcement.wav) - 44) / (2 * RATE)
        with tempfile.NamedTemporaryFile(suffix=".wav") as wav:
            wav.write(announcement.wav)
            wav.flush()
            command = ["aplay", "-q"] + (["-D", self.device] if self.device else []) + [wav.name]
            try:
                done = subprocess.run(command, capture_output=True, timeout=seconds + 10)
            except subprocess.TimeoutExpired:
                self._warn("aplay hung: is the audio device busy?")
                return
        if done.returncode != 0:
            detail = (done.stderr.decode(errors="replace").strip().splitlines() or ["?"])[-1]
            self._warn(f"no audio output ({detail}); announcements continue silently")

    def _warn(self, message: str) -> None:
        if message not in self._reported:  # once, not on every call of a busy hall
            self._reported.add(message)
            log.warning(message)


class CaptureSink:
    """Keeps every announcement (tests; a display that shows subtitles)."""

    def __init__(self) -> None:
        self.announcements: list[Announcement] = []
        self._changed = threading.Condition()

    def __call__(self, announcement: Announcement) -> None:
        with self._changed:
            self.announcements.append(announcement)
            self._changed.notify_all()

    def wait_for(self, count: int, timeout: float = 30.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: len(self.announcements) >= count, timeout)


class Announcer:
    def __init__(self, sink: Sink | None = None, *, repeat: int = 2, render_audio: bool = True,
                 with_chime: bool = True, zh_voice: str = ZH_VOICE, en_voice: str = EN_VOICE,
                 languages: tuple[str, ...] = ("zh", "en")) -> None:
        self.sink: Sink = sink if sink is not None else AplaySink()
        self.repeat = repeat
        self.render_audio = render_audio
        self.with_chime = with_chime
        self.zh_voice = zh_voice
        self.en_voice = en_voice
        self.languages = languages
        self._queue: queue.Queue[tuple[str, str, int] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def announce(self, number: str, window: int | str, repeat: int | None = None) -> None:
        """Queue a call. Bad numbers raise ValueError here, in the caller, not in the thread."""
        announcement_texts(number, window)  # validates
        times = self.repeat if repeat is None else repeat
        if not 1 <= times <= 5:
            raise ValueError(f"repeat must be 1 to 5, not {times}")
        self._ensure_thread()
        self._queue.put((str(number), str(window), times))

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until everything queued has been spoken (True) or `timeout` passes (False)."""
        with self._queue.all_tasks_done:
            return self._queue.all_tasks_done.wait_for(
                lambda: self._queue.unfinished_tasks == 0, timeout)

    def close(self, timeout: float | None = 30.0) -> None:
        """Finish what is queued, then stop the thread."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout)

    def __enter__(self) -> Announcer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def render(self, number: str, window: int | str, repeat: int | None = None) -> Announcement:
        """Build one announcement (texts and WAV) now, on the calling thread."""
        zh_text, en_text = announcement_texts(number, window)
        spoken_zh, spoken_en = spoken_texts(number, window)
        times = self.repeat if repeat is None else repeat
        wav = None
        if self.render_audio:
            try:
                wav = announcement_wav(
                    spoken_zh if "zh" in self.languages else "",
                    spoken_en if "en" in self.languages else "",
                    repeat=times, with_chime=self.with_chime, zh_voice=self.zh_voice,
                    en_voice=self.en_voice)
            except Exception as error:  # speech is a nicety: the call still shows on screen
                log.warning("cannot synthesise the announcement for %s: %s", number, error)
        number_norm, window_norm = zh_text.split(" ")[1], en_text.rsplit(" ", 1)[1]
        return Announcement(number_norm, window_norm, zh_text, en_text, spoken_zh, spoken_en,
                            times, wav)

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="announcer", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                announcement = self.render(*item)
                try:
                    self.sink(announcement)
                except Exception:
                    log.exception("announcement sink failed for %s", announcement.number)
            finally:
                self._queue.task_done()

