"""Run slow work off the UI thread: one worker per lane, results handed back through `call_soon`.

The app passes a `call_soon` that schedules on Kivy's clock (`Clock.schedule_once`); tests use
`InlineRunner`, which runs everything at once on the caller's thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

log = logging.getLogger(__name__)


class ThreadRunner:
    """Lanes run their jobs in order (one printer job at a time); different lanes run side by side."""

    def __init__(self, call_soon: Callable[[Callable[[], None]], None]) -> None:
        self.call_soon = call_soon
        self._lanes: dict[str, ThreadPoolExecutor] = {}
        self._closed = False
        self._lock = threading.Lock()  # jobs may queue further jobs from worker threads

    def run(self, lane: str, fn: Callable[[], Any], done: Callable[[Any], None],
            failed: Callable[[Exception], None]) -> None:
        with self._lock:
            if self._closed:
                return
            if lane not in self._lanes:
                self._lanes[lane] = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"kiosk-{lane}")
            pool = self._lanes[lane]

        def job() -> None:
            try:
                result = fn()
            except Exception as error:  # every failure becomes words on the screen
                self.call_soon(lambda caught=error: _safely(failed, caught))
            else:
                self.call_soon(lambda: _safely(done, result))

        try:
            pool.submit(job)
        except RuntimeError:  # shut down meanwhile: the app is closing
            pass

    def shutdown(self) -> None:
        with self._lock:
            self._closed = True
        for pool in self._lanes.values():
            pool.shutdown(wait=False, cancel_futures=True)


class InlineRunner:
    """Runs each job at once (tests); `hold` queues jobs of a lane until `release(lane)`."""

    def __init__(self) -> None:
        self.held: dict[str, list[Callable[[], None]]] = {}
        self.hold: set[str] = set()
        self.jobs: list[str] = []

    def run(self, lane: str, fn: Callable[[], Any], done: Callable[[Any], None],
            failed: Callable[[Exception], None]) -> None:
        self.jobs.append(lane)

        def job() -> None:
            try:
                result = fn()
            except Exception as error:
                failed(error)
            else:
                done(result)

        if lane in self.hold:
            self.held.setdefault(lane, []).append(job)
        else:
            job()

    def release(self, lane: str) -> None:
        self.hold.discard(lane)
        for job in self.held.pop(lane, []):
            job()


def _safely(callback: Callable[[Any], None], value: Any) -> None:
    try:
        callback(value)
    except Exception:  # a bug in a callback must not take the kiosk down
        log.exception("kiosk callback failed")
