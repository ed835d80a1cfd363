"""Sign-in on a LAN that strangers reach: rate limits per address and per user name (429 + Retry-After),
a lockout with a growing delay that the manager lifts, the same work for unknown names, and a bound on
password checks at once (503 + Retry-After) so sign-ins cannot exhaust memory."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hall_client.client import ApiError, HallClient
from queue_server.app import create_app
from queue_server.clock import FixedClock
from queue_server.core.login_limits import SlidingWindow, lock_seconds
from queue_server.ops import accounts

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    return FixedClock(START)


def make_app(tmp_path, clock, **settings):
    app = create_app(db_path=tmp_path / "hall.db", clock=clock, settings=settings)
    hall = app.extensions["hall"]
    accounts.add_user(hall, "boss", "boss-pass-1", "manager")
    accounts.add_user(hall, "li", "li-pass-1", "staff")
    return app


def login(client, user, password, addr="10.0.0.7"):
    return client.post("/api/v1/login", json={"username": user, "password": password},
                       environ_base={"REMOTE_ADDR": addr})


def test_lock_delay_grows_and_is_capped():
    assert [lock_seconds(n) for n in range(1, 9)] == [0, 0, 0, 0, 60, 120, 240, 480]
    assert lock_seconds(40) == 3600


def test_sliding_window_counts_per_key_and_says_when():
    w = SlidingWindow(2, window_s=60)
    assert w.hit("a", 0) == 0 and w.hit("a", 10) == 0
    assert w.hit("a", 20) == 40
    assert w.hit("b", 20) == 0
    assert w.hit("a", 60) == 0  # the first fell out of the window


def test_sliding_window_forgets_idle_keys_when_full():
    w = SlidingWindow(1, window_s=60, max_keys=3)
    for i in range(10):
        w.hit(f"name-{i}", float(i * 100))
    assert len(w._events) <= 3


def test_one_address_is_rate_limited_with_retry_after(tmp_path, clock):
    app = make_app(tmp_path, clock, LOGIN_PER_ADDRESS_PER_MINUTE=3)
    c = app.test_client(use_cookies=False)
    for i in range(3):
        assert login(c, f"guess{i}", "x").status_code == 401
    r = login(c, "li", "li-pass-1")
    assert r.status_code == 429 and r.json["error"] == "too_many_logins"
    assert r.headers["Retry-After"] == "60" and r.json["retry_after_s"] == 60
    assert login(c, "li", "li-pass-1", addr="10.0.0.8").status_code == 200  # another client is not held up
    clock.advance(60)
    assert login(c, "li", "li-pass-1").status_code == 200


def test_one_user_name_is_rate_limited_from_any_address(tmp_path, clock):
    app = make_app(tmp_path, clock, LOGIN_PER_USER_PER_MINUTE=3)
    c = app.test_client(use_cookies=False)
    for i in range(3):
        login(c, "li", "li-pass-1", addr=f"10.0.1.{i}")
    r = login(c, "li", "li-pass-1", addr="10.0.1.99")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0


def test_wrong_passwords_lock_the_name_with_a_growing_delay(tmp_path, clock):
    app = make_app(tmp_path, clock)
    c = app.test_client(use_cookies=False)
    for _ in range(5):
        assert login(c, "li", "wrong-guess").status_code == 401
    r = login(c, "li", "li-pass-1")  # even the right password waits out the lock
    assert r.status_code == 429 and r.json["error"] == "account_locked" and r.headers["Retry-After"] == "60"
    clock.advance(61)
    assert login(c, "li", "wrong-again").status_code == 401
    r = login(c, "li", "li-pass-1")
    assert r.status_code == 429 and r.headers["Retry-After"] == "120"
    clock.advance(121)
    assert login(c, "li", "li-pass-1").status_code == 200  # a right password starts the count again
    for _ in range(4):
        assert login(c, "li", "wrong-guess").status_code == 401
    assert login(c, "li", "li-pass-1").status_code == 200


def test_the_manager_unlocks_a_locked_name(tmp_path, clock):
    app = make_app(tmp_path, clock)
    c = app.test_client(use_cookies=False)
    for _ in range(5):
        login(c, "li", "wrong-guess")
    boss = login(c, "boss", "boss-pass-1", addr="10.0.0.2").json["token"]
    users = {u["username"]: u for u in c.get("/api/v1/users", headers={"Authorization": f"Bearer {boss}"}).json}
    assert users["li"]["locked_for_s"] == 60 and users["li"]["failures"] == 5
    r = c.post("/api/v1/users/li/unlock", headers={"Authorization": f"Bearer {boss}"})
    assert r.status_code == 200 and r.json["was_locked"] is True
    assert login(c, "li", "li-pass-1").status_code == 200


def test_unknown_names_cost_the_same_check_and_lock_the_same_way(tmp_path, clock, monkeypatch):
    app = make_app(tmp_path, clock)
    c = app.test_client(use_cookies=False)
    checked = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash", lambda h, p: checked.append(h) or real(h, p))
    known, unknown = login(c, "li", "wrong-guess"), login(c, "nobody", "wrong-guess")
    assert known.status_code == unknown.status_code == 401 and known.json == unknown.json
    assert len(checked) == 2 and checked[1] == accounts.DUMMY_HASH  # the unknown name ran a real scrypt check
    assert checked[0].split("$")[0] == checked[1].split("$")[0]  # with the same parameters as a real account
    for _ in range(4):
        login(c, "nobody", "wrong-guess")
    r = login(c, "nobody", "wrong-guess")
    assert r.status_code == 429 and r.json["error"] == "account_locked"


def test_password_checks_at_once_are_bounded(tmp_path, clock):
    app = make_app(tmp_path, clock, LOGIN_CONCURRENT_CHECKS=1, LOGIN_WAITING_CHECKS=0)
    c = app.test_client(use_cookies=False)
    guard = app.extensions["login_guard"]
    guard.checks.acquire()  # another sign-in is being checked
    try:
        r = login(c, "li", "li-pass-1")
        assert r.status_code == 503 and r.json["error"] == "login_busy" and r.headers["Retry-After"] == "2"
    finally:
        guard.checks.release()
    assert login(c, "li", "li-pass-1").status_code == 200


def test_the_client_waits_and_retries_while_the_server_is_busy(monkeypatch):
    from hall_client import client as client_module

    answers = [ApiError(503, "login_busy", "busy", {"retry_after_s": 2}), {"token": "tok"}]
    slept = []

    def post(path, body=None):
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(client_module.time, "sleep", slept.append)
    c = HallClient("http://127.0.0.1:9")
    monkeypatch.setattr(c, "post", post)
    assert c.login("li", "li-pass-1") == "tok" and slept == [2.0]


def test_over_long_names_and_passwords_are_refused_before_counting(tmp_path, clock):
    app = make_app(tmp_path, clock, LOGIN_PER_ADDRESS_PER_MINUTE=2)
    c = app.test_client(use_cookies=False)
    for user, password in (("x" * 65, "x"), ("li", "x" * 1025), ("x" * 100_000, "x")):
        r = login(c, user, password)
        assert r.status_code == 400 and r.json["error"] in ("bad_field", "too_long")
    assert len(app.extensions["login_guard"].per_user._events) == 0
    assert login(c, "li", "li-pass-1").status_code == 200
