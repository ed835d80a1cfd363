"""好差评 pages: the rating pad at each window (/rate/window/{no}) and the phone page behind a ticket's QR
(/rate/t/{token}). Both talk to queue_server.api.ratings."""

from __future__ import annotations

from flask import Blueprint

from queue_server.api.helpers import hall
from queue_server.pages.page_auth import render_page
from queue_server.ratings import ops
from queue_server.ratings.tokens import BadToken, read_token

bp = Blueprint("rating_pages", __name__)


@bp.get("/rate/window/<int:no>")
def pad(no: int):
    if no not in {w.number for w in hall().config.windows}:
        return render_page("rate_error.html", status=404, message_zh=f"没有 {no} 号窗口",
                           message_en=f"There is no window {no} in this hall")
    return render_page("rate_pad.html", window=no)


@bp.get("/rate/t/<token>")
def phone(token: str):
    try:
        read_token(ops.secret(hall()), token)
    except BadToken as e:
        return render_page("rate_error.html", status=404, message_zh="评价链接无效或已过期，请重新扫描票据上的二维码",
                           message_en=str(e))
    return render_page("rate_phone.html", token=token)

