"""Small Kivy widgets for the wall board: labels that shrink to fit, a scrolling notice line."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.label import Label
from kivy.uix.stencilview import StencilView


class FitLabel(Label):
    """A one-line label whose font shrinks (down to min_font) until the text fits, then ends in "…".

    Hall names in the configuration may be long; nothing may spill over its neighbour. `min_font` is where a
    board's readability rule sets it (queue_server/core/board_layout.py). `halign` "left" / "right" places the
    line at that edge of the label (centred otherwise).
    """

    max_font = NumericProperty(40)
    min_font = NumericProperty(12)
    fill_height = NumericProperty(0.8)  # the font is at most this share of the label's height

    def __init__(self, **kwargs):
        self._fit_ev = Clock.create_trigger(self._fit, -1)
        super().__init__(**kwargs)
        self.shorten_from = "right"
        self.bind(size=self._fit_ev, text=self._fit_ev, max_font=self._fit_ev, min_font=self._fit_ev,
                  halign=self._fit_ev, bold=self._fit_ev)

    def _fit(self, *_):
        if self.width <= 1 or self.height <= 1:
            return
        room = max(1, self.width - 4)
        self.shorten = False
        self.text_size = (None, None)
        # Never below min_font: a readability floor holds even in a box drawn too small.
        size = max(self.min_font, min(self.max_font, self.height * self.fill_height))
        self.font_size = size
        self.texture_update()
        # Text width is close to proportional to the font size: one guess, then small steps if needed.
        if self.texture_size[0] > room:
            size = max(self.min_font, size * room / self.texture_size[0] * 0.98)
            self.font_size = size
            self.texture_update()
        while self.texture_size[0] > room and size > self.min_font:
            size = max(self.min_font, size * 0.93)
            self.font_size = size
            self.texture_update()
        if self.texture_size[0] > room:
            self.text_size = (room, None)
            self.shorten = True
            self.texture_update()
        elif self.halign in ("left", "right"):
            self.text_size = (room, None)  # the line as wide as the label, so halign places it
            self.texture_update()

    def fit_now(self) -> None:
        """Fit at once (tests and screenshots), not on the next frame."""
        self._fit()


class Ticker(StencilView):
    """The hall notice: scrolling right to left, or (paged) one language at a time, still.

    Scrolling redraws the whole window on every frame; a display box without a GPU (software
    OpenGL) is better served by the paged mode, which redraws once per page.
    """

    text = StringProperty("")
    pages = ListProperty([])
    paged = BooleanProperty(False)
    page_s = NumericProperty(10)
    speed = NumericProperty(90)  # pixels per second
    offset = NumericProperty(0)
    running = BooleanProperty(True)
    base_font = NumericProperty(28)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._page = 0
        self._scroll_ev = None
        self._page_ev = None
        self.bind(paged=self._restart, running=self._restart, pages=self._restart, size=self._restart)
        Clock.schedule_once(self._restart)

    def _label(self):
        return self.children[0] if self.children else None

    def _restart(self, *_):
        for ev in (self._scroll_ev, self._page_ev):
            if ev is not None:
                ev.cancel()
        self._scroll_ev = self._page_ev = None
        if not self.running:
            return
        if self.paged:
            self._page = -1
            self._next_page()
            self._page_ev = Clock.schedule_interval(self._next_page, self.page_s)
        else:
            self.text = "    ".join(p for p in self.pages if p)
            if self._label() is not None:
                self._label().font_size = self.base_font
            self._scroll_ev = Clock.schedule_interval(self._step, 1 / 30)

    def _next_page(self, *_):
        pages = [p for p in self.pages if p] or [""]
        self._page = (self._page + 1) % len(pages)
        self.text = pages[self._page]
        label = self._label()
        if label is not None:
            label.font_size = self.base_font
            label.texture_update()
            room = self.width - 20
            if label.texture_size[0] > room > 0:  # shrink a long page to fit (down to 55 %)
                label.font_size = max(self.base_font * 0.55, self.base_font * room / label.texture_size[0])
                label.texture_update()
            self.offset = max(0.0, (self.width - label.texture_size[0]) / 2)

    def _step(self, dt: float) -> None:
        label = self._label()
        if label is None:
            return
        self.offset -= self.speed * dt
        if self.offset < -label.texture_size[0]:
            self.offset = self.width
