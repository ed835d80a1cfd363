"""The city's matter catalogue on a real PostgreSQL: published with a version, pulled by every hall into its live
configuration (its own windows kept), held through an outage, shown per hall on the city page; the city's sign-in
limits."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from queue_server.app import create_app
from queue_server.catalogue import Catalogue, to_toml
from queue_server.central import accounts
from queue_server.central.cli import central as central_cli
from queue_server.central.db import connect
from queue_server.central.schema import migrate
from queue_server.config_export import to_toml as config_toml
from queue_server.hall import Hall
from queue_server.hall_config import Matter, load_config
from queue_server.ops import config_versions
from queue_server.shipping.catalogue_pull import CataloguePuller
from queue_server.testing.central_process import CentralProcess
from queue_server.testing.server_process import ROOT
from tests.support.api import Api
from tests.support.city import hall_config, wait_for
from tests.support.postgres import pg_cluster  # noqa: F401  (the fixture)

HALLS = (("370102-001", "历下区政务服务大厅", "历下区"), ("370102-002", "历下区东部分厅", "历下区"),
         ("370103-101", "市中区某街道便民服务中心", "市中区"))  # the third has no 一链办理 zone
SMALL = HALLS[2][0]
PASSWORD = "city-pass-1"


def _catalogue(sample, *new: Matter) -> str:
    return to_toml(Catalogue(sample.materials, (*sample.matters, *new), sample.bundles))


def _matter(code: str, name_zh: str) -> Matter:
    return Matter(code=code, zone="commerce", name_zh=name_zh, name_en=code, common=True, service_s=600,
                  legal_days=5, promised_days=1, fee_zh="不收费", fee_en="Free", materials=("id_card",),
                  notes_zh="", notes_en="")


def _small_hall_config(folder: Path) -> Path:
    """A town hall's configuration: the sample's without the 一链办理 (chain) zone."""
    cfg = load_config(hall_config(folder, SMALL))
    cfg = replace(cfg, zones=tuple(z for z in cfg.zones if z.code != "chain"),
                  matters=tuple(m for m in cfg.matters if m.zone != "chain"),
                  bundles=tuple(b for b in cfg.bundles if b.zone != "chain"),
                  windows=tuple(replace(w, zones=tuple(z for z in w.zones if z != "chain")) for w in cfg.windows))
    path = folder / f"hall-{SMALL}.toml"
    path.write_text(config_toml(cfg), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def city(pg_cluster, tmp_path_factory, seeded_template):  # noqa: F811
    folder = tmp_path_factory.mktemp("city-catalogue")
    dsn = pg_cluster.create_database("city_catalogue")
    with connect(dsn) as conn:
        migrate(conn)
        tokens = {code: accounts.add_hall(conn, code, name, region) for code, name, region in HALLS}
        mayor = accounts.add_user(conn, "mayor", "city", None, PASSWORD)
    central = CentralProcess(dsn, folder / "central.log").start()
    halls = {}
    try:
        for code, _, _ in HALLS:
            db = folder / f"{code}.db"
            shutil.copy(seeded_template[0], db)
            config = _small_hall_config(folder) if code == SMALL else hall_config(folder, code)
            app = create_app(db_path=db, config=load_config(config))
            # The puller runs as `hall catalogue pull` does: its own Hall on the database, beside the server.
            puller_hall = Hall(config=load_config(config), db_path=db, on_config_drift="report")
            halls[code] = {"db": db, "config": config, "app": app, "client": app.test_client(use_cookies=False),
                           "puller": CataloguePuller(puller_hall, central.url, tokens[code], poll_s=0.1,
                                                     max_backoff_s=0.5)}
        yield {"dsn": dsn, "central": central, "tokens": tokens, "mayor": mayor, "halls": halls, "folder": folder,
               "sample": load_config(hall_config(folder, HALLS[0][0])), "seeded": seeded_template[1]}
    finally:
        for h in halls.values():
            h["puller"].close()
            h["puller"].hall.close()
            h["app"].extensions["hall"].close()
        central.stop()


def _publish(city, text: str, name: str) -> tuple[int, str]:
    path = city["folder"] / name
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(central_cli, ["catalogue", "publish", "--pg", city["dsn"], "--who", "张科长",
                                              str(path)])
    return result.exit_code, result.output


def _kiosk_matters(h) -> set[str]:
    r = h["client"].get("/api/v1/hall")
    assert r.status_code == 200
    return {m["code"] for z in r.get_json()["zones"] for m in z["matters"]}


def _windows(h) -> list:
    return [(w["number"], w["zones"]) for w in h["client"].get("/api/v1/hall").get_json()["windows"]]


def _alerts(h, kind: str) -> list[str]:
    db = h["app"].extensions["hall"].store.read()
    return [r["message"] for r in db.query("SELECT message FROM alerts WHERE kind = ?", [kind])]


def test_a_bad_catalogue_is_refused_at_publish_with_the_field_named(city):
    bad = _catalogue(city["sample"]).replace('"id_card"', '"no_such_paper"', 1)
    code, output = _publish(city, bad, "bad.toml")
    assert code == 1 and "matters[" in output and "no_such_paper" in output and "refused" in output
    code, output = _publish(city, _catalogue(city["sample"]) + '\n[[windows]]\nnumber = 9\nzones = ["commerce"]\n',
                            "windows.toml")
    assert code == 1 and "windows" in output
    with connect(city["dsn"]) as conn:
        assert conn.execute("SELECT count(*) FROM catalogue_versions").fetchone()[0] == 0


def test_published_v1_reaches_every_hall_through_its_configuration_and_keeps_its_windows(city):
    halls = city["halls"]
    windows_before = {code: _windows(h) for code, h in halls.items()}
    assert all("city-new-1" not in _kiosk_matters(h) for h in halls.values())
    assert _publish(city, _catalogue(city["sample"], _matter("city-new-1", "市级新事项一")), "v1.toml") == (
        0, "published as version 1\n")
    # The first hall runs the real command once; the others poll in-process as the command's loop does.
    first = HALLS[0][0]
    done = subprocess.run([sys.executable, "-m", "queue_server", "catalogue", "pull", "--once", "--db",
                           str(halls[first]["db"]), "--config", str(halls[first]["config"]), "--central",
                           city["central"].url, "--token", city["tokens"][first]], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for code, h in halls.items():
        if code != first:
            assert h["puller"].step().outcome == "applied"
    for code, h in halls.items():
        assert "city-new-1" in _kiosk_matters(h), code  # what the kiosk shows, live
        assert _windows(h) == windows_before[code]  # the hall's own windows untouched
        assert h["puller"].meta()["catalogue_version"] == "1"
        assert h["puller"].step().outcome == "current"  # polled again: a 304, nothing applied
    versions = halls[first]["app"].extensions["hall"].store.read().query(
        "SELECT who, source FROM config_versions ORDER BY id DESC LIMIT 1")
    assert list(versions) == [{"who": "city", "source": "city catalogue v1"}]
    # The town hall has no chain zone: its chain bundles and matters are left out, and it says so.
    small = halls[SMALL]
    [message] = _alerts(small, "catalogue_zone_missing")
    assert "chain" in message and "未上架" in message
    assert not _alerts(halls[first], "catalogue_zone_missing")
    manager = Api.login(small["client"], *city["seeded"].manager)  # on the hall's dashboard, in plain words
    [shown] = [a for a in manager.ok("GET", "/api/v1/supervision/live")["alerts"]
               if a["kind"] == "catalogue_zone_missing"]
    assert shown["zh"].startswith("市级事项目录：市级事项目录有本厅缺少的板块") and "chain" in shown["en"]
    assert shown["level"] == "amber"
    assert small["client"].get("/api/v1/hall").get_json()["bundles"] == []


def test_a_hall_whose_centre_is_down_keeps_v1_and_catches_up_to_v2(city):
    h = city["halls"][HALLS[1][0]]
    city["central"].stop()
    v2 = _catalogue(city["sample"], _matter("city-new-1", "市级新事项一"), _matter("city-new-2", "市级新事项二"))
    assert _publish(city, v2, "v2.toml") == (0, "published as version 2\n")  # PostgreSQL is up, the service down
    with pytest.raises(requests.ConnectionError):
        h["puller"].step()
    assert "city-new-2" not in _kiosk_matters(h) and "city-new-1" in _kiosk_matters(h)
    loop = threading.Thread(target=h["puller"].run)  # the command's loop: retries with backoff meanwhile
    loop.start()
    try:
        wait_for(lambda: not loop.is_alive() or h["puller"].failures > 0, "the loop failing meanwhile")
        assert h["puller"].meta()["catalogue_version"] == "1"
        city["central"].start()
        wait_for(lambda: h["puller"].meta().get("catalogue_version") == "2", "v2 applied after the outage")
    finally:
        h["puller"].stop_event.set()
        loop.join(timeout=60)
    assert "city-new-2" in _kiosk_matters(h)
    for code in (HALLS[0][0], SMALL):
        assert city["halls"][code]["puller"].step().outcome == "applied"


def test_a_hall_that_gains_the_missing_zone_takes_the_same_version_again(city):
    small = city["halls"][SMALL]
    assert small["client"].get("/api/v1/hall").get_json()["bundles"] == []
    folder = city["folder"] / "with-chain"
    folder.mkdir()
    with_chain = load_config(hall_config(folder, SMALL))  # the sample's zones, the chain zone among them
    local = config_versions.apply_config(small["puller"].hall, replace(with_chain, matters=(), bundles=()),
                                         who="manager", source="the hall adds its 一链办理 zone")
    assert local["changed"]
    assert small["puller"].step().outcome == "current"  # the same version: nothing new by itself
    result = small["puller"].step(again=True)
    assert (result.outcome, result.version, result.left_out) == ("applied", 2, ())
    assert small["client"].get("/api/v1/hall").get_json()["bundles"] != []


def test_the_centre_answers_304_and_the_city_shows_each_halls_version(city):
    url, token = city["central"].url, city["tokens"][HALLS[0][0]]
    r = requests.get(url + "/api/v1/city/catalogue", headers={"Authorization": f"Bearer {token}",
                                                              "If-None-Match": '"2"'}, timeout=30)
    assert r.status_code == 304 and r.content == b"" and r.headers["ETag"] == '"2"'
    r = requests.get(url + "/api/v1/city/catalogue", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert r.status_code == 200 and r.json()["version"] == 2 and r.json()["published_by"] == "张科长"
    assert requests.get(url + "/api/v1/city/catalogue", timeout=30).status_code == 401
    # Each hall's version as it reported it with its last poll; a hall that never polled shows none.
    assert city["halls"][HALLS[1][0]]["puller"].step().outcome == "current"
    listed = requests.get(url + "/api/v1/city/halls", headers={"Authorization": f"Bearer {city['mayor']}"},
                          timeout=30).json()
    assert {h["code"]: h["catalogue_version"] for h in listed} == {code: 2 for code, _, _ in HALLS}
    with connect(city["dsn"]) as conn:
        conn.execute("UPDATE halls SET catalogue_version = 1 WHERE code = %s", [SMALL])  # as if it lagged
    s = requests.Session()
    r = s.post(url + "/city/login", data={"username": "mayor", "password": PASSWORD}, timeout=30)
    assert r.status_code == 200
    cells = dict(re.findall(r'<tr data-hall="([^"]+)">.*?<td class="catalogue[^"]*">([^<]+)</td>', r.text, re.S))
    assert cells == {HALLS[0][0]: "v2", HALLS[1][0]: "v2", SMALL: "v1"}
    assert re.search(r'<td class="catalogue bad">v1</td>', r.text)
    assert "Catalogue published: v2" in r.text
    day = s.get(url + f"/city/halls/{SMALL}", timeout=30)
    assert day.status_code == 200 and '<span id="catalogue">v1</span>' in day.text


def test_central_sign_in_locks_a_name_after_wrong_passwords_known_or_not(city):
    url = city["central"].url
    for name in ("mayor", "nobody-here"):
        answers = [requests.post(url + "/city/login", data={"username": name, "password": "wrong-pass"}, timeout=30)
                   for _ in range(5)]
        assert [a.status_code for a in answers] == [401] * 5
        locked = requests.post(url + "/city/login", data={"username": name, "password": PASSWORD}, timeout=30)
        assert locked.status_code == 429, name
        assert 1 <= int(locked.headers["Retry-After"]) <= 120
        assert "锁定" in locked.text and "locked" in locked.text
    with connect(city["dsn"]) as conn:
        rows = conn.execute("SELECT username, failures FROM login_lockouts ORDER BY username").fetchall()
    assert rows == [("mayor", 5), ("nobody-here", 5)]
    # The per-name window (LOGIN_PER_USER_PER_MINUTE, 10) answers before the lock is even looked at.
    answers = [requests.post(url + "/city/login", data={"username": "nobody-here", "password": "x"}, timeout=30)
               for _ in range(5)]
    assert [a.status_code for a in answers] == [429] * 5
    assert "尝试登录次数过多" in answers[-1].text and int(answers[-1].headers["Retry-After"]) >= 1
