"""Live events for server-sent-events subscribers.

Events are rows of the append-only `events` table; their id is the SSE id. The
broker keeps the most recent ones in memory and wakes every waiting
subscriber when new ones are committed. A subscriber that resumes from an id
older than the buffer is served from the database (see api/events.py).

Waking is one Event per generation of events, swapped at each publish: in the gevent server that is a
gevent Event (setting it costs one hub callback, not a lock hand-over per waiter as a Condition's
notify_all does), in threaded test clients a plain threading.Event. How often each stream may write is
paced (queue_server/stream_pace.py).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from queue_server.core.public_fields import public_event


@dataclass(frozen=True, slots=True)
class LiveEvent:
    """One logged event and its server-sent-events frame, formatted once for every subscriber."""

    id: int
    kind: str
    data: dict
    sse: bytes = b""
    public_sse: bytes = b""  # the frame strangers get (core/public_fields.py); empty: nothing of it is public

    @classmethod
    def of(cls, id: int, kind: str, data: dict, data_json: str | None = None) -> LiveEvent:
        """The event with its SSE frames; `data_json` is the data as already serialised for the log."""
        if data_json is None:
            data_json = json.dumps(data, ensure_ascii=False)
        public = public_event(kind, data)
        return cls(id=id, kind=kind, data=data, sse=_frame(id, kind, data_json),
                   public_sse=b"" if public is None else _frame(id, kind, json.dumps(public, ensure_ascii=False)))


def _frame(id: int, kind: str, data_json: str) -> bytes:
    return f"id: {id}\nevent: {kind}\ndata: {data_json}\n\n".encode()


STREAM_SETTLE_S = 0.05  # an event stream writes at most this often: boards and phones do not notice 50 ms


class Broker:
    def __init__(self, keep: int = 2000):
        self._events: deque[LiveEvent] = deque(maxlen=keep)
        self._lock = threading.Lock()
        self._fresh = threading.Event()  # set (and replaced) when events newer than last_id arrive
        self._closed = False
        self.last_id = 0
        self.listeners: list[Callable[[list[LiveEvent]], None]] = []  # told of each publish (the stream relay)

    def publish(self, events: list[LiveEvent]) -> None:
        if not events:
            return
        with self._lock:
            self._events.extend(events)
            self.last_id = events[-1].id
            woken, self._fresh = self._fresh, threading.Event()
        woken.set()
        for listener in self.listeners:
            listener(events)

    def since(self, last_id: int) -> list[LiveEvent] | None:
        """Buffered events after last_id; None when the buffer no longer reaches back that far."""
        if last_id >= self.last_id:
            return []
        with self._lock:
            if self._events and self._events[0].id > last_id + 1:
                return None
            # From the newest end: with thousands of streams, each wants the few since its last write.
            newer = []
            for e in reversed(self._events):
                if e.id <= last_id:
                    break
                newer.append(e)
            newer.reverse()
            return newer

    def wait(self, last_id: int, timeout: float, settle_s: float = 0.0) -> bool:
        """Block until an event newer than last_id exists, the timeout passes, or the broker closes.

        With `settle_s`, a stream woken by an event waits that much longer (not once the broker closes), so
        the events of that moment are read and written together.
        """
        fresh = self._fresh  # taken before the check: a publish after it sets this very event
        if not (self._closed or self.last_id > last_id):
            fresh.wait(timeout)
        ready = self._closed or self.last_id > last_id
        if ready and settle_s and not self._closed:
            time.sleep(settle_s)
        return ready

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        with self._lock:
            self._closed = True
            woken, self._fresh = self._fresh, threading.Event()
        woken.set()
