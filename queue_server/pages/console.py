"""/console: the staff console at each window (sign on, call, serve, transfer, pause; live queue figures)."""

from __future__ import annotations

from flask import Blueprint

from queue_server.pages.page_auth import login_page, page_principal, render_page

bp = Blueprint("console_page", __name__)

TITLE = ("窗口工作台", "Staff console")


@bp.get("/console")
def console():
    p = page_principal()
    if p is None or p.kind not in ("staff", "manager"):
        return login_page(*TITLE, status=401)
    return render_page("console.html", user=p.name, role=p.kind)

