"""The one board fold (queue_server/core/board_fold.py) on the shared case table; test_web_board.py runs the web
board's JS twin on the same table."""

import json
from pathlib import Path

import pytest

from queue_server.core.board_fold import BoardFold

CASES = json.loads((Path(__file__).parent / "cases" / "board_fold.json").read_text(encoding="utf-8"))


def fold_view(case: dict) -> dict:
    """Run one case's steps through BoardFold and return its view in the table's shape."""
    options = case["options"]
    fold = BoardFold(zones=options.get("zones"), windows=options.get("windows"), history=options.get("history", 8))
    for step in case["steps"]:
        if "snapshot" in step:
            fold.resync(step["snapshot"], now=0)
        else:
            out = fold.apply(step["event"]["id"], step["event"]["kind"], step["event"]["data"], now=0)
            assert out.refresh == step.get("refresh", False), step  # a snapshot only after a gap
    view = fold.view(0)

    def call(c):
        return {"number": c.number, "window": c.window, "kind": c.kind}

    return {
        "current": call(view.current) if view.current else None,
        "recent": [call(c) for c in view.recent],
        "zones": [{"zone": z.zone, "waiting": z.waiting, "estimated_wait_s": z.estimated_wait_s,
                   "wait_zh": z.wait_zh, "wait_en": z.wait_en, "next": list(z.next)} for z in view.zones],
        "windows": [{"number": w.number, "state": w.state, "ticket": w.ticket, "pause_reason": w.pause_reason}
                    | ({"staff_name": w.staff_name, "staff_no": w.staff_no} if w.staff_name else {})
                    for w in view.windows],
    }


@pytest.mark.parametrize("case", CASES, ids=[c["why"] for c in CASES])
def test_board_fold_matches_the_table(case):
    assert fold_view(case) == case["expect"]
