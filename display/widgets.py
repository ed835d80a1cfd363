"""Small Kivy widgets for the wall board: labels that shrink to fit, a scrolling notice line."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.label import Label
from kivy.uix.stencilview import StencilView


class FitLabel(Label):
    """A one-line label whose font shrinks (down to min_font) until the text fits, then ends in "…".

    Hall names in the configuration may be long; nothing may spill over its neighbour.
    """

    max_font = NumericProperty(40)
    min_font = NumericProperty(12)
    fill_height = NumericProperty(0.8)  # the font is at most this share of the label's height

    def __init__(self, **kwargs):
        self._fit_ev = Clock.create_trigger(self._fit, -1)
        super().__init__(**kwargs)
        self.shorten_from = "right"
        self.bind(size=self._fit_ev, text=self._fit_ev, max_font=self._fit_ev, min_font=self._fit_ev)

    def _fit(self, *_):
        if self.width <= 1 or self.height <= 1:
            return
        room = max(1, self.width - 4)
        self.shorten = False
        self.text_size = (None, None)
        size = min(self.max_font, self.height * self.fill_height)
        self.font_size = size
        self.texture_update()
        while self.texture_size[0] > room and size > self.min_font:
            size = max(self.min_font, size * min(0.95, room / self.texture_size[0] * 1.02))
            self.font_size = size
            self.texture_update()
        if self.texture_size[0] > room:
            self.text_size = (room, None)
            self.shorten = True
            self.texture_update()

    def fit_now(self) -> None:
        """Fit at once (tests and screenshots), not on the next frame."""
        self._fit()


class Ticker(StencilView):
    """The hall notice, scrolling right to left, forever."""

    text = StringProperty("")
    speed = NumericProperty(90)  # pixels per second
    offset = NumericProperty(0)
    running = BooleanProperty(True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        Clock.schedule_interval(self._step, 1 / 30)

    def _step(self, dt: float) -> None:
        label = self.children[0] if self.children else None
        if not self.running or label is None:
            return
        self.offset -= self.speed * dt
        if self.offset < -label.texture_size[0]:
            self.offset = self.width
