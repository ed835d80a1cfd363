"""The one client module through which kiosks, wall displays and call-next buttons reach the server.

It speaks the JSON API over HTTP and follows the live event stream with
automatic reconnection. It never touches the database. Errors arrive as
`ApiError` (the server's error code and its plain message) or
`ServerUnreachable` (network down, server stopped, timeout).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import requests
import sseclient

from queue_server.core.input_checks import TEXT_LIMITS

log = logging.getLogger(__name__)


class ApiError(Exception):
    """The server answered with an error: `status`, `code` and a plain `message`."""

    def __init__(self, status: int | None, code: str, message: str, body: dict | None = None):
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.body = body or {}


class ServerUnreachable(ApiError):
    def __init__(self, message: str):
        super().__init__(None, "unreachable", message)


@dataclass(frozen=True)
class Event:
    id: int
    kind: str
    data: dict


class HallClient:
    def __init__(self, base_url: str, token: str | None = None, timeout: float = 5.0):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self._session = requests.Session()

    # ---- plumbing ----
    def _headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def request(self, method: str, path: str, json: Any = None, params: dict | None = None,
                timeout: float | None = None, **kwargs: Any) -> Any:
        """Call /api/v1{path}; returns the decoded JSON (None for 204), or raises ApiError."""
        url = f"{self.base_url}/api/v1{path}"
        try:
            r = self._session.request(method, url, json=json, params=params, headers=self._headers(),
                                      timeout=timeout or self.timeout, **kwargs)
        except requests.RequestException as e:
            raise ServerUnreachable(f"cannot reach the queue server at {self.base_url}: {e}") from e
        if r.status_code == 204:
            return None
        ctype = r.headers.get("Content-Type", "")
        if r.status_code >= 400:
            body = r.json() if ctype.startswith("application/json") else {}
            raise ApiError(r.status_code, body.get("error", "http_error"),
                           body.get("message", f"HTTP {r.status_code}"), body)
        return r.json() if ctype.startswith("application/json") else r.content

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params={k: v for k, v in params.items() if v is not None})

    def post(self, path: str, body: dict | None = None) -> Any:
        return self.request("POST", path, json=body or {})

    # ---- public ----
    def health(self) -> bool:
        try:
            return bool(self.get("/health").get("ok"))
        except ApiError:
            return False

    def hall(self) -> dict:
        return self.get("/hall")

    def board(self, zones: list[str] | None = None, windows: list[int] | None = None) -> dict:
        return self.get("/board", zones=",".join(zones) if zones else None,
                        windows=",".join(map(str, windows)) if windows else None)

    def opening(self) -> dict:
        """The opening hours now: per zone whether walk-in numbers are issued, today's sessions, the next hours."""
        return self.get("/opening")

    def ticket(self, ticket_id: int) -> dict:
        return self.get(f"/tickets/{ticket_id}")

    # ---- kiosk ----
    def take_number(self, zone: str, matter: str | None = None, bundle: str | None = None,
                    priority: str | None = None, source: str | None = None, phone: str | None = None) -> dict:
        """`phone`: a mobile number for SMS reminders, sent only when the citizen has agreed to the consent line."""
        body = {"zone": zone, "matter": matter, "bundle": bundle, "priority": priority, "source": source,
                "phone": phone, "sms_consent": True if phone else None}
        return self.post("/tickets", {k: v for k, v in body.items() if v is not None})

    def sms_reminder(self, ticket_id: int, phone: str) -> dict:
        """After printing: the citizen's mobile number for SMS reminders (they agreed to the consent line)."""
        return self.post(f"/tickets/{ticket_id}/sms", {"phone": phone, "sms_consent": True})

    def cancel(self, ticket_id: int, reason: str | None = None) -> dict:
        return self.post(f"/tickets/{ticket_id}/cancel", {"reason": reason} if reason else {})

    def alert(self, kind: str, message: str = "", data: dict | None = None) -> dict:
        # a device's error text can be long; the server takes TEXT_LIMITS["message"] characters
        message = message[:TEXT_LIMITS["message"]]
        return self.post("/alerts", {"kind": kind, "message": message, "data": data or {}})

    def redeem_pickup(self, code: str) -> dict:
        """A licence's pickup code: a desk ticket, a locker door, or a postal address to confirm."""
        return self.post("/pickups", {"code": code})

    def confirm_postal(self, code: str, accept: bool) -> dict:
        """The citizen's yes (post it) or no (ask the staff) to the address shown for a postal licence."""
        return self.post("/pickups/confirm", {"code": code, "accept": accept})

    def case_progress(self, lookup: dict) -> dict:
        """办件查询: {"code"} (the receipt's QR) or {"case_no", "id_last4"} → the case's state and dates."""
        return self.post("/cases/lookup", lookup)

    def check_in(self, code: str) -> dict:
        """An appointment's code: its ticket, or a refusal (too early, cancelled, ...)."""
        return self.post("/appointments/check-in", {"code": code})

    # ---- staff, buttons ----
    def login(self, username: str, password: str, busy_retries: int = 5) -> str:
        """Sign in; while the server is busy checking other passwords (503) wait as it says and try again."""
        for attempt in range(busy_retries + 1):
            try:
                self.token = self.post("/login", {"username": username, "password": password})["token"]
                break
            except ApiError as e:
                if e.status != 503 or attempt == busy_retries:
                    raise
                time.sleep(float(e.body.get("retry_after_s") or 1))
        self._session.cookies.clear()  # the pages' session cookie: this client sends its bearer token
        return self.token

    def open_window(self, no: int) -> dict:
        return self.post(f"/windows/{no}/open")

    def close_window(self, no: int) -> dict:
        return self.post(f"/windows/{no}/close")

    def call_next(self, no: int) -> dict | None:
        return self.post(f"/windows/{no}/call-next")

    def window_action(self, no: int, action: str, **body: Any) -> dict | None:
        """call-next, recall, start, finish, no-show, transfer (zone=, note=), pause (reason=), resume."""
        return self.post(f"/windows/{no}/{action.replace('_', '-')}", body)

    def set_zones(self, no: int, zones: list[str]) -> dict:
        return self.request("PUT", f"/windows/{no}/zones", json={"zones": zones})

    def stats(self, date: str | None = None) -> dict:
        return self.get("/stats", date=date)

    # ---- live events ----
    def events(self, last_event_id: int | None = None, read_timeout: float = 30.0) -> Iterator[Event]:
        """One connection to the event stream; ends (raises ServerUnreachable) when it drops."""
        headers = self._headers()
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        try:
            r = self._session.get(f"{self.base_url}/api/v1/events", headers=headers, stream=True,
                                  timeout=(self.timeout, read_timeout))
            r.raise_for_status()
            for ev in sseclient.SSEClient(r).events():
                if ev.id:
                    yield Event(int(ev.id), ev.event, _json(ev.data))
        except (requests.RequestException, ValueError) as e:
            raise ServerUnreachable(f"event stream lost: {e}") from e

    def follow(self, on_event: Callable[[Event], None], on_resync: Callable[[dict], None] | None = None,
               on_status: Callable[[bool], None] | None = None, zones: list[str] | None = None,
               windows: list[int] | None = None) -> EventFollower:
        """Follow the stream on a background thread, reconnecting and resyncing by itself."""
        follower = EventFollower(self, on_event, on_resync, on_status, zones, windows)
        follower.start()
        return follower


