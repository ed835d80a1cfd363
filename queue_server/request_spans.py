"""Named spans of the current request's time (waiting for the write lock, the commit), for Server-Timing.

The serving handler (serving/server_timing.py) opens a request's record; code deeper down notes spans into it
without knowing whether anyone listens (outside a served request, noting costs one context-variable read).
A ContextVar is per greenlet under gevent, so concurrent requests do not mix.
"""

from __future__ import annotations

from contextvars import ContextVar

_spans: ContextVar[dict[str, float] | None] = ContextVar("request_spans", default=None)


def begin() -> dict[str, float]:
    """A fresh record for the request this greenlet (or thread) now serves; spans in seconds."""
    spans: dict[str, float] = {}
    _spans.set(spans)
    return spans


def note(name: str, seconds: float) -> None:
    """Add `seconds` to the span `name` of the current request, if one is being recorded."""
    spans = _spans.get()
    if spans is not None:
        spans[name] = spans.get(name, 0.0) + seconds
