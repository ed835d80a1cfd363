"""`hall demo --city`: three sample halls, their shippers and the central service, all reachable from the banner."""

from __future__ import annotations

import csv
import io
import re
import signal

import requests

from queue_server.central.demo import CITY_HALLS, CITY_USER
from queue_server.demo import DEMO_PASSWORD
from queue_server.testing.server_process import free_port
from tests.test_demo import start_demo, wait_for


def test_the_city_demo_runs_three_halls_that_ship_to_the_central_pages(tmp_path):
    port = free_port()
    proc = start_demo(tmp_path, port, "--city")
    try:
        log = wait_for(lambda: "City pages" in (t := (tmp_path / "demo.log").read_text()) and "市中区" in t and t,
                       "the banner", tmp_path, timeout=120)
        assert f"http://127.0.0.1:{port}/city/" in log
        halls = re.findall(r"(http://127\.0\.0\.1:\d+)/dashboard", log)
        assert len(halls) == 3
        for url in halls:
            assert requests.get(url + "/api/v1/health", timeout=5).ok
        city = requests.Session()
        city.post(f"http://127.0.0.1:{port}/city/login", data={"username": CITY_USER, "password": DEMO_PASSWORD},
                  timeout=30)

        def every_hall_shipped():
            text = city.get(f"http://127.0.0.1:{port}/city/export.csv", timeout=30).content.decode("utf-8-sig")
            rows = list(csv.reader(io.StringIO(text)))[1:]
            fresh = {r[2] for r in rows if r[16]}  # a last event time: its shipper has delivered
            return fresh == {code for code, _, _ in CITY_HALLS}

        wait_for(every_hall_shipped, "every demo hall's events at the centre", tmp_path, timeout=120)

        def every_hall_has_the_catalogue():
            page = city.get(f"http://127.0.0.1:{port}/city/", timeout=30).text
            return re.findall(r'<td class="catalogue">(v\d+)</td>', page) == ["v1"] * 3

        wait_for(every_hall_has_the_catalogue, "every demo hall on the city's catalogue v1", tmp_path, timeout=120)
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 0
