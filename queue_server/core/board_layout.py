"""How big a wall board's letters are and how its zone panel pages (pure; one rule for the Kivy and web boards).

The readability rule (issue 16): a letter's cap-height must be at least
- 1/40 of the screen for what is read from 6 m: zone names, waits, waiting counts, the get-ready numbers,
  every caption of the zone panel;
- 1/24 of the screen for what is read from 10 m: call numbers and window numbers (letter height grows with
  the reading distance: 1/40 × 10 m / 6 m = 1/24).
"The screen" is its shorter side: a portrait screen is the same panel turned, so its letters need the same
physical height as in landscape (1/40 of 1080 px on a 1080p panel either way).

Fonts are sized from cap-heights through the font's own metric: Noto Sans CJK SC's cap-height is 733/1000
of its em (OS/2 sCapHeight), so a 1/40 cap-height needs a font of at least 1/40 / 0.733 = 3.41 % of the
screen's shorter side. Labels may shrink to fit a long name, but never below that floor (they end in "…").

Rasterisers round a glyph's ink to whole pixels (Kivy's SDL2_ttf drew the "H" of a 36.8 px font 26 px tall,
not 27), so the floor carries a 5 % margin (RASTER_MARGIN): measured ink stays at or above the rule.

Zones that do not fit the panel at that size are shown a page at a time, rotating every ZONE_PAGE_S.
"""

from __future__ import annotations

import math

CAP_HEIGHT_EM = 0.733  # Noto Sans CJK SC: sCapHeight 733 / unitsPerEm 1000
ZONE_CAP = 1 / 40  # of the shorter side: read at 6 m
CALL_CAP = 1 / 24  # of the shorter side: read at 10 m
RASTER_MARGIN = 1.05
ZONE_FONT_VMIN = 3.6  # zone panel text: % of the shorter side (the floor is 3.41 % x 1.05 = 3.58 %)
CALL_FONT_VMIN = 6.0  # call and window numbers (floor 5.68 % x 1.05 = 5.97 %)
ZONE_ROWS = {"landscape": 3, "portrait": 3}  # zone rows a page holds at the rule's size
ZONE_PAGE_S = 8  # seconds a page of zones stays before the next one


def min_font_px(width: float, height: float, cap: float = ZONE_CAP) -> float:
    """The smallest font size (px) whose cap-height is `cap` of the screen's shorter side."""
    return min(width, height) * cap / CAP_HEIGHT_EM * RASTER_MARGIN


def zone_pages(count: int, portrait: bool) -> int:
    """How many pages `count` zones take."""
    return max(1, math.ceil(count / ZONE_ROWS["portrait" if portrait else "landscape"]))


def page_slice(count: int, portrait: bool, page: int) -> range:
    """The indices of the zones shown on `page` (taken modulo the number of pages)."""
    rows = ZONE_ROWS["portrait" if portrait else "landscape"]
    start = (page % zone_pages(count, portrait)) * rows
    return range(start, min(count, start + rows))
