"""/admin: the hall's content (matters and their guides, bundles, zones, windows, lists, notices, opening hours)
with every version and its revert; /admin/accounts: accounts and devices. Manager only; both pages edit through
the JSON API (api/config_admin.py, api/users.py, api/devices.py), so the checks are the API's.
"""

from __future__ import annotations

from flask import Blueprint

from queue_server.pages.page_auth import login_page, page_principal, render_page

bp = Blueprint("admin_pages", __name__)

CONTENT = ("大厅内容管理", "Hall content")
ACCOUNTS = ("账号与设备", "Accounts and devices")
DENIED = "此页面仅限大厅管理员。This page is for the hall manager only."


def _manager_page(title: tuple[str, str], template: str, live: bool = False):
    p = page_principal()
    if p is None:
        return login_page(*title, status=401)
    if not p.is_manager:
        return login_page(*title, status=403, role=p.kind, message=DENIED)
    return render_page(template, user=p.name, title_zh=title[0], title_en=title[1], live=live)


@bp.get("/admin")
def content():
    return _manager_page(CONTENT, "admin.html", live=True)


@bp.get("/admin/accounts")
def accounts():
    return _manager_page(ACCOUNTS, "admin_accounts.html")
