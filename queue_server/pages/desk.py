"""/desk/licences and /desk/appointments: the back office's licence desk and appointment desk (manager or
backoffice accounts). The pages call the JSON API (api/licence_desk.py, api/appointment_desk.py)."""

from __future__ import annotations

from flask import Blueprint, current_app

from queue_server.api.helpers import hall
from queue_server.pages.page_auth import login_page, page_principal, render_page

bp = Blueprint("desk_pages", __name__)

DESK_ROLES = ("manager", "backoffice")
LICENCES = ("证照出件台", "Licence desk")
APPOINTMENTS = ("预约服务台", "Appointment desk")
DENIED = "此页面仅限后台人员和大厅管理员。This page is for back-office staff and the hall manager."


def _desk(title: tuple[str, str], template: str, **context):
    p = page_principal()
    if p is None:
        return login_page(*title, status=401)
    if p.kind not in DESK_ROLES:
        return login_page(*title, status=403, role=p.kind, message=DENIED)
    return render_page(template, title_zh=title[0], title_en=title[1], user=p.name, role=p.kind,
                       tz=hall().config.tz.key, **context)


@bp.get("/desk/licences")
def licences():
    return _desk(LICENCES, "desk_licences.html", hold_days=hall().config.rules.licence_hold_days,
                 sms_enabled=hall().config.sms.enabled)


@bp.get("/desk/appointments")
def appointments():
    rules = current_app.extensions.get("appointment_rules")
    cfg = hall().config
    zones = [(z.code, z.name_zh, z.name_en) for z in cfg.zones if rules and z.code in rules.zones]
    return _desk(APPOINTMENTS, "desk_appointments.html", zones=zones)
