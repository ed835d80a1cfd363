"""The board's one screen: draws a presenter `BoardView` onto the widgets of board_screen.kv.

Regions and their order are the web board's (pages/templates/board.html): header, then the current call
beside the 8 earlier calls (two columns of four), then the zone panel (one row per zone: name | waiting |
wait | get-ready numbers, rotating in pages), then the hall's notice. Sizes follow the screen's shorter
side and never go below the readability rule of queue_server/core/board_layout.py.
"""

from __future__ import annotations

from datetime import datetime

from kivy.factory import Factory
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen

from display.presenter import BoardView, ZoneLine
from display.widgets import FitLabel, Ticker
from queue_server.core.board_layout import (
    CALL_CAP,
    CALL_FONT_VMIN,
    ZONE_CAP,
    ZONE_FONT_VMIN,
    ZONE_ROWS,
    min_font_px,
    page_slice,
    zone_pages,
)

WEEKDAYS_ZH = "一二三四五六日"
LINE = 1.25  # a text line's height per font size


class Panel(BoxLayout):
    bg = StringProperty("#13284d")


class RecentRow(BoxLayout):
    number = StringProperty("")
    window = StringProperty("")
    recall = BooleanProperty(False)
    vmin = NumericProperty(10.8)
    call_min = NumericProperty(10)
    call_font = NumericProperty(64.8)


class ZoneRow(BoxLayout):
    """One zone: four cells of two lines; in one line of cells (landscape) or two (portrait, as the web)."""

    prefix = StringProperty("")
    name_zh = StringProperty("")
    name_en = StringProperty("")
    waiting = StringProperty("")
    wait_zh = StringProperty("")
    wait_en = StringProperty("")
    next_numbers = StringProperty("")
    vmin = NumericProperty(10.8)
    zone_font = NumericProperty(37.8)
    zone_min = NumericProperty(36.8)
    call_font = NumericProperty(64.8)
    portrait = BooleanProperty(False)

    def __init__(self, **kwargs):
        self.code = ""
        super().__init__(**kwargs)
        self.bind(portrait=self.arrange, zone_font=self.arrange, vmin=self.arrange)
        self.arrange()

    def arrange(self, *_):
        ids = self.ids
        cells = [ids.name_cell, ids.count_cell, ids.wait_cell, ids.next_cell]
        for cell in cells:
            if cell.parent is not None:
                cell.parent.remove_widget(cell)
        two_lines = 2 * self.zone_font * LINE
        # Shares sized for the longest texts at the rule's size (Noto Sans CJK, 39 px on 1080): a 38-letter
        # English zone name 683 px, "下一位 · 约 1 小时 27 分钟" 468 px, three numbers 318 px, "12 人等候" 200 px.
        if self.portrait:  # "name name name count" / "wait wait next next", as the web board's grid areas
            placed = [(ids.top, ids.name_cell, 0.78), (ids.top, ids.count_cell, 0.22),
                      (ids.bottom, ids.wait_cell, 0.63), (ids.bottom, ids.next_cell, 0.37)]
        else:
            placed = [(ids.top, ids.name_cell, 0.40), (ids.top, ids.count_cell, 0.12),
                      (ids.top, ids.wait_cell, 0.27), (ids.top, ids.next_cell, 0.21)]
        for box, cell, share in placed:
            cell.size_hint_x = share
            box.add_widget(cell)
        for box in (ids.top, ids.bottom):
            box.size_hint_y = None
            box.height = two_lines if box.children else 0
        self.size_hint_y = None
        self.height = (ids.top.height + ids.bottom.height + self.padding[1] + self.padding[3]
                       + (self.spacing if self.portrait else 0))

    def show(self, z: ZoneLine) -> None:
        self.code = z.zone
        self.prefix, self.name_zh, self.name_en = z.prefix, z.name_zh, z.name_en
        self.waiting = str(z.waiting)
        self.wait_zh, self.wait_en = z.wait_zh, z.wait_en
        self.next_numbers = "  ".join(z.next) if z.next else "—"


for _cls in (FitLabel, Ticker, Panel, RecentRow, ZoneRow):
    Factory.register(_cls.__name__, cls=_cls)


