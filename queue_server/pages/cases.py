"""/c/{token}: the citizen's phone page of a 受理回执 (the printed QR), and /cases: the back office's page.

The phone page shows the case's state, promised date, what is missing and where to collect, never a name, ID
or phone; a forged or altered link is a 404 like a ticket's. The back-office page (managers and staff) lists
cases with their deadlines and changes their state through the JSON API (static/cases/cases.js).
"""

from __future__ import annotations

from flask import Blueprint, current_app

from queue_server.api.helpers import hall
from queue_server.cases.lookup import by_token
from queue_server.errors import HallError
from queue_server.pages.page_auth import login_page, page_principal, render_page

bp = Blueprint("case_pages", __name__)
TITLE = ("办件管理", "Cases")


@bp.get("/c/<token>")
def case_phone(token: str):
    try:
        view = by_token(hall(), current_app.extensions["pickup_keys"], token)
    except HallError as e:
        return render_page("case_phone.html", status=404, v=None, error=True,
                           error_zh="链接无效，请重新扫描受理回执上的二维码，或到综合窗口咨询。",
                           error_en=f"This link is not valid ({e.message}). Scan the receipt's QR code again.")
    return render_page("case_phone.html", v=view, error=False)


@bp.get("/cases")
def cases_page():
    p = page_principal()
    if p is None:
        return login_page(*TITLE, status=401)
    if p.kind not in ("staff", "manager"):
        return login_page(*TITLE, status=403, role=p.kind)
    return render_page("cases.html", user=p.name, role=p.kind)
