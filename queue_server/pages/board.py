"""The web board (/board, /board?zones=A,B) for browser TVs, and each window's small screen (/window/{no}/screen).

Both extend hall_base.html and use the shared common/hall.js (event stream, fetch, clock) and
common/waits.js (the wait rule); board_fold.js folds GET /api/v1/board and GET /api/v1/events into
what is shown, resyncing from /api/v1/board each time the stream (re)opens.
"""

from __future__ import annotations

from flask import Blueprint, request

from queue_server.api.board import zones_arg
from queue_server.api.helpers import hall
from queue_server.core import board_layout
from queue_server.errors import BadRequest
from queue_server.pages.page_auth import render_page

bp = Blueprint("board_pages", __name__, static_folder="static/board", static_url_path="/board-assets",
               template_folder="templates")

MAX_HISTORY = 20


@bp.get("/board")
def board_page():
    h = hall()
    zones = zones_arg(h)  # unknown zones: 400 with the zone named
    try:
        history = int(request.args.get("history", 8))
    except ValueError:
        raise BadRequest("history= must be a number of earlier calls (1 to 20)", code="bad_history") from None
    if not 1 <= history <= MAX_HISTORY:
        raise BadRequest("history= must be 1 to 20 earlier calls", code="bad_history")
    return render_page("board.html", hall=h.config, zones=",".join(zones or []), history=history,
                       layout=board_layout)


@bp.get("/window/<int:number>/screen")
def window_screen(number: int):
    h = hall()
    numbers = sorted(w.number for w in h.config.windows)
    if number not in numbers:  # a page, not JSON: this address is typed into a screen's browser
        return render_page("window_not_found.html", status=404, hall=h.config, number=number,
                           first=numbers[0] if numbers else 0, last=numbers[-1] if numbers else 0)
    return render_page("window_screen.html", hall=h.config, window=number)

