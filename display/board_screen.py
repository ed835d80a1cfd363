"""The board's one screen: draws a presenter `BoardView` onto the widgets of board.kv."""

from __future__ import annotations

from datetime import datetime

from kivy.factory import Factory
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen

from display.presenter import BoardView
from display.widgets import FitLabel, Ticker

WEEKDAYS_ZH = "一二三四五六日"


class Panel(BoxLayout):
    bg = StringProperty("#13284d")


class RecentRow(BoxLayout):
    number = StringProperty("")
    window_text = StringProperty("")
    recall = BooleanProperty(False)


class ZoneCard(BoxLayout):
    prefix = StringProperty("")
    name_zh = StringProperty("")
    name_en = StringProperty("")
    waiting = StringProperty("")
    wait_zh = StringProperty("")
    wait_en = StringProperty("")


for _cls in (FitLabel, Ticker, Panel, RecentRow, ZoneCard):
    Factory.register(_cls.__name__, cls=_cls)


class BoardScreen(Screen):
    portrait = BooleanProperty(False)
    hall_zh = StringProperty("")
    hall_en = StringProperty("")
    clock_text = StringProperty("")
    date_text = StringProperty("")
    notice_pages = ListProperty([])
    notice_paged = BooleanProperty(False)
    offline = BooleanProperty(True)
    blink_on = BooleanProperty(False)
    current_number = StringProperty("")
    current_window = StringProperty("")
    current_zh = StringProperty("")
    current_en = StringProperty("")
    current_recall = BooleanProperty(False)
    zone_cols = NumericProperty(5)

    def __init__(self, history: int = 8, **kwargs):
        super().__init__(**kwargs)
        self.history = history
        self.recent_rows: list[RecentRow] = []
        self.zone_cards: dict[str, ZoneCard] = {}
        grid = self.ids.recent_grid
        self.on_portrait()
        for _ in range(history):
            row = RecentRow()
            self.recent_rows.append(row)
            grid.add_widget(row)

    def on_portrait(self, *_):
        grid = self.ids.get("recent_grid")
        if grid is None:  # set from the constructor, before the kv rule built the children
            return
        grid.rows = (self.history + 1) // 2 if self.portrait else self.history

    def show(self, view: BoardView) -> None:
        self.hall_zh, self.hall_en = view.hall_zh, view.hall_en
        pages = [t for t in (view.notice_zh, view.notice_en) if t]
        if pages != list(self.notice_pages):
            self.notice_pages = pages
        self.offline = not view.online
        c = view.current
        self.current_number = c.number if c else ""
        idle = "请留意叫号  Please wait for your number"
        self.current_window = f"{c.window} 号窗口  Window {c.window}" if c else idle
        self.current_zh = c.text_zh if c else ""
        self.current_en = c.text_en if c else ""
        self.current_recall = bool(c and c.recall)
        for i, row in enumerate(self.recent_rows):
            r = view.recent[i] if i < len(view.recent) else None
            row.number = r.number if r else ""
            row.window_text = (f"→ {r.window} 号窗口  Window {r.window}" + ("  重呼" if r.recall else "")) if r else ""
            row.recall = bool(r and r.recall)
        self._show_zones(view)

    def _show_zones(self, view: BoardView) -> None:
        grid = self.ids.zones_grid
        codes = [z.zone for z in view.zones]
        if codes != list(self.zone_cards):
            grid.clear_widgets()
            self.zone_cards = {code: ZoneCard() for code in codes}
            n = max(1, len(codes))
            self.zone_cols = min(n, 3 if self.portrait else 5) if n > 4 else n
            for card in self.zone_cards.values():
                grid.add_widget(card)
        for z in view.zones:
            card = self.zone_cards[z.zone]
            card.prefix, card.name_zh, card.name_en = z.prefix, z.name_zh, z.name_en
            card.waiting = str(z.waiting)
            card.wait_zh, card.wait_en = z.wait_zh, z.wait_en

    def tick(self, now: datetime, blink_on: bool) -> None:
        self.clock_text = now.strftime("%H:%M:%S")
        self.date_text = f"{now:%Y-%m-%d} 星期{WEEKDAYS_ZH[now.weekday()]} {now:%a}"
        self.blink_on = blink_on

    # ---- for tests and the benchmark: what the screen shows, as plain data ----
    def shown(self) -> dict:
        return {
            "hall_zh": self.hall_zh, "current_number": self.ids.current_number.text,
            "current_window": self.ids.current_window.text, "current_zh": self.ids.current_zh.text,
            "current_en": self.ids.current_en.text, "offline_mark": self.ids.offline.text,
            "offline_visible": self.ids.offline.opacity > 0,
            "recent": [r.number for r in self.recent_rows if r.number],
            "zones": {code: {"name_zh": c.name_zh, "waiting": c.waiting, "wait_zh": c.wait_zh}
                      for code, c in self.zone_cards.items()},
            "blink_on": self.blink_on,
        }
