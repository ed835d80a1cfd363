"""The city's pages: every visible hall's day, a hall's day by hour, exports; signed in with a session cookie."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, session, url_for

from queue_server.api.login_guard import LoginGuard
from queue_server.central import accounts, catalogue, export, lockouts, overview
from queue_server.central.api import Denied, parse_day, pool
from queue_server.errors import HallError, TooManyRequests
from queue_server.ops.accounts import check_login_input

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


@bp.errorhandler(HallError)
def refused(e: HallError):
    """The login guard's answers (429 too many attempts or locked, 503 busy, 400 too long): the form again."""
    headers = dict(HEADERS)
    if e.details.get("retry_after_s"):
        headers["Retry-After"] = str(int(e.details["retry_after_s"]))
    return render_template("city_login.html", error=_MESSAGES.get(e.code, e.message)), e.status, headers


_MESSAGES = {
    "too_many_logins": "尝试登录次数过多，请稍后再试 / too many sign-in attempts; try again later",
    "account_locked": "密码错误次数过多，该用户名已暂时锁定，请稍后再试 / too many wrong passwords; this user name is "
                      "locked for a while",
    "login_busy": "服务器正忙，请稍后再试 / the server is busy; try again shortly",
}


@bp.route("/city/login", methods=["GET", "POST"])
def login():
    """Sign in, with the hall's limits: per address and per name rate windows (429 + Retry-After), a lockout with a
    growing delay after wrong passwords, and the same scrypt work for a name that does not exist."""
    error = None
    if request.method == "POST":
        username, password = request.form.get("username", ""), request.form.get("password", "")
        check_login_input(username, password)
        guard: LoginGuard = current_app.extensions["login_guard"]
        guard.admit(request.remote_addr or "?", username)
        with pool().connection() as conn:
            wait = lockouts.locked_for(conn, username)
            if wait:
                raise TooManyRequests("locked", code="account_locked", retry_after_s=wait)
            with guard.password_check():
                user = accounts.check_password(conn, username, password)
            if user is None:
                lockouts.record_failure(conn, username)
            else:
                lockouts.clear(conn, username)
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
        published = catalogue.latest_version(conn) or None
    return render_template("city_overview.html", user=user, day=day.isoformat(), halls=days,
                           catalogue_version=published), 200, HEADERS


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
