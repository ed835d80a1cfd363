"""The Flask application: built from keyword arguments; every blueprint and hook is registered here."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from queue_server import logs
from queue_server.api import (
    alerts,
    appointment_desk,
    appointments,
    audit_hook,
    auth,
    board,
    cases,
    config_admin,
    console,
    devices,
    events,
    hall_info,
    licence_desk,
    phone,
    pickups,
    ratings,
    rebalance,
    session_cookie,
    stats,
    storage_errors,
    supervision,
    tickets,
    users,
    windows,
)
from queue_server.api.helpers import error_response
from queue_server.api.login_guard import LoginGuard
from queue_server.calendar_files import DEFAULT_CALENDAR_DIR, load_calendar
from queue_server.clock import Clock, system_clock
from queue_server.codes.keyfile import KeyStore, key_path_for
from queue_server.core.input_checks import INT_MAX, check_text
from queue_server.errors import HallError
from queue_server.hall import Hall
from queue_server.hall_config import HallConfig, load_config
from queue_server.notify.gateway import HttpSmsGateway
from queue_server.notify.worker import Notifier
from queue_server.ops import config_versions
from queue_server.pages import admin as admin_pages
from queue_server.pages import board as board_pages
from queue_server.pages import cases as case_pages
from queue_server.pages import console as console_page
from queue_server.pages import dashboard as dashboard_page
from queue_server.pages import desk as desk_pages
from queue_server.pages import page_auth
from queue_server.pages import phone as phone_page
from queue_server.pages import rating as rating_pages
from queue_server.pickups.lockers import Locker
from queue_server.serving.stream_slots import StreamSlots
from queue_server.settings import SSE_PUBLIC_WRITES_PER_S, server_settings
from queue_server.stream_pace import FanoutBudget

# The JSON API, all under /api/v1 (the table of routes is in README.md; tests/test_routes.py keeps it exact).
API_BLUEPRINTS = (
    hall_info.bp, tickets.bp, windows.bp, auth.bp, board.bp, events.bp, stats.bp, alerts.bp,
    console.bp, supervision.bp, rebalance.bp, pickups.bp, licence_desk.bp, appointments.bp, appointment_desk.bp,
    ratings.bp, users.bp, phone.bp, config_admin.bp, devices.bp, cases.bp,
)
# The web pages and their static files.
PAGE_BLUEPRINTS = (page_auth.assets, board_pages.bp, console_page.bp, dashboard_page.bp, desk_pages.bp,
                   rating_pages.bp, phone_page.bp, admin_pages.bp, case_pages.bp)

_HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "body_too_large",
               415: "unsupported_media_type"}
_HTTP_MESSAGES = {
    404: "no such path; the API lives under /api/v1 (see GET /api/v1/hall)",
    405: "this path does not accept that method",
}


class DatabaseMissing(RuntimeError):
    """The hall has run before (its key file exists) but its database file is gone: never start empty."""


def refuse_a_vanished_database(db_path: str | Path, key_file: str | Path) -> None:
    """The first start creates the database; a later start without it would silently begin an empty hall."""
    if not Path(db_path).exists() and Path(key_file).exists():
        raise DatabaseMissing(
            f"数据库文件 {db_path} 不存在，但本大厅曾经运行过（{key_file} 存在）。请从备份恢复数据库。 / "
            f"The database {db_path} is missing, but this hall has run before ({key_file} exists). Restore the "
            f"database from its backup; to start an empty hall on purpose, move {key_file} away first.")


class BoundedInt(IntegerConverter):
    """<int:...> in a path: a number SQLite can hold (up to 2^63-1), or the path matches nothing (404)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = INT_MAX,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def _check_url_text() -> None:
    """Query arguments and text in the path: no NUL, at most 1,000 characters (input_checks)."""
    for name, value in request.args.items(multi=True):
        check_text(name, "argument name", 100)
        check_text(value, name, 1000)
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str):
            check_text(value, name, 1000)


