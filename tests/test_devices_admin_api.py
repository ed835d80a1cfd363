"""The manager's accounts and devices over the API: add a user, change a role; devices listed with last seen,
registered with a setup code, revoked and rotated; refusals are 4xx JSON and change nothing."""

from __future__ import annotations

import tomllib
from datetime import timedelta

import pytest

from tests.support.api import Api


@pytest.fixture
def boss(client, seeded):
    return Api.login(client, *seeded.manager)


def _users(boss):
    return {u["username"]: u for u in boss.ok("GET", "/api/v1/users")}


def _devices(boss):
    return {d["name"]: d for d in boss.ok("GET", "/api/v1/devices")}


def test_add_a_user_and_change_the_role(boss, client):
    assert boss.ok("POST", "/api/v1/users", {"username": "wang", "password": "wang-pass-1", "role": "staff"})
    wang = Api.login(client, "wang", "wang-pass-1")
    assert wang.call("GET", "/api/v1/config").status_code == 403
    boss.ok("PUT", "/api/v1/users/wang/role", {"role": "manager"})
    assert wang.call("GET", "/api/v1/config").status_code == 200  # the open session has the new role at once
    assert _users(boss)["wang"]["role"] == "manager"


@pytest.mark.parametrize("body,status,code", [
    ({"username": "staff1", "password": "another-1", "role": "staff"}, 409, "user_exists"),
    ({"username": "zhao", "password": "x", "role": "staff"}, 400, "weak_password"),
    ({"username": "zhao", "password": "zhao-pass-1", "role": "king"}, 400, "bad_request"),
    ({"username": "zhao", "role": "staff"}, 400, "missing_field"),
])
def test_a_bad_new_user_is_refused_and_nothing_changes(boss, body, status, code):
    before = _users(boss)
    r = boss.call("POST", "/api/v1/users", body)
    assert (r.status_code, r.json()["error"]) == (status, code)
    assert _users(boss) == before


def test_the_last_manager_keeps_the_role(boss):
    r = boss.call("PUT", "/api/v1/users/boss/role", {"role": "staff"})
    assert r.status_code == 409 and r.json()["error"] == "last_manager"
    assert boss.call("PUT", "/api/v1/users/ghost/role", {"role": "staff"}).status_code == 404
    assert boss.call("PUT", "/api/v1/users/staff1/role", {"role": "king"}).status_code == 400
    assert _users(boss)["boss"]["role"] == "manager" and _users(boss)["staff1"]["role"] == "staff"


def test_a_device_is_registered_with_a_setup_code_seen_rotated_and_revoked(boss, client):
    made = boss.ok("POST", "/api/v1/devices", {"name": "kiosk-02", "kind": "kiosk"})
    setup = tomllib.loads(made["setup"])
    assert setup["device"] == {"name": "kiosk-02", "kind": "kiosk"}
    assert setup["server"]["token"] == made["token"] and setup["server"]["url"].startswith("http://")
    assert made["setup_qr_svg"].startswith("<svg")
    assert _devices(boss)["kiosk-02"]["last_seen_at"] is None
    kiosk = Api(client, made["token"])
    kiosk.ok("GET", "/api/v1/me")
    seen = _devices(boss)["kiosk-02"]["last_seen_at"]
    assert seen
    rotated = boss.ok("POST", "/api/v1/devices/kiosk-02/rotate")
    assert kiosk.call("GET", "/api/v1/me").status_code == 401
    assert Api(client, rotated["token"]).ok("GET", "/api/v1/me")["name"] == "kiosk-02"
    boss.ok("POST", "/api/v1/devices/kiosk-02/revoke")
    assert Api(client, rotated["token"]).call("GET", "/api/v1/me").status_code == 401
    assert _devices(boss)["kiosk-02"]["revoked_at"]


def test_last_seen_is_written_at_most_once_a_minute(app, seeded):
    from queue_server.ops import accounts

    hall = app.extensions["hall"]
    token = seeded.devices["kiosk-01"]
    start = hall.now()
    writes = []
    hall.store.conn.set_trace_callback(lambda sql: writes.append(sql) if "last_seen_at" in sql else None)
    try:
        for _ in range(20):
            accounts.authenticate(hall, token)
    finally:
        hall.store.conn.set_trace_callback(None)
    assert len(writes) == 1
    hall.device_seen["kiosk-01"] = (start - timedelta(seconds=61)).timestamp()
    accounts.authenticate(hall, token)
    row = hall.store.read().execute("SELECT last_seen_at FROM device_seen WHERE name = 'kiosk-01'").fetchone()
    assert row[0]


@pytest.mark.parametrize("body,status", [
    ({"name": "kiosk-01", "kind": "kiosk"}, 409),
    ({"name": "pad-9", "kind": "pad"}, 400),
    ({"name": "x", "kind": "toaster"}, 400),
    ({"kind": "kiosk"}, 400),
])
def test_a_bad_device_is_refused_and_nothing_changes(boss, body, status):
    before = _devices(boss)
    r = boss.call("POST", "/api/v1/devices", body)
    assert r.status_code == status and r.json()["error"]
    assert _devices(boss) == before


def test_device_routes_are_for_the_manager_only(client, seeded):
    staff = Api.login(client, "staff1", seeded.staff["staff1"])
    kiosk = Api(client, seeded.devices["kiosk-01"])
    for who in (staff, kiosk, Api(client)):
        for method, path, body in (("GET", "/api/v1/devices", None),
                                   ("POST", "/api/v1/devices", {"name": "k", "kind": "kiosk"}),
                                   ("POST", "/api/v1/devices/kiosk-01/revoke", None),
                                   ("POST", "/api/v1/devices/kiosk-01/rotate", None),
                                   ("POST", "/api/v1/users", {"username": "u", "password": "pppppp", "role": "staff"}),
                                   ("PUT", "/api/v1/users/staff1/role", {"role": "manager"})):
            assert who.call(method, path, body).status_code in (401, 403), (method, path)
    assert kiosk.ok("GET", "/api/v1/me")["name"] == "kiosk-01"  # still valid: nothing was revoked
    boss = Api.login(client, *seeded.manager)
    assert boss.call("POST", "/api/v1/devices/ghost/rotate").status_code == 404
    assert boss.call("POST", "/api/v1/devices/ghost/revoke").status_code == 404
