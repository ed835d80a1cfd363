"""Idle queue board: recent calls and people waiting per zone, until someone touches the screen."""

from __future__ import annotations

from kivy.app import App
from kivy.factory import Factory

from kiosk.presenter import KioskPresenter
from kiosk.screens.base import KioskScreen
from kiosk.texts import TEXT
from kiosk.widgets import INK, RED
from queue_server.core.board_fold import BoardFold, BoardView

CALLS_SHOWN = 8


def board_view(board: dict) -> BoardView:
    """The latest snapshot folded by the fold every board shares (queue_server/core/board_fold.py)."""
    fold = BoardFold(history=CALLS_SHOWN - 1)
    fold.resync(board, now=0)
    return fold.view(0)


class BoardScreen(KioskScreen):
    def signature(self, p: KioskPresenter) -> object:
        board = p.board or {}
        return (p.ready, App.get_running_app().portrait,
                tuple((c.get("number"), c.get("window")) for c in board.get("calls", [])[:CALLS_SHOWN]),
                tuple((z.get("zone"), z.get("waiting"), z.get("estimated_wait_s"), z.get("idle_windows"),
                       z.get("open_windows")) for z in board.get("zones", [])))

    def redraw(self, p: KioskPresenter) -> None:
        view = board_view(p.board or {})
        calls = self.ids.calls
        calls.clear_widgets()
        shown_calls = ([view.current] if view.current else []) + list(view.recent)
        for i, call in enumerate(shown_calls[:CALLS_SHOWN]):
            zh = TEXT["call_to"][0].format(number=call.number, window=call.window)
            en = TEXT["call_to"][1].format(number=call.number, window=call.window)
            # The newest call first and in red; the others in ink, all the same size.
            calls.add_widget(Factory.BiLabel(zh=zh, en=en, base=36, ratio=0.62,
                                             color=RED if i == 0 else INK))
        if not shown_calls:
            calls.add_widget(Factory.BiLabel(zh=TEXT["no_calls"][0], en=TEXT["no_calls"][1], base=40,
                                             strong=False, one_line=True))
        zones = self.ids.zones
        zones.clear_widgets()
        shown = {z["code"] for z in p.zones_shown()} | {"chain", "pickup"}
        portrait = App.get_running_app().portrait
        for z in view.zones:
            if z.zone not in shown:
                continue
            base = 28 if portrait else 26  # nine zones in the height left under the bars and the 8 calls
            zones.add_widget(Factory.BiLabel(zh=f"{z.prefix}  {z.name_zh}", en=z.name_en, base=base, ratio=0.65))
            zones.add_widget(Factory.BiLabel(zh=f"{z.waiting} 人 · {z.wait_zh}",
                                             en=f"{z.waiting} waiting · {z.wait_en}",
                                             base=base, ratio=0.65, halign="right"))
