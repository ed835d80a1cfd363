"""好差评 pages: the rating pad at each window (/rate/window/{no}) and the phone page behind a ticket's QR
(/rate/t/{token}). Both talk to queue_server.ratings.api."""

from __future__ import annotations

from flask import Flask

from queue_server.pages.page_auth import register_assets, render_page
from queue_server.ratings import ops
from queue_server.ratings.tokens import BadToken, read_token
from queue_server.web_helpers import hall


def pad(no: int):
    if no not in {w.number for w in hall().config.windows}:
        return render_page("rate_error.html", status=404, message_zh=f"没有 {no} 号窗口",
                           message_en=f"There is no window {no} in this hall")
    return render_page("rate_pad.html", window=no)


def phone(token: str):
    try:
        read_token(ops.secret(hall()), token)
    except BadToken as e:
        return render_page("rate_error.html", status=404, message_zh="评价链接无效或已过期，请重新扫描票据上的二维码",
                           message_en=str(e))
    return render_page("rate_phone.html", token=token)


def register(app: Flask) -> None:
    register_assets(app)
    app.add_url_rule("/rate/window/<int:no>", "rate_pad_page", pad)
    app.add_url_rule("/rate/t/<token>", "rate_phone_page", phone)
