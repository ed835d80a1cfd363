"""/console: the staff console at each window (sign on, call, serve, transfer, pause; live queue figures)."""

from __future__ import annotations

from flask import Flask

from queue_server import console_api
from queue_server.pages.page_auth import login_page, page_principal, register_assets, render_page

TITLE = ("窗口工作台", "Staff console")


def console():
    p = page_principal()
    if p is None or p.kind not in ("staff", "manager"):
        return login_page(*TITLE, status=401)
    return render_page("console.html", user=p.name, role=p.kind)


def register(app: Flask) -> None:
    register_assets(app)
    console_api.register(app)
    app.add_url_rule("/console", "console_page", console)
