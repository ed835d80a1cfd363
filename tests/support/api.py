"""One way for tests to call the JSON API: `Api(target, token)`, in process or over HTTP.

`target` is a Flask test client (the usual case: `Api(client, token)`) or a server's base URL when
the process matters (pages in a browser, event streams, crashes). Either way `call` gives a response
with `.status_code`, `.headers`, `.content`, `.text` and `.json()`, and `ok` gives the decoded JSON of
a 2xx answer (None for 204) or raises hall_client's `ApiError`, as the device client does.
"""

from __future__ import annotations

import json as jsonlib
from dataclasses import dataclass, field
from typing import Any

import requests
from flask.testing import FlaskClient

from hall_client.client import ApiError


@dataclass
class Reply:
    """An in-process answer with the same reading methods as a `requests` response."""

    status_code: int
    headers: Any
    content: bytes = field(repr=False)

    @property
    def text(self) -> str:
        return self.content.decode("utf-8")

    def json(self) -> Any:
        return jsonlib.loads(self.content)


@dataclass
class Api:
    """A caller with one bearer token (or none): the staff member, manager, kiosk or button of a test."""

    target: FlaskClient | str
    token: str | None = None

    @classmethod
    def login(cls, target: FlaskClient | str, user: str, password: str) -> Api:
        return cls(target, cls(target).ok("POST", "/api/v1/login", {"username": user, "password": password})["token"])

    @property
    def url(self) -> str:
        """The server's base URL (a caller over HTTP)."""
        if not isinstance(self.target, str):
            raise TypeError("an in-process caller has no URL")
        return self.target

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def call(self, method: str, path: str, body: Any = None, *, data: bytes | None = None,
             headers: dict[str, str] | None = None, cookies: dict[str, str] | None = None,
             **params: Any) -> Reply | requests.Response:
        """One request; `body` goes as JSON, `data` as raw bytes; keyword arguments are the query string."""
        headers = {**self.headers, **(headers or {})}
        query = {k: v for k, v in params.items() if v is not None} or None
        if isinstance(self.target, str):
            return requests.request(method, self.target + path, json=body, data=data, params=query, headers=headers,
                                    cookies=cookies, timeout=10)
        client = self.target
        if cookies:  # the test client sends its own cookie jar only: a fresh client with these cookies
            client = client.application.test_client()
            for name, value in cookies.items():
                client.set_cookie(name, value)
        with client.open(path, method=method, json=body, data=data, query_string=query, headers=headers) as r:
            return Reply(r.status_code, r.headers, r.get_data())

    def ok(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        """The decoded answer of a call that must succeed; ApiError (status, code, message) if it does not."""
        r = self.call(method, path, body, **params)
        if r.status_code >= 400:
            answer = r.json() if r.headers.get("Content-Type", "").startswith("application/json") else {}
            raise ApiError(r.status_code, answer.get("error", "http_error"), answer.get("message", r.text), answer)
        if r.status_code == 204 or not r.content:
            return None
        return r.json() if r.headers.get("Content-Type", "").startswith("application/json") else r.content

    # the calls tests repeat
    def take_ticket(self, zone: str, **fields: Any) -> dict:
        """POST /api/v1/tickets (a kiosk's token): zone, and matter, bundle, priority or source if given."""
        return self.ok("POST", "/api/v1/tickets", {"zone": zone, **{k: v for k, v in fields.items() if v is not None}})

    def window(self, no: int, action: str, **body: Any) -> dict | None:
        """POST /api/v1/windows/{no}/{action}: open, close, call-next, recall, start, finish, no-show, transfer…"""
        return self.ok("POST", f"/api/v1/windows/{no}/{action}", body)


def serve_one(kiosk: Api, staff: Api, window: int, zone: str = "commerce", matter: str | None = None) -> dict:
    """Take a number and serve it to the end at `window` (already opened by `staff`); returns the ticket."""
    t = kiosk.take_ticket(zone, matter=matter)
    called = staff.window(window, "call-next")
    assert called["id"] == t["id"], "the test expects an empty queue for this window's zones"
    staff.window(window, "start", ticket_id=t["id"])
    return staff.window(window, "finish", ticket_id=t["id"])
