"""The city's API and pages on a real PostgreSQL: every hall for the city, only its region for a hall manager."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
import requests
from openpyxl import load_workbook

from queue_server.app import create_app
from queue_server.central import accounts
from queue_server.central.batch import HALL_COLUMNS
from queue_server.central.db import connect
from queue_server.central.schema import migrate
from queue_server.hall_config import load_config
from queue_server.ratings import ops as ratings
from queue_server.shipping.shipper import Shipper
from queue_server.testing.central_process import CentralProcess
from tests.support.city import hall_config, traffic
from tests.support.postgres import pg_cluster  # noqa: F401  (the fixture)
from tests.support.web_pages import module_browser, page_errors, shot, sign_in

HALLS = (("370102-001", "历下区政务服务大厅", "历下区"), ("370102-002", "历下区东部分厅", "历下区"),
         ("370103-001", "市中区政务服务大厅", "市中区"))
PASSWORD = "city-pass-1"


@pytest.fixture(scope="module")
def browser():
    yield from module_browser()


@pytest.fixture(scope="module")
def city(pg_cluster, tmp_path_factory, seeded_template):  # noqa: F811
    folder = tmp_path_factory.mktemp("city-pages")
    dsn = pg_cluster.create_database("city_pages")
    with connect(dsn) as conn:
        migrate(conn)
        tokens = {code: accounts.add_hall(conn, code, name, region) for code, name, region in HALLS}
        users = {"mayor": accounts.add_user(conn, "mayor", "city", None, PASSWORD),
                 "lixia": accounts.add_user(conn, "lixia", "hall-manager", "历下区", PASSWORD)}
    central = CentralProcess(dsn, folder / "central.log").start()
    try:
        _ship_a_day(folder, seeded_template, central.url, tokens)
        yield {"url": central.url, "users": users, "tokens": tokens, "dsn": dsn}
    finally:
        central.stop()


def _ship_a_day(folder, seeded_template, central_url: str, tokens: dict[str, str]) -> None:
    seeded = seeded_template[1]
    for n, (code, _, _) in enumerate(HALLS[1:]):  # the second and third halls have a day's work; the first none
        db = folder / f"{code}.db"
        shutil.copy(seeded_template[0], db)
        app = create_app(db_path=db, config=load_config(hall_config(folder, code)))
        client = app.test_client(use_cookies=False)
        traffic(client, seeded, tickets=8 + n, served=3)
        hall = app.extensions["hall"]
        done = [r["id"] for r in hall.store.read().query("SELECT id FROM tickets WHERE state = 'done' ORDER BY id")]
        ratings.rate(hall, done[0], {"score": 5}, source="phone")  # as from the citizen's phone page
        ratings.rate(hall, done[1], {"score": 1, "reason": "attitude"}, source="phone")
        shipper = Shipper(str(db), central_url, tokens[code], batch=5)
        assert shipper.run(until_idle=True) == 0
        shipper.close()
        app.extensions["hall"].close()


def test_the_city_api_lists_every_hall_and_a_hall_manager_only_their_region(city):
    def halls(token: str) -> dict:
        r = requests.get(city["url"] + "/api/v1/city/halls", headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert r.status_code == 200
        return {h["code"]: h for h in r.json()}

    every = halls(city["users"]["mayor"])
    assert set(every) == {code for code, _, _ in HALLS}
    assert set(halls(city["users"]["lixia"])) == {"370102-001", "370102-002"}
    shipped = every["370102-002"]
    assert set(shipped) == {"code", "name", "region", "epoch", "events", "last_event_id", "last_event_at", "lag_s",
                            "catalogue_version", "catalogue_checked_at"}
    assert shipped["catalogue_version"] is None  # no catalogue polled yet (tests/test_city_catalogue.py)
    assert shipped["events"] == shipped["last_event_id"] > 15 and shipped["lag_s"] >= 0
    assert every["370102-001"]["events"] == 0 and every["370102-001"]["last_event_at"] is None
    r = requests.get(city["url"] + "/api/v1/city/halls", headers={"Authorization": "Bearer hall-nope"}, timeout=30)
    assert r.status_code == 401 and r.json()["error"] == "bad_token"
    bad = requests.post(city["url"] + "/api/v1/city/ingest", json={"epoch": "x"}, timeout=30,
                        headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 400 and bad.json()["error"] == "bad_columns"
    not_json = {"epoch": "e-test", "after": 0, "columns": list(HALL_COLUMNS), "events": [
        [1, "2026-12-01T03:00:00+00:00", "issued", 1, "A001", "commerce", None, "device", "k", None, "{not json"]]}
    for token, status, code in (("nope", 401, "bad_token"), (city["tokens"]["370102-001"], 400, "bad_value")):
        r = requests.post(city["url"] + "/api/v1/city/ingest", json=not_json, timeout=30,
                          headers={"Authorization": f"Bearer {token}"})
        assert (r.status_code, r.json()["error"]) == (status, code)
    with connect(city["dsn"]) as conn:  # nothing of the refused batch stayed
        assert conn.execute("SELECT count(*) FROM epochs WHERE epoch = 'e-test'").fetchone() == (0,)


def test_the_city_pages_show_every_hall_and_hide_other_regions(city, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors = page_errors(page)
    sign_in(page, city["url"], "/city/login", "mayor", PASSWORD)
    page.wait_for_selector("#halls tbody tr")
    assert page.locator("#halls tbody tr").count() == 3
    row = page.locator('tr[data-hall="370103-001"]')
    assert "市中区政务服务大厅" in row.inner_text()
    assert "50.0%" in row.inner_text()  # one good and one bad rating
    page.wait_for_function("document.querySelector('#waits-chart').width > 0")
    shot(page, "city_overview", full_page=True)
    with page.expect_download() as got:
        page.click("#csv")
    rows = list(csv.reader(io.StringIO(Path(got.value.path()).read_text(encoding="utf-8-sig"))))
    assert {r[2] for r in rows[1:]} == {code for code, _, _ in HALLS}
    with page.expect_download() as got:
        page.click("#xlsx")
    sheet = load_workbook(io.BytesIO(Path(got.value.path()).read_bytes())).active
    assert {r[2] for r in sheet.iter_rows(min_row=2, values_only=True)} == {code for code, _, _ in HALLS}
    page.click('tr[data-hall="370103-001"] a')  # drill down to the hall's day
    page.wait_for_selector("#zones tbody tr")
    assert "市中区政务服务大厅" in page.inner_text("#hall-name")
    assert "商事登记" in page.locator('tr[data-zone="commerce"]').inner_text()
    page.wait_for_function("document.querySelector('#hours-chart').width > 0")
    shot(page, "city_hall_day", full_page=True)
    assert errors == []
    page.close()

    page = browser.new_page(viewport={"width": 1400, "height": 900})
    sign_in(page, city["url"], "/city/login", "lixia", PASSWORD)
    page.wait_for_selector("#halls tbody tr")
    assert sorted(page.locator("#halls tbody tr").evaluate_all("rows => rows.map(r => r.dataset.hall)")) == [
        "370102-001", "370102-002"]
    assert "市中区" not in page.inner_text("#halls")
    assert page.goto(city["url"] + "/city/halls/370103-001").status == 404
    shot(page, "city_overview_region", full_page=True)
    page.close()


def test_the_city_pages_need_a_signed_in_user(city, browser):
    page = browser.new_page()
    page.goto(city["url"] + "/city/")
    assert page.url.endswith("/city/login")
    page.fill("#username", "mayor")
    page.fill("#password", "wrong-password")
    page.click("#login-btn")
    assert "wrong user name or password" in page.inner_text("#error")
    assert requests.get(city["url"] + "/city/export.csv", timeout=30).status_code == 401
    page.close()


def test_a_batch_sent_twice_is_stored_once_and_one_beyond_the_mark_is_refused(city):
    # last in the file: the hall's current epoch becomes this test's
    hall = {"Authorization": f"Bearer {city['tokens']['370102-001']}"}
    events = [[i, f"2026-11-30T23:5{i}:00+00:00", "issued", i, f"A00{i}", "commerce", None, "device", "kiosk-01", None,
               "{}"] for i in range(1, 4)]
    batch = {"epoch": "e-twice", "after": 0, "columns": list(HALL_COLUMNS), "events": events}
    answers = [requests.post(city["url"] + "/api/v1/city/ingest", json=batch, headers=hall, timeout=30).json()
               for _ in range(2)]
    assert answers == [{"last_id": 3, "inserted": 3}, {"last_id": 3, "inserted": 0}]
    gap = requests.post(city["url"] + "/api/v1/city/ingest", headers=hall, timeout=30,
                        json={**batch, "after": 5, "events": []})
    assert (gap.status_code, gap.json()["error"], gap.json()["last_id"]) == (409, "gap", 3)
    mark = requests.get(city["url"] + "/api/v1/city/mark", params={"epoch": "e-twice"}, headers=hall, timeout=30)
    assert mark.json() == {"hall": "370102-001", "epoch": "e-twice", "last_id": 3}
    with connect(city["dsn"]) as conn:  # a November event went to November's partition
        assert conn.execute("SELECT count(*) FROM events_202611 WHERE epoch = 'e-twice'").fetchone() == (3,)

