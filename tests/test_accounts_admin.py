"""The manager runs the accounts: list, new password, disable and enable, from the CLI and the API; a changed
password or a disabled account ends every session of that user at once."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from queue_server.app import create_app
from queue_server.cli import cli
from queue_server.errors import Unauthorized
from queue_server.hall import Hall
from queue_server.hall_config import load_config
from queue_server.ops import accounts


@pytest.fixture
def app(tmp_path):
    app = create_app(db_path=tmp_path / "hall.db")
    hall = app.extensions["hall"]
    accounts.add_user(hall, "boss", "boss-pass-1", "manager")
    accounts.add_user(hall, "li", "li-pass-1", "staff")
    return app


@pytest.fixture
def client(app):
    return app.test_client(use_cookies=False)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def token_of(client, user, password):
    r = client.post("/api/v1/login", json={"username": user, "password": password})
    assert r.status_code == 200, r.json
    return r.json["token"]


def test_disable_ends_every_session_and_enable_lets_the_user_back(client):
    boss = token_of(client, "boss", "boss-pass-1")
    li = [token_of(client, "li", "li-pass-1") for _ in range(2)]
    r = client.post("/api/v1/users/li/disable", headers=bearer(boss))
    assert r.status_code == 200 and r.json["sessions_ended"] == 2
    for t in li:
        assert client.get("/api/v1/me", headers=bearer(t)).status_code == 401
    r = client.post("/api/v1/login", json={"username": "li", "password": "li-pass-1"})
    assert r.status_code == 403 and r.json["error"] == "account_disabled"
    users = {u["username"]: u for u in client.get("/api/v1/users", headers=bearer(boss)).json}
    assert users["li"]["disabled_at"] and users["boss"]["sessions"] == 1
    assert client.post("/api/v1/users/li/enable", headers=bearer(boss)).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(token_of(client, "li", "li-pass-1"))).json["name"] == "li"


def test_a_new_password_ends_every_session(client):
    boss = token_of(client, "boss", "boss-pass-1")
    old = token_of(client, "li", "li-pass-1")
    r = client.post("/api/v1/users/li/password", json={"password": "new-pass-2"}, headers=bearer(boss))
    assert r.status_code == 200 and r.json["sessions_ended"] == 1
    assert client.get("/api/v1/me", headers=bearer(old)).status_code == 401
    assert client.post("/api/v1/login", json={"username": "li", "password": "li-pass-1"}).status_code == 401
    token_of(client, "li", "new-pass-2")
    r = client.post("/api/v1/users/li/password", json={"password": "x"}, headers=bearer(boss))
    assert r.status_code == 400 and r.json["error"] == "weak_password"


def test_account_actions_are_for_the_manager_only(client):
    li = token_of(client, "li", "li-pass-1")
    for action in ("disable", "enable", "unlock"):
        assert client.post(f"/api/v1/users/boss/{action}", headers=bearer(li)).status_code == 403
    r = client.post("/api/v1/users/boss/password", json={"password": "taken-over"}, headers=bearer(li))
    assert r.status_code == 403
    assert client.post("/api/v1/users/li/disable").status_code == 401


def test_the_last_manager_cannot_be_disabled_and_unknown_users_are_404(client):
    boss = token_of(client, "boss", "boss-pass-1")
    r = client.post("/api/v1/users/boss/disable", headers=bearer(boss))
    assert r.status_code == 409 and r.json["error"] == "last_manager"
    assert client.post("/api/v1/users/ghost/disable", headers=bearer(boss)).status_code == 404


def test_password_changes_are_not_in_the_audit_log(client):
    boss = token_of(client, "boss", "boss-pass-1")
    client.post("/api/v1/users/li/password", json={"password": "secret-new-9"}, headers=bearer(boss))
    entries = client.get("/api/v1/audit", headers=bearer(boss)).json["entries"]
    assert any(e["path"] == "/api/v1/users/li/password" for e in entries)
    assert "secret-new-9" not in str(entries)


def test_cli_lists_changes_disables_and_enables_accounts(tmp_path):
    db = tmp_path / "hall.db"
    hall = Hall(config=load_config(), db_path=db)
    accounts.add_user(hall, "boss", "boss-pass-1", "manager")
    accounts.add_user(hall, "li", "li-pass-1", "staff")
    session = accounts.login(hall, "li", "li-pass-1")["token"]
    for _ in range(5):
        with pytest.raises(Unauthorized):
            accounts.login(hall, "li", "wrong-guess")
    run = CliRunner().invoke
    out = run(cli, ["users", "list", "--db", str(db)])
    assert out.exit_code == 0
    assert "boss\tmanager\tactive" in out.output
    assert re.search(r"^li\tstaff\tactive, locked \d+ s\t1 session\(s\)$", out.output, re.M), out.output
    out = run(cli, ["users", "unlock", "li", "--db", str(db)])
    assert out.exit_code == 0 and "li unlocked" in out.output
    out = run(cli, ["users", "passwd", "li", "--db", str(db)], input="brand-new-1\n")
    assert out.exit_code == 0 and "1 session(s) ended" in out.output
    with pytest.raises(Unauthorized):
        accounts.authenticate(hall, session)
    assert accounts.login(hall, "li", "brand-new-1")["role"] == "staff"
    out = run(cli, ["users", "disable", "li", "--db", str(db)])
    assert out.exit_code == 0 and "li disabled; 1 session(s) ended" in out.output
    assert "li\tstaff\tdisabled" in run(cli, ["users", "list", "--db", str(db)]).output
    out = run(cli, ["users", "enable", "li", "--db", str(db)])
    assert out.exit_code == 0 and accounts.login(hall, "li", "brand-new-1")
    out = run(cli, ["users", "disable", "ghost", "--db", str(db)])
    assert out.exit_code == 1 and "no user 'ghost'" in out.output
    hall.close()
