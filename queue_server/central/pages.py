"""The city's pages: every visible hall's day, a hall's day by hour, exports; signed in with a session cookie."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, redirect, render_template, request, session, url_for

from queue_server.central import accounts, export, overview
from queue_server.central.api import Denied, parse_day, pool

HERE = Path(__file__).resolve().parent
bp = Blueprint("city_pages", __name__, template_folder=str(HERE / "templates"),
               static_folder=str(HERE.parent / "pages" / "static"), static_url_path="/city-static")
HEADERS = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "X-Frame-Options": "DENY",
           "Referrer-Policy": "no-referrer"}


def _user(conn) -> accounts.CityUser | None:
    name = session.get("user")
    return accounts.user_by_name(conn, name) if name else None


@bp.errorhandler(Denied)
def denied(e: Denied):
    return render_template("city_login.html", error=e.message), e.status, HEADERS


@bp.route("/city/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        with pool().connection() as conn:
            user = accounts.check_password(conn, request.form.get("username", "")[:100],
                                           request.form.get("password", "")[:200])
        if user:
            session.clear()
            session["user"] = user.name
            return redirect(url_for("city_pages.city"))
        error = "用户名或密码错误 / wrong user name or password"
    return render_template("city_login.html", error=error), 401 if error else 200, HEADERS


@bp.post("/city/logout")
def logout():
    session.clear()
    return redirect(url_for("city_pages.login"))


@bp.get("/city/")
def city():
    day = parse_day(request.args.get("day"))
    with pool().connection() as conn:
        user = _user(conn)
        if user is None:
            return redirect(url_for("city_pages.login"))
        days = overview.hall_days(conn, overview.visible_halls(conn, user), day)
    return render_template("city_overview.html", user=user, day=day.isoformat(), halls=days), 200, HEADERS


@bp.get("/city/halls/<code>")
def hall_day(code: str):
    day = parse_day(request.args.get("day"))
    with pool().connection() as conn:
        user = _user(conn)
        if user is None:
            return redirect(url_for("city_pages.login"))
        halls = [h for h in overview.visible_halls(conn, user) if h["code"] == code]
        if not halls:
            abort(404)  # another region's hall is not shown, not even as "forbidden"
        row = overview.hall_days(conn, halls, day)[0]
        hours = overview.hall_hours(conn, code, day)
    return render_template("city_hall.html", user=user, day=day.isoformat(), hall=row, hours=hours), 200, HEADERS


@bp.get("/city/export.<fmt>")
def export_day(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    day = parse_day(request.args.get("day"))
    with pool().connection() as conn:
        user = _user(conn)
        if user is None:
            raise Denied(401, "sign_in", "请先登录 / sign in first")
        days = overview.hall_days(conn, overview.visible_halls(conn, user), day)
    if fmt == "csv":
        body, mime = export.to_csv(days), "text/csv; charset=utf-8"
    else:
        body, mime = export.to_xlsx(days), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mime.split(";")[0], headers={
        "Content-Type": mime, "Content-Disposition": f'attachment; filename="city-{day.isoformat()}.{fmt}"'})
