"""Shared by the console, rating and dashboard pages: their templates and static files, and who is looking.

Static files are served under /pages-static/ (Chart.js is vendored there, never a CDN).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, render_template

from queue_server.api.helpers import bearer_token, hall
from queue_server.api.session_cookie import page_csrf_token
from queue_server.errors import HallError
from queue_server.ops.accounts import Principal, authenticate

HERE = Path(__file__).resolve().parent
assets = Blueprint("hall_pages", __name__, static_folder=str(HERE / "static"), static_url_path="/pages-static",
                   template_folder=str(HERE / "templates"))


def page_principal() -> Principal | None:
    """The signed-in user of a page request (the HttpOnly cookie hall_token), or None."""
    token = bearer_token()
    if not token:
        return None
    try:
        return authenticate(hall(), token)
    except HallError:
        return None


def render_page(template: str, *, status: int = 200, **context):
    cfg = hall().config
    body = render_template(template, hall_name_zh=cfg.name_zh, hall_name_en=cfg.name_en,
                           csrf_token=page_csrf_token(), **context)
    return body, status, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
                          "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}


def login_page(title_zh: str, title_en: str, *, status: int = 200, message: str = "", role: str = ""):
    """The sign-in form (401 when not signed in, 403 when signed in with a role that may not see the page)."""
    return render_page("hall_login.html", status=status, title_zh=title_zh, title_en=title_en, message=message,
                       role=role)
