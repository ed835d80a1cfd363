"""Typed errors of the hall's operations; the web layer turns each into a 4xx JSON answer."""

from __future__ import annotations


class HallError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, **details: object):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details


class BadRequest(HallError):
    status, code = 400, "bad_request"


class Unauthorized(HallError):
    status, code = 401, "unauthorized"


class Forbidden(HallError):
    status, code = 403, "forbidden"


class NotFound(HallError):
    status, code = 404, "not_found"


class Conflict(HallError):
    status, code = 409, "conflict"


class TooLarge(HallError):
    status, code = 413, "body_too_large"


class TooManyRequests(HallError):
    status, code = 429, "too_many_requests"


class StorageUnavailable(HallError):
    """The database cannot be used now (locked, disk full, I/O error, read-only, or its file vanished).

    `kind` says which; `retry_after_s` is None when only a person can fix it (the file is gone).
    """

    status, code = 503, "storage_unavailable"

    def __init__(self, message: str, *, kind: str, retry_after_s: int | None = None):
        super().__init__(message, kind=kind)
        self.kind = kind
        self.retry_after_s = retry_after_s


class ServiceUnavailable(HallError):
    status, code = 503, "unavailable"
