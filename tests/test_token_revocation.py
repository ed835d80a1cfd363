"""Every change that decides who a token is takes effect on its next use, for a token that was just used:
logout, a disabled account, a new password, a new role, a revoked or rotated device token, an expired session,
whether the change comes from this process or from another (the CLI). Tokens are looked up on every request
(about 10 µs, bench/README.md); these tests hold any future cache of them to the same."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from queue_server.cli import cli
from queue_server.clock import FixedClock
from queue_server.errors import Unauthorized
from queue_server.hall import Hall
from queue_server.hall_config import load_config
from queue_server.ops import accounts

START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    return FixedClock(START)


@pytest.fixture
def hall(tmp_path, clock):
    h = Hall(config=load_config(), db_path=tmp_path / "hall.db", clock=clock)
    accounts.add_user(h, "boss", "boss-pass-1", "manager")
    accounts.add_user(h, "li", "li-pass-1", "staff")
    yield h
    h.close()


def session(hall: Hall, user: str = "li", password: str = "li-pass-1") -> str:
    token = accounts.login(hall, user, password)["token"]
    assert accounts.authenticate(hall, token).name == user  # used once before the change
    return token


def test_logout_disable_new_password_and_new_role_end_what_was_remembered(hall):
    token = session(hall)
    accounts.logout(hall, token)
    with pytest.raises(Unauthorized, match="unknown or revoked"):
        accounts.authenticate(hall, token)

    token = session(hall)
    accounts.set_disabled(hall, "li", True)
    with pytest.raises(Unauthorized):
        accounts.authenticate(hall, token)
    accounts.set_disabled(hall, "li", False)

    token = session(hall)
    accounts.set_password(hall, "li", "li-pass-2")
    with pytest.raises(Unauthorized):
        accounts.authenticate(hall, token)

    token = session(hall, password="li-pass-2")
    accounts.set_role(hall, "li", "manager")
    assert accounts.authenticate(hall, token).kind == "manager"
    accounts.add_user(hall, "li", "li-pass-3", "staff")  # an account reset ends its sessions
    with pytest.raises(Unauthorized):
        accounts.authenticate(hall, token)


def test_revoked_and_rotated_device_tokens_end_at_once(hall):
    old = accounts.add_device(hall, "kiosk-1", "kiosk")
    assert accounts.authenticate(hall, old).device_kind == "kiosk"
    new = accounts.rotate_device(hall, "kiosk-1")
    with pytest.raises(Unauthorized):
        accounts.authenticate(hall, old)
    assert accounts.authenticate(hall, new).name == "kiosk-1"
    accounts.revoke_device(hall, "kiosk-1")
    with pytest.raises(Unauthorized):
        accounts.authenticate(hall, new)


def test_a_remembered_session_still_expires(hall, clock):
    token = session(hall)
    clock.advance(accounts.SESSION_HOURS * 3600 + 1)
    with pytest.raises(Unauthorized, match="expired"):
        accounts.authenticate(hall, token)


def test_changes_made_by_another_process_end_what_this_one_remembered(hall, tmp_path):
    db = str(tmp_path / "hall.db")
    run = CliRunner().invoke
    token = session(hall)
    out = run(cli, ["users", "disable", "li", "--db", db])
    assert out.exit_code == 0, out.output
    with pytest.raises(Unauthorized):
        accounts.authenticate(hall, token)
    assert run(cli, ["users", "enable", "li", "--db", db]).exit_code == 0

    token = session(hall)
    out = run(cli, ["users", "passwd", "li", "--db", db], input="li-pass-9\n")
    assert out.exit_code == 0, out.output
    with pytest.raises(Unauthorized):
        accounts.authenticate(hall, token)

    kiosk = accounts.add_device(hall, "kiosk-1", "kiosk")
    accounts.authenticate(hall, kiosk)
    assert run(cli, ["devices", "revoke", "kiosk-1", "--db", db]).exit_code == 0
    with pytest.raises(Unauthorized):
        accounts.authenticate(hall, kiosk)

    manager = session(hall, "boss", "boss-pass-1")
    other = Hall(config=load_config(), db_path=db)  # another process's connection, changing the role directly
    try:
        accounts.add_user(other, "boss2", "boss-pass-2", "manager")
        accounts.set_role(other, "boss", "staff")
    finally:
        other.close()
    assert accounts.authenticate(hall, manager).kind == "staff"
