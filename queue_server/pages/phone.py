"""GET /t/{token}: the citizen's phone page for one ticket (the printed QR).

The first HTML already says the number, the zone, the place and the wait (useful before any script runs and
on old Android WebViews); static/phone/phone.js (plain ES5, no modules) keeps it live through
/api/v1/t/{token}/events, falls back to polling /api/v1/t/{token}, and sends the 好差评 form.
"""

from __future__ import annotations

from flask import Blueprint

from queue_server.api.helpers import hall
from queue_server.api.phone import view_of
from queue_server.core.rating_scale import LEVELS, reasons_of
from queue_server.errors import HallError
from queue_server.pages.page_auth import render_page

bp = Blueprint("phone_pages", __name__)


@bp.get("/t/<token>")
def phone(token: str):
    try:
        view = view_of(token)
    except HallError as e:
        return render_page("rate_error.html", status=404,
                           message_zh="链接无效或已过期，请重新扫描票据上的二维码", message_en=e.message)
    return render_page("phone.html", token=token, v=view, levels=LEVELS,
                       reasons=reasons_of(hall().config.rules))
