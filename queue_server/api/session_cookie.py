"""The web pages' session: the server sets the `hall_token` cookie (HttpOnly, SameSite=Strict), and
every write that rides on that cookie must show it comes from the hall's own pages.

SameSite does not separate ports, so a page served on another port of the same host would still
send the cookie: a cookie-authenticated POST/PUT/PATCH/DELETE needs an Origin equal to this host:port,
or the page's CSRF token (an HMAC of the session token, put into each page) in `X-CSRF-Token`.
Requests with an Authorization header (devices, API clients) carry no ambient credential and pass.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from flask import Flask, Response, request

from queue_server.errors import Forbidden
from queue_server.ops.accounts import SESSION_HOURS

COOKIE = "hall_token"
CSRF_HEADER = "X-CSRF-Token"
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def csrf_token(session_token: str) -> str:
    """The page's CSRF token: unguessable without the session token, the same for the whole session."""
    return hmac.new(session_token.encode(), b"hall-csrf-v1", hashlib.sha256).hexdigest()


def page_csrf_token() -> str | None:
    """The CSRF token for the page being rendered, if the request carries a session cookie."""
    token = request.cookies.get(COOKIE)
    return csrf_token(token) if token else None


def set_session(response: Response, token: str) -> None:
    response.set_cookie(COOKIE, token, max_age=SESSION_HOURS * 3600, path="/", httponly=True, samesite="Strict")


def clear_session(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Strict")


def _same_origin(origin: str) -> bool:
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == request.host.lower()


def check_csrf() -> None:
    if request.method not in WRITES or "Authorization" in request.headers:
        return
    token = request.cookies.get(COOKIE)
    if not token:
        return  # no ambient credential: nothing to forge
    origin = request.headers.get("Origin")
    if origin and _same_origin(origin):
        return
    given = request.headers.get(CSRF_HEADER, "")
    if given and hmac.compare_digest(given, csrf_token(token)):
        return
    raise Forbidden("a signed-in page's change must come from this server's own pages (Origin or X-CSRF-Token)",
                    code="csrf")


def init_app(app: Flask) -> None:
    app.before_request(check_csrf)
