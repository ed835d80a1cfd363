"""The web board (/board, /board?zones=A,B) for browser TVs, and each window's small screen (/window/{no}/screen).

Both are one HTML page with local JS and CSS (no external assets). The page reads
GET /api/v1/board, then follows GET /api/v1/events (EventSource reconnects by itself)
and resyncs from /api/v1/board on every (re)connect.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from queue_server.api.board import zones_arg
from queue_server.api.helpers import hall
from queue_server.errors import BadRequest, NotFound

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
    return render_template("board.html", hall=h.config, zones=",".join(zones or []), history=history)


@bp.get("/window/<int:number>/screen")
def window_screen(number: int):
    h = hall()
    if number not in {w.number for w in h.config.windows}:
        raise NotFound(f"there is no window {number} in this hall", code="window_not_found")
    return render_template("window_screen.html", hall=h.config, window=number)

