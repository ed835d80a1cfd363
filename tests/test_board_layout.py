"""The readability rule and the zone pages (queue_server/core/board_layout.py), shared by both boards."""

from queue_server.core.board_layout import (
    CALL_CAP,
    CALL_FONT_VMIN,
    CAP_HEIGHT_EM,
    ZONE_CAP,
    ZONE_FONT_VMIN,
    min_font_px,
    page_slice,
    zone_pages,
)


def test_the_rule_reads_the_shorter_side_and_the_fonts_are_above_their_floors():
    # 1/40 of 1080 px is 27 px of cap-height: 27 / 0.733 = 36.8 px of font, 38.7 with the rounding margin.
    assert round(min_font_px(1920, 1080, ZONE_CAP), 1) == round(min_font_px(1080, 1920, ZONE_CAP), 1) == 38.7
    assert round(min_font_px(1920, 1080, CALL_CAP), 1) == 64.5
    assert ZONE_FONT_VMIN * 10.8 >= min_font_px(1920, 1080, ZONE_CAP)
    assert CALL_FONT_VMIN * 10.8 >= min_font_px(1920, 1080, CALL_CAP)
    assert ZONE_CAP * 1080 <= ZONE_FONT_VMIN * 10.8 * CAP_HEIGHT_EM  # the font's own cap-height meets the rule


def test_zones_page_in_threes_and_every_zone_shows_once_per_cycle():
    assert [zone_pages(n, False) for n in (0, 1, 3, 4, 9, 10)] == [1, 1, 1, 2, 3, 4]
    shown = [i for page in range(3) for i in page_slice(9, True, page)]
    assert shown == list(range(9))
    assert list(page_slice(10, False, 3)) == [9] and list(page_slice(10, False, 4)) == [0, 1, 2]  # wraps around
