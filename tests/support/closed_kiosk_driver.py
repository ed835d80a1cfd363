"""The kiosk driver (kiosk/testing/driver.py) with the opening-hours scenario of tests/test_kiosk_closed.py.

    python tests/support/closed_kiosk_driver.py --device kiosk.toml --scenario closed --out DIR --handshake DIR

`closed`: after the last number of the day every zone but 咨询服务 shows 已停止取号 on its tile; a tap on one
says why and when next, a tap on 咨询服务 opens it. Then (handshake `close-all`: the test takes the evening
session away, the server announces config_changed) every zone is closed: one line at the top says so, the green
channel says it too, and search, 领取证照 and 办件查询 still open.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import kiosk.testing.driver as kd  # noqa: E402


def plain(*texts: str) -> list[str]:
    """What a label shows, with its no-break spaces (kept phrases whole on wrapping) read as spaces."""
    return [t.replace("\u00a0", " ") for t in texts]


class ClosedDriver(kd.Driver):
    def _tiles(self) -> dict:
        home = self.app.screen("home")
        return {t.value: t for t in [*home.ids.tiles.children, *home.ids.services.children]}

    def _both(self, name: str) -> Iterator:
        for lang in ("zh", "en"):
            self.p.set_language(lang)
            yield from self.shot(f"{name}-{lang}")
        self.p.set_language("zh")

    def _opens(self, value: str, screen: str) -> Iterator:
        """A tile that needs no walk-in hours still opens its screen."""
        yield from self.tap(self.find(value))
        yield self.screen_is(screen)
        self.results["still_open"][value] = self.p.screen
        self.p.go_home()
        yield self.screen_is("home")

    def scenario_closed(self) -> Iterator:
        orientation = "portrait" if self.app.portrait else "landscape"
        yield from self.ready()
        yield self.until("the opening hours read", lambda: self.p.opening.status is not None, 20)
        yield self.until("closed tiles drawn", lambda: self._tiles()["commerce"].closed)
        welcome = self.app.screen("home").ids.welcome
        self.results["tiles"] = {code: {"closed": t.closed, "line": plain(t.sub_zh, t.sub_en)}
                                 for code, t in self._tiles().items() if t.badge}
        self.results["heading"] = plain(welcome.zh, welcome.en)
        yield from self._both(f"{orientation}-home-closed")

        yield from self.tap(self.find("commerce"))
        yield self.until("the reason said", lambda: self.p.notice is not None and bool(self.toast_text()))
        self.results["tap"] = {"screen": self.p.screen, "notice": list(self.p.notice), "toast": self.toast_text()}
        yield from self.shot(f"{orientation}-home-closed-tap-zh")
        self.p.notice = None
        yield from self.tap(self.find("consult"))
        yield self.screen_is("matters")
        self.results["open_zone"] = self.p.screen
        self.p.go_home()
        yield self.screen_is("home")

        # The green channel's zones show the same, and a closed one says why.
        yield from self.tap(self.find("priority"))
        yield self.screen_is("priority")
        yield from self.tap(self.find("elderly"))
        yield self.until("the priority zones", lambda: self.p.priority == "elderly")
        yield self.until("closed zones marked", lambda: self.find("commerce").closed)
        yield from self.shot(f"{orientation}-priority-closed-zh")
        yield from self.tap(self.find("commerce"))
        yield self.until("the reason said", lambda: self.p.notice is not None)
        self.results["priority_zone_tap"] = {"asking_matter": self.p.asking_matter, "notice": list(self.p.notice)}
        self.p.go_home()
        yield self.screen_is("home")

        reads = self.p.opening.reads
        self.signal("close-all")
        yield self.until("the hours read again on config_changed", lambda: self.p.opening.reads > reads, 60)
        yield self.until("home says every zone is closed", lambda: self.app.screen("home").all_closed, 20)
        tiles = self._tiles()
        self.results["all_closed"] = {"line": list(self.p.all_closed()), "heading": plain(welcome.zh, welcome.en),
                                      "zones_closed": [c for c, t in tiles.items() if t.badge and t.closed],
                                      "priority_closed": tiles["priority"].closed}
        yield from self._both(f"{orientation}-home-all-closed")
        self.p.toggle_large()
        yield from self.shot(f"{orientation}-home-all-closed-large-zh")
        self.p.toggle_large()
        yield self.settled()
        yield from self.tap(self.find("priority"))
        yield self.until("the green channel answered", lambda: self.p.notice is not None)
        self.results["priority_tap"] = {"screen": self.p.screen, "notice": list(self.p.notice)}
        self.p.notice = None
        self.results["still_open"] = {}
        yield from self._opens("pickup", "scan")
        yield from self._opens("case", "scan")
        yield from self._opens("checkin", "scan")
        # Search and the guides need no hours; taking the number there is refused by the server (409 closed).
        yield from self.tap(self.find("search"))
        yield self.screen_is("matters")
        self.results["still_open"]["search"] = self.p.screen
        yield from self.tap(self.find(self.p.matters()[0]["code"]))
        yield self.screen_is("guide")
        yield from self.tap(self.find(widget_id="take"))
        yield self.until("the server refused", lambda: self.p.tickets.closed is not None and bool(self.toast_text()))
        self.results["refused"] = {"screen": self.p.screen, "notice": list(self.p.notice)}
        yield from self.shot(f"{orientation}-guide-refused-zh")


if __name__ == "__main__":
    kd.Driver = ClosedDriver  # main() builds the driver by this module-level name
    kd.main()