class BoardScreen(Screen):
    portrait = BooleanProperty(False)
    vmin = NumericProperty(10.8)  # 1 % of the screen's shorter side
    zone_font = NumericProperty(37.8)
    zone_min = NumericProperty(36.8)  # the rule's floors (board_layout.min_font_px)
    call_min = NumericProperty(61.4)
    call_font = NumericProperty(64.8)
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
    zone_page = NumericProperty(0)
    zone_page_text = StringProperty("")

    def __init__(self, history: int = 8, **kwargs):
        super().__init__(**kwargs)
        self.history = history
        self.recent_rows: list[RecentRow] = []
        self.zone_rows: list[ZoneRow] = []
        self._zones: tuple[ZoneLine, ...] = ()
        grid = self.ids.recent_grid
        grid.rows = (history + 1) // 2
        for _ in range(history):
            row = RecentRow()
            self.bind(vmin=row.setter("vmin"), call_min=row.setter("call_min"), call_font=row.setter("call_font"))
            row.vmin, row.call_min, row.call_font = self.vmin, self.call_min, self.call_font
            self.recent_rows.append(row)
            grid.add_widget(row)
        self.bind(size=self._on_size, portrait=self._on_size)

    def _on_size(self, *_):
        w, h = self.size
        if w <= 1 or h <= 1:
            return
        self.vmin = min(w, h) / 100
        self.zone_font = self.vmin * ZONE_FONT_VMIN
        self.call_font = self.vmin * CALL_FONT_VMIN
        self.zone_min = min_font_px(w, h, ZONE_CAP)
        self.call_min = min_font_px(w, h, CALL_CAP)
        self._show_zones()

    def show(self, view: BoardView) -> None:
        self.hall_zh, self.hall_en = view.hall_zh, view.hall_en
        pages = [t for t in (view.notice_zh, view.notice_en) if t]
        if pages != list(self.notice_pages):
            self.notice_pages = pages
        self.offline = not view.online
        c = view.current
        self.current_number = c.number if c else ""
        idle = "请留意叫号 Please wait for your number"
        self.current_window = f"{c.window} 号窗口 Window {c.window}" if c else idle
        self.current_zh = c.text_zh if c else ""
        self.current_en = c.text_en if c else ""
        self.current_recall = bool(c and c.recall)
        for i, row in enumerate(self.recent_rows):
            r = view.recent[i] if i < len(view.recent) else None
            row.number = r.number if r else ""
            row.window = str(r.window) if r else ""
            row.recall = bool(r and r.recall)
        self._zones = view.zones
        self._show_zones()

    # ---- the zone panel: a page of rows; pages turn every ZONE_PAGE_S (the app's clock calls next_zone_page) ----
    def next_zone_page(self, *_) -> None:
        self.zone_page += 1
        self._show_zones()

    def _show_zones(self) -> None:
        grid = self.ids.zones_grid
        n = len(self._zones)
        pages = zone_pages(n, self.portrait)
        self.zone_page %= pages
        self.zone_page_text = f"{self.zone_page + 1} / {pages}" if pages > 1 else ""
        shown = [self._zones[i] for i in page_slice(n, self.portrait, self.zone_page)] if n else []
        rows_needed = ZONE_ROWS["portrait" if self.portrait else "landscape"] if pages > 1 else n
        while len(self.zone_rows) < len(shown):
            row = ZoneRow()
            for prop in ("vmin", "zone_font", "zone_min", "call_font", "portrait"):
                self.bind(**{prop: row.setter(prop)})
                setattr(row, prop, getattr(self, prop))
            self.zone_rows.append(row)
        if [r for r in grid.children] != list(reversed(self.zone_rows[: len(shown)])):
            grid.clear_widgets()
            for row in self.zone_rows[: len(shown)]:
                grid.add_widget(row)
        for row, z in zip(self.zone_rows, shown, strict=False):
            row.show(z)
        # Every page keeps the height of a full page, so the regions above do not jump as the pages turn.
        row_h = self.zone_rows[0].height if self.zone_rows else 0
        grid.height = rows_needed * row_h + max(0, rows_needed - 1) * grid.spacing[1]

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
            "offline_visible": self.ids.offline.opacity > 0, "clock": self.clock_text,
            "recent": [r.number for r in self.recent_rows if r.number],
            "recent_recall": [r.number for r in self.recent_rows if r.recall],
            "zones": {z.zone: {"name_zh": z.name_zh, "waiting": str(z.waiting), "wait_zh": z.wait_zh,
                               "next": list(z.next)} for z in self._zones},
            "zones_on_page": [r.code for r in self.zone_rows if r.parent is not None],
            "zone_page": self.zone_page, "zone_pages": zone_pages(len(self._zones), self.portrait),
            "blink_on": self.blink_on,
        }
