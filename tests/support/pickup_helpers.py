"""Helpers for the pickup and appointment tests: an in-process app on a fixed clock with accounts."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from queue_server.app import create_app
from queue_server.clock import FixedClock
from queue_server.hall_config import HallConfig
from queue_server.ops import accounts

# Monday 23 Nov 2026, 10:00 in Jinan (02:00 UTC)
MONDAY_10 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
STAFF = ("desk1", "desk-pass-1")
MANAGER = ("boss", "boss-pass-1")


@dataclass
class Hallway:
    """An app on a fixed clock with a manager, a desk clerk, two kiosks and a back-office device; `h(who)` gives
    the bearer header of one of them (tests/support/api.Api does the same for the seeded accounts)."""

    app: Flask
    client: FlaskClient
    clock: FixedClock
    tokens: dict[str, str]
    db_path: Path

    @property
    def hall(self):
        return self.app.extensions["hall"]

    def h(self, who: str) -> dict:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def post(self, path: str, who: str, body: dict | None = None, **kw):
        return self.client.post(path, json=body, headers=self.h(who), **kw)

    def get(self, path: str, who: str, **kw):
        return self.client.get(path, headers=self.h(who), **kw)

    def licence(self, **fields) -> dict:
        body = {"case_no": "LX2026-0001", "licence_type": "营业执照", "holder_name": "张三丰",
                "id_last4": "123X", "phone_last4": "5678", "method": "desk"} | fields
        r = self.post("/api/v1/licences", "manager", body)
        assert r.status_code == 201, r.get_json()
        return r.get_json()

    def redeem(self, code: str, kiosk: str = "kiosk-01"):
        return self.post("/api/v1/pickups", kiosk, {"code": code})


@lru_cache(maxsize=1)
def _template() -> tuple[Path, dict[str, str]]:
    """Accounts are made once per test run (password hashing is slow) and the database copied for each test.

    The staff sessions are opened on a clock in 2099, so they stay valid whatever date a test starts on.
    """
    folder = tempfile.mkdtemp(prefix="hall-pickup-template-")
    atexit.register(shutil.rmtree, folder, True)
    db_path = Path(folder) / "hall.db"
    app = create_app(db_path=db_path, clock=FixedClock(datetime(2099, 1, 1, tzinfo=UTC)))
    hall = app.extensions["hall"]
    accounts.add_user(hall, *MANAGER, "manager")
    accounts.add_user(hall, *STAFF, "staff")
    tokens = {
        "kiosk-01": accounts.add_device(hall, "kiosk-01", "kiosk"),
        "kiosk-02": accounts.add_device(hall, "kiosk-02", "kiosk"),
        "backoffice": accounts.add_device(hall, "backoffice-01", "backoffice"),
        "display": accounts.add_device(hall, "display-01", "display"),
        "manager": accounts.login(hall, *MANAGER)["token"],
        "staff": accounts.login(hall, *STAFF)["token"],
    }
    hall.close()
    return db_path, tokens


def make_hallway(tmp_path: Path, *, start: datetime = MONDAY_10, settings: dict | None = None,
                 locker: object | None = None, config: HallConfig | None = None) -> Hallway:
    template, tokens = _template()
    db_path = tmp_path / "hall.db"
    shutil.copy(template, db_path)
    clock = FixedClock(start)
    app = create_app(db_path=db_path, clock=clock, settings=settings, locker=locker, config=config)
    return Hallway(app=app, client=app.test_client(), clock=clock, tokens=dict(tokens), db_path=db_path)
