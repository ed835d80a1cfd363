"""Storage faults as answers: 503 storage_unavailable with Retry-After, never a 500 with a stack trace.

A fault raised by the Store is already a StorageUnavailable; an sqlite error raised by a query in a view
(a reader that met a lock, a disk I/O error) is classified here and noted in the store's health.
"""

from __future__ import annotations

import sqlite3

from flask import Flask, current_app

from queue_server.api.helpers import error_response
from queue_server.errors import StorageUnavailable
from queue_server.storage.database import Store


def storage_answer(e: StorageUnavailable):
    response = error_response(503, e.code, e.message, kind=e.kind)
    if e.retry_after_s:
        response.headers["Retry-After"] = str(e.retry_after_s)
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(StorageUnavailable, storage_answer)

    @app.errorhandler(sqlite3.Error)
    def sqlite_error(e: sqlite3.Error):
        store: Store = current_app.extensions["hall"].store
        fault = store.sqlite_fault(e)
        if fault is None:
            current_app.logger.exception("unexpected database error")
            return error_response(500, "internal_error", "something went wrong on the server; it has been logged")
        return storage_answer(fault)
