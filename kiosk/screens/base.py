"""What every kiosk screen shares: a `refresh(presenter)` that redraws only when its data changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.factory import Factory
from kivy.uix.screenmanager import Screen

from kiosk.presenter import KioskPresenter


class KioskScreen(Screen):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: object = None

    def refresh(self, p: KioskPresenter) -> None:
        """Redraw from the presenter; `signature` says what this screen depends on."""
        key = (self.signature(p), p.large, self.width > self.height)
        if key != self._shown:
            self._shown = key
            self.redraw(p)
        self.update(p)

    def update(self, p: KioskPresenter) -> None:
        """Small changes in place (live counts), so a finger on a tile is never pulled away."""

    def signature(self, p: KioskPresenter) -> object:
        return None

    def redraw(self, p: KioskPresenter) -> None:
        pass

    def on_shown(self, p: KioskPresenter) -> None:
        """The screen became the current one."""

    def on_hidden(self, p: KioskPresenter) -> None:
        """Another screen replaced this one."""


NBSP = "\u00a0"


def unbroken(text: str) -> str:
    """Each " · " part of a line kept whole when it wraps ("from 09:00 tomorrow" never split after "09:00")."""
    return " · ".join(part.replace(" ", NBSP) for part in text.split(" · "))


def tile(on_release: Callable[[], None], **props: Any) -> Any:
    widget = Factory.Tile(**props)
    widget.bind(on_release=lambda _w: on_release())
    return widget


def same_height(tiles: list[Any], least: float) -> None:
    """Tiles of one role all as high as the tallest text among them needs (never below `least`): one size per
    role, kept as texts change, by events (no timing)."""

    def fit(*_args: Any) -> None:
        height = max([least, *(t.natural_height for t in tiles)])
        for t in tiles:
            t.height = height

    for t in tiles:
        t.bind(natural_height=fit)
    fit()
