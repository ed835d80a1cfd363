"""The central service's Flask app, built from a connection pool (queue_server/central/db.py)."""

from __future__ import annotations

import time

import psycopg
from flask import Flask
from psycopg_pool import PoolTimeout
from werkzeug.exceptions import HTTPException

from queue_server.api.helpers import error_response
from queue_server.api.login_guard import LoginGuard
from queue_server.central import api, pages
from queue_server.central.faults import after_commit_hook
from queue_server.central.partitions import Partitions
from queue_server.settings import server_settings

MAX_BODY = 16 * 1024 * 1024  # a batch of 10,000 events is a few MB of JSON


def create_central_app(pool) -> Flask:
    app = Flask(__name__, static_folder=None)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_NAME="city_session")
    app.json.ensure_ascii = False
    with pool.connection() as conn:
        app.secret_key = conn.execute("SELECT value FROM settings WHERE key = 'secret_key'").fetchone()[0]
    app.extensions["central_pool"] = pool
    app.extensions["central_partitions"] = Partitions()
    app.extensions["central_after_commit"] = after_commit_hook()
    # The hall's sign-in limits (LOGIN_* settings, from the environment as for a hall's server).
    app.extensions["login_guard"] = LoginGuard(server_settings(), time.monotonic)
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    app.register_blueprint(pages.bp)

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        return error_response(e.code or 500, "http_error", e.description or e.name)

    @app.errorhandler(psycopg.OperationalError)
    @app.errorhandler(PoolTimeout)
    def database_unavailable(e: Exception):
        app.logger.error("the central database does not answer: %s", e)
        response = error_response(503, "database_unavailable", "the central database does not answer; try again")
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(Exception)
    def unexpected(e: Exception):
        app.logger.exception("unexpected error")
        return error_response(500, "internal_error", "something went wrong on the central server; it is logged")

    return app
