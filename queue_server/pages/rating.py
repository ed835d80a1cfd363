"""好差评 at the window: the rating pad page /rate/window/{no} (a device of kind `pad` bound to that window).
The phone rates on its ticket page /t/{token} (pages/phone.py)."""

from __future__ import annotations

from flask import Blueprint

from queue_server.api.helpers import hall
from queue_server.pages.page_auth import render_page

bp = Blueprint("rating_pages", __name__)


@bp.get("/rate/window/<int:no>")
def pad(no: int):
    if no not in {w.number for w in hall().config.windows}:
        return render_page("rate_error.html", status=404, message_zh=f"没有 {no} 号窗口",
                           message_en=f"There is no window {no} in this hall")
    return render_page("rate_pad.html", window=no)


