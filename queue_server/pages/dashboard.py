"""/dashboard: the hall manager's supervision page (live hall, balancing, follow-ups, history, audit).

Also brings the manager API it uses (queue_server.supervision_api) and the audit log's schema and hook.
"""

from __future__ import annotations

from flask import Flask

from queue_server import supervision_api
from queue_server.audit import migrations  # noqa: F401  (the audit log's own schema, applied with this extension)
from queue_server.pages.page_auth import login_page, page_principal, register_assets, render_page

TITLE = ("监督管理", "Supervision")


def dashboard():
    p = page_principal()
    if p is None:
        return login_page(*TITLE, status=401)
    if not p.is_manager:
        return login_page(*TITLE, status=403, role=p.kind,
                          message="此页面仅限大厅管理员。This page is for the hall manager only.")
    return render_page("dashboard.html", user=p.name)


def register(app: Flask) -> None:
    register_assets(app)
    supervision_api.register(app)
    app.add_url_rule("/dashboard", "dashboard_page", dashboard)