def _json(text: str) -> dict:
    import json

    return json.loads(text) if text else {}


class EventFollower:
    """Background follower: board snapshot, then events after it; on any loss, wait and do it again."""

    def __init__(self, client: HallClient, on_event, on_resync, on_status, zones, windows,
                 retry_s: tuple[float, ...] = (0.5, 1, 2, 3, 5)):
        self.client = HallClient(client.base_url, client.token, client.timeout)  # own connection pool
        self.on_event, self.on_resync, self.on_status = on_event, on_resync, on_status
        self.zones, self.windows = zones, windows
        self.retry_s = retry_s
        self.connected = False
        self.last_id: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hall-events", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.client._session.close()

    def _set_status(self, up: bool) -> None:
        if up != self.connected:
            self.connected = up
            if self.on_status:
                self.on_status(up)

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                snapshot = self.client.board(self.zones, self.windows)
                self.last_id = snapshot.get("last_event_id", self.last_id)
                if self.on_resync:
                    self.on_resync(snapshot)
                self._set_status(True)
                failures = 0
                for ev in self.client.events(self.last_id):
                    if self._stop.is_set():
                        return
                    self.last_id = ev.id
                    self.on_event(ev)
            except ApiError as e:
                log.info("event stream: %s", e.message)
            except Exception:  # a callback's bug must not kill the follower
                log.exception("event callback failed")
            if self._stop.is_set():
                return
            self._set_status(False)
            self._stop.wait(self.retry_s[min(failures, len(self.retry_s) - 1)])
            failures += 1