def calendar_dir(settings: Mapping[str, Any], config_path: str | Path | None = None) -> Path:
    """HALL_CALENDAR_DIR, else `calendar/` beside the hall file when it has one, else the sample's."""
    if settings.get("HALL_CALENDAR_DIR"):
        return Path(settings["HALL_CALENDAR_DIR"])
    hall_file = config_path or settings.get("HALL_CONFIG_PATH")
    if hall_file and (Path(hall_file).parent / "calendar").is_dir():
        return Path(hall_file).parent / "calendar"
    return DEFAULT_CALENDAR_DIR


def create_app(
    *, db_path: str | Path, config: HallConfig | None = None, config_path: str | Path | None = None,
    clock: Clock = system_clock, settings: Mapping[str, Any] | None = None, locker: Locker | None = None,
    on_config_drift: str = "apply",
) -> Flask:
    """The queue server. `locker` is the pickup locker's adapter (hardware.locker), None in a hall with none.

    `on_config_drift`: what a configuration that differs from the database's live one does — "apply" it as a new
    version (a caller passing one on purpose), or "report" (`hall server`: the database's serves, a warning says
    which command to run).
    """
    app = Flask(__name__, static_folder=None)  # each page blueprint serves its own files
    app.url_map.converters["int"] = BoundedInt  # before any route is added
    app.config.update(JSON_AS_ASCII=False)
    app.config.update(server_settings(settings))
    app.json.ensure_ascii = False
    key_file = app.config["PICKUP_KEY_FILE"] or key_path_for(db_path)
    refuse_a_vanished_database(db_path, key_file)
    hall = Hall(config=config or load_config(config_path), db_path=db_path, clock=clock,
                calendar=load_calendar(calendar_dir(app.config, config_path)), on_config_drift=on_config_drift)
    hall.serving = True  # a configuration applied from now on is taken into use with a live event
    if hall.config_drift:
        app.logger.warning("%s", hall.config_drift.message(str(config_path or app.config["HALL_CONFIG_PATH"] or
                                                                 "config/hall.toml")))
    app.extensions["hall"] = hall
    app.extensions["pickup_keys"] = KeyStore(key_file, hall.now())
    app.extensions["pickup_locker"] = locker
    app.extensions["login_guard"] = LoginGuard(app.config, lambda: hall.now().timestamp())
    app.extensions["appointment_rules"] = appointments.load_hall_rules(app)
    app.extensions["event_stream_slots"] = StreamSlots()
    app.extensions["fanout_budget"] = FanoutBudget(app.config[SSE_PUBLIC_WRITES_PER_S.name])
    for bp in API_BLUEPRINTS:
        app.register_blueprint(bp, url_prefix="/api/v1")
    for bp in PAGE_BLUEPRINTS:
        app.register_blueprint(bp)
    audit_hook.init_app(app)
    storage_errors.init_app(app)
    logs.init_app(app)
    app.before_request(_check_url_text)
    app.before_request(lambda: config_versions.follow_database(hall))  # `hall config apply` from another process
    session_cookie.init_app(app)
    if hall.config.sms.enabled and app.config["SMS_WORKER"]:
        app.extensions["sms_notifier"] = Notifier(hall, HttpSmsGateway(hall.config.sms)).start()

    @app.errorhandler(HallError)
    def hall_error(e: HallError):
        response = error_response(e.status, e.code, e.message, **e.details)
        if e.details.get("retry_after_s"):
            response.headers["Retry-After"] = str(int(e.details["retry_after_s"]))
        return response

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        status = e.code or 500
        message = _HTTP_MESSAGES.get(status, e.description or e.name)
        if status == 413:
            message = f"the request body is too large (limit {app.config['MAX_CONTENT_LENGTH'] // 1024} KB)"
        return error_response(status, _HTTP_CODES.get(status, "http_error"), message)

    @app.errorhandler(Exception)
    def unexpected(e: Exception):
        app.logger.exception("unexpected error")
        return error_response(500, "internal_error", "something went wrong on the server; it has been logged")

    return app
