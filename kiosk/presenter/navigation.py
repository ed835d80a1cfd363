"""Moving about the kiosk as a whole: language, large text, touches, and the idle way home and to the board."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.presenter.shared import Shared


class Navigation:
    def __init__(self, shared: Shared, go_home: Callable[[], None]) -> None:
        self.shared = shared
        self.go_home = go_home  # the presenter's: it also clears every flow's state
        self.lang = shared.config.language
        self.large = shared.config.large_text
        self.last_touch = shared.clock()

    def set_language(self, lang: str) -> None:
        self.lang = "en" if lang == "en" else "zh"
        self.shared.changed()

    def toggle_language(self) -> None:
        self.set_language("en" if self.lang == "zh" else "zh")

    def toggle_large(self) -> None:
        self.large = not self.large
        self.shared.changed()

    def touched(self) -> bool:
        """Any touch. Returns True when the touch was used up (waking from the board)."""
        self.last_touch = self.shared.clock()
        if self.shared.screen == "board":
            self.go_home()
            return True
        return False

    def idle(self, now: float) -> None:
        """From the once-a-second tick: left alone, a screen goes home, and home goes to the board."""
        idle = now - self.last_touch
        screen, config = self.shared.screen, self.shared.config
        if screen not in ("home", "board") and idle >= config.idle_home_s:
            self.go_home()
        elif screen == "home" and idle >= config.idle_board_s:
            self.shared.go("board")
