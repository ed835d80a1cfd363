"""The shipper: sends the hall's events after the centre's high-water mark, in batches, until stopped.

Protocol (JSON over HTTP(S), `Authorization: Bearer <hall token>`):
  GET  /api/v1/city/mark?epoch=E  -> {"hall", "epoch", "last_id"}
  POST /api/v1/city/ingest         {"hall", "epoch", "parent_epoch", "fork_id", "after", "columns", "events"}
                                   -> {"last_id", "inserted"}; 409 "gap" when `after` is beyond the mark
After any error the shipper forgets the mark and asks again, so a batch the centre committed but never
answered (a crash, a cut link) is not sent twice in vain, and one it lost is sent again.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass, field

import requests

from queue_server.shipping.backoff import backoff_s
from queue_server.shipping.hall_log import COLUMNS, HallLog
from queue_server.shipping.plan import decide

log = logging.getLogger(__name__)

BATCH = 2000  # events per POST: a few hundred KB of JSON
POLL_S = 0.5  # how often an idle shipper looks for new events (the steady lag is about this)
TIMEOUT_S = 30.0
FAULT_ENV = "HALL_SHIPPER_FAULT"


class CentralError(RuntimeError):
    """The centre answered with an error (its body says which)."""


@dataclass
class ShipperStats:
    batches: int = 0
    events: int = 0
    errors: int = 0
    stopped: str = ""
    last_error: str = field(default="", repr=False)


class Shipper:
    def __init__(self, db_path: str, central_url: str, token: str, *, batch: int = BATCH, poll_s: float = POLL_S,
                 max_backoff_s: float = 30.0, session: requests.Session | None = None):
        self.log = HallLog(db_path)
        self.url = central_url.rstrip("/")
        self.batch = batch
        self.poll_s = poll_s
        self.http = session or requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"
        self.stats = ShipperStats()
        self.stop_event = threading.Event()
        self.max_backoff_s = max_backoff_s
        self.fault = hang_after_post()

    def _call(self, method: str, path: str, **kw) -> dict:
        r = self.http.request(method, self.url + path, timeout=TIMEOUT_S, **kw)
        if r.status_code != 200:
            raise CentralError(f"{method} {path}: {r.status_code} {r.text[:300]}")
        return r.json()

    def mark(self, epoch: str) -> int:
        return int(self._call("GET", "/api/v1/city/mark", params={"epoch": epoch})["last_id"])

    def step(self, mark: int | None) -> tuple[int, bool]:
        """One round: (the centre's mark after it, whether there was nothing to send). Raises on errors."""
        meta = self.log.meta()
        if mark is None:
            mark = self.mark(meta["epoch"])
        decision = decide(central_mark=mark, local_last_id=self.log.last_id())
        if decision.action == "stop":
            raise StopShipping(decision.reason)
        if decision.action == "idle":
            return mark, True
        rows = self.log.batch(mark, self.batch)
        body = {"hall": meta.get("hall_code"), "epoch": meta["epoch"], "parent_epoch": meta.get("parent_epoch", ""),
                "fork_id": int(meta.get("fork_id") or 0), "zones": json.loads(meta.get("zones") or "[]"),
                "after": mark, "columns": list(COLUMNS), "events": rows}
        answer = self._call("POST", "/api/v1/city/ingest", json=body)
        if self.fault is not None:
            self.fault(self.stats.batches + 1)
        self.stats.batches += 1
        self.stats.events += int(answer.get("inserted", 0))
        return int(answer["last_id"]), len(rows) < self.batch and int(answer["last_id"]) >= rows[-1][0]

    def run(self, *, until_idle: bool = False) -> int:
        """Ship until stopped (0), or until nothing is left with `until_idle` (0); 2 when the logs disagree."""
        mark: int | None = None
        failures = 0
        while not self.stop_event.is_set():
            try:
                mark, idle = self.step(mark)
                failures = 0
            except StopShipping as e:
                self.stats.stopped = str(e)
                log.critical("shipping stopped: %s", e)
                self.log.raise_alert("shipping_stopped", str(e))
                return 2
            except (requests.RequestException, CentralError, ValueError, KeyError) as e:
                failures += 1
                self.stats.errors += 1
                self.stats.last_error = str(e)
                mark = None  # ask the centre where it stands before sending anything again
                wait = backoff_s(failures, cap_s=self.max_backoff_s)
                log.warning("shipping failed (%s); retrying in %.1f s", e, wait)
                self.stop_event.wait(wait)
                continue
            if idle:
                if until_idle:
                    return 0
                self.stop_event.wait(self.poll_s)
        return 0

    def close(self) -> None:
        self.log.close()
        self.http.close()


def hang_after_post(environ: dict[str, str] | None = None):
    """Fault injection for the tests: HALL_SHIPPER_FAULT=hang_after_post:N makes the shipper stop dead after the
    centre answered its N-th batch, before it takes the answer in, and say so in its log (the test then kills it
    with SIGKILL: a shipper killed mid-batch)."""
    spec = (environ if environ is not None else os.environ).get(FAULT_ENV) or ""
    if not spec.startswith("hang_after_post:"):
        return None
    at = int(spec.split(":", 1)[1])

    def hook(batch: int) -> None:
        if batch >= at:
            log.warning("fault injection: hanging after batch %d", batch)
            threading.Event().wait()

    return hook


class StopShipping(RuntimeError):
    """The centre holds more of this epoch than the hall: shipping would lose events."""
