"""Shared kiosk widgets: two-language labels, big touch tiles, the top bar, keypads.

The matching rules are in widgets.kv, loaded by the app at start (never at import time).
"""

from __future__ import annotations

from kivy.app import App
from kivy.properties import BooleanProperty, ColorProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.utils import escape_markup

from kiosk.texts import TEXT

# High-contrast palette (text on these backgrounds is at least 4.5:1).
INK = (0.08, 0.10, 0.14, 1)
PAPER = (0.96, 0.97, 0.98, 1)
RED = (0.70, 0.11, 0.11, 1)
BLUE = (0.05, 0.33, 0.65, 1)
GREEN = (0.09, 0.42, 0.20, 1)
TEAL = (0.0, 0.40, 0.45, 1)
PURPLE = (0.38, 0.18, 0.55, 1)
BROWN = (0.45, 0.25, 0.05, 1)
GREY = (0.74, 0.74, 0.74, 1)
# A zone outside its opening hours: greyed, yet dark ink on it (contrast over 12:1) and its "已停止取号" line in a
# dark red (over 6:1), so an elderly citizen reads it before tapping.
CLOSED_BG = (0.87, 0.87, 0.88, 1)
CLOSED_EDGE = (0.45, 0.45, 0.47, 1)
CLOSED_INK = (0.58, 0.05, 0.05, 1)
ZONE_COLOURS = [BLUE, TEAL, PURPLE, BROWN, (0.15, 0.30, 0.50, 1), (0.50, 0.10, 0.30, 1), GREEN, RED]


class BiLabel(Label):
    """Chinese and English together: the chosen language first and large, the other below it."""

    zh = StringProperty("")
    en = StringProperty("")
    key = StringProperty("")
    base = NumericProperty(40)  # primary text size in design pixels (1080-wide screen)
    ratio = NumericProperty(0.62)
    strong = BooleanProperty(True)
    one_line = BooleanProperty(False)  # both languages on one line
    fixed = BooleanProperty(False)  # keep the size in large-text mode (the top bar must not overflow)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        app = App.get_running_app()
        if app is not None:
            app.bind(lang=self._update, fs=self._update, font=self._update)
        self.bind(zh=self._update, en=self._update, base=self._update, ratio=self._update,
                  strong=self._update, one_line=self._update, fixed=self._update)
        self._update()

    def on_key(self, _widget, key: str) -> None:
        if key in TEXT:
            self.zh, self.en = TEXT[key]

    def _update(self, *_args) -> None:
        app = App.get_running_app()
        lang = app.lang if app else "zh"
        fs = (app.u if self.fixed else app.fs) if app else 1.0
        if app is not None:
            self.font_name = app.font
        first, second = (self.zh, self.en) if lang == "zh" else (self.en, self.zh)
        if not first:
            first, second = second, ""
        self.font_size = self.base * fs
        size2 = max(10, int(self.base * fs * self.ratio))
        first = escape_markup(first)
        first = f"[b]{first}[/b]" if self.strong else first
        if second:
            sep = "  " if self.one_line else "\n"
            self.text = f"{first}{sep}[size={size2}]{escape_markup(second)}[/size]"
        else:
            self.text = first


class Tile(ButtonBehavior, BoxLayout):
    """A big coloured touch target: a two-language title, a line below, an examples line and an optional badge.

    Text sizes are fixed by role (title `base`, lines `sub_base`), never shrunk to fit: every tile of a kind
    reads the same and does not change as its live line changes. A tile in a list grows to its text
    (`auto_height`); a tile in a fixed grid must be given room (the screen tests check it is).
    """

    zh = StringProperty("")
    en = StringProperty("")
    sub_zh = StringProperty("")
    sub_en = StringProperty("")
    extra_zh = StringProperty("")  # a third line: a zone's example matters
    extra_en = StringProperty("")
    badge = StringProperty("")
    bg = ColorProperty(BLUE)
    fg = ColorProperty((1, 1, 1, 1))
    base = NumericProperty(44)
    sub_base = NumericProperty(26)
    title_one_line = BooleanProperty(False)  # both languages of the title on one line
    sub_one_line = BooleanProperty(True)
    value = StringProperty("")  # what the tile stands for (a zone code, a matter code...)
    closed = BooleanProperty(False)  # outside its opening hours: greyed but tappable (the tap says why)
    natural_height = NumericProperty(0)  # the height its text needs
    auto_height = BooleanProperty(False)  # grow to fit the text (list rows), never below min_height
    min_height = NumericProperty(0)

    def on_natural_height(self, _tile, value: float) -> None:
        if self.auto_height:
            self.height = max(self.min_height, value)

    def on_min_height(self, _tile, value: float) -> None:
        if self.auto_height:
            self.height = max(value, self.natural_height)


# The clear key says what it does in words: a lone "C" next to the letter C was read as the letter.
KEY_LABELS = {"delete": "←", "ok": "OK", "clear": "清除 Clear", "space": "␣"}


class Keypad(GridLayout):
    """Digits (and letters when `letters`) with delete and OK; dispatches on_key(key)."""

    keys = ListProperty([])
    key_base = NumericProperty(44)

    def __init__(self, **kwargs) -> None:
        self.register_event_type("on_key")
        super().__init__(**kwargs)
        self.bind(keys=self._build)
        self._build()

    def _build(self, *_args) -> None:
        from kivy.factory import Factory

        self.clear_widgets()
        app = App.get_running_app()
        for key in self.keys:
            label = KEY_LABELS.get(key, key.upper())
            button = Factory.KeyButton(text=label, font_size=self.key_base * (app.fs if app else 1))
            button.key = key
            button.bind(on_release=lambda b: self.dispatch("on_key", b.key))
            self.add_widget(button)

    def on_key(self, key: str) -> None:
        pass


class TitleLabel(ButtonBehavior, BiLabel):
    pass


class TopBar(BoxLayout):
    show_back = BooleanProperty(True)
    show_home = BooleanProperty(True)


class NoticeBar(BoxLayout):
    pass


class Toast(BoxLayout):
    """A passing message over the current screen (touches go through to what is below)."""

    def on_touch_down(self, touch) -> bool:
        return False

    def on_touch_up(self, touch) -> bool:
        return False
