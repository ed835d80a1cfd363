"""The one wait rule (queue_server/core/waits.py) against the shared case table; the JS copy is run on the same
table in test_web_board.py."""

import json
from pathlib import Path

import pytest

from queue_server.core.waits import phrase_of, ticket_line, wait_phrase

CASES = json.loads((Path(__file__).parent / "cases" / "waits.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["why"] for c in CASES])
def test_wait_phrase_matches_the_table(case):
    phrase = wait_phrase(case["ahead"], case["seconds"], idle=case["idle"], open_=case["open"])
    assert phrase == (case["zh"], case["en"])


def test_a_board_zone_and_a_ticket_answer_read_the_same_fields():
    zone = {"waiting": 0, "estimated_wait_s": 480, "idle_windows": 1, "open_windows": 2}
    ticket = {"ahead": 0, "estimated_wait_s": 480, "idle_windows": 1, "open_windows": 2}
    assert phrase_of(zone) == phrase_of(ticket, "ahead") == ("无需等候", "no wait")


def test_an_answer_without_window_counts_lets_the_estimate_speak():
    assert phrase_of({"waiting": 0, "estimated_wait_s": 480}) == ("下一位 · 约 8 分钟", "next · about 8 min")


def test_ticket_line():
    assert ticket_line(0, ("无需等候", "no wait")) == ("前面没有人，无需等候", "Nobody is ahead of you; no wait")
    assert ticket_line(0, ("即将叫号", "called soon")) == ("前面没有人，即将叫号",
                                                      "Nobody is ahead of you; you will be called soon")
    assert ticket_line(1, ("约 3 分钟", "about 3 min")) == ("前面还有 1 人，预计等候约 3 分钟",
                                                        "1 person is ahead of you; expected wait about 3 min")
    assert ticket_line(2, ("—", "—")) == ("前面还有 2 人", "2 people are ahead of you")
