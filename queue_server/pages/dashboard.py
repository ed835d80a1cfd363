"""/dashboard: the hall manager's supervision page (live hall, balancing, follow-ups, history, audit).
"""

from __future__ import annotations

from flask import Blueprint

from queue_server.pages.page_auth import login_page, page_principal, render_page

bp = Blueprint("dashboard_page", __name__)

TITLE = ("监督管理", "Supervision")


@bp.get("/dashboard")
def dashboard():
    p = page_principal()
    if p is None:
        return login_page(*TITLE, status=401)
    if not p.is_manager:
        return login_page(*TITLE, status=403, role=p.kind,
                          message="此页面仅限大厅管理员。This page is for the hall manager only.")
    return render_page("dashboard.html", user=p.name)

