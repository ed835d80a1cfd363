"""Replay a day that a real server logged: its arrivals and service times re-run under every policy."""

import json
import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo

from click.testing import CliRunner

from hall_client.client import HallClient
from queue_server.hall_config import load_config
from simulator.cli import simulate
from simulator.replay import arrivals_from_db


def test_replay_a_day_logged_by_a_real_server(live_server, tmp_path):
    kiosk = HallClient(live_server.url, live_server.seeded.devices["kiosk-01"])
    staff = HallClient(live_server.url)
    staff.login("staff1", live_server.seeded.staff["staff1"])
    taken = [kiosk.take_number("commerce", matter="A01"), kiosk.take_number("commerce"),
             kiosk.take_number("public", priority="elderly"), kiosk.take_number("chain"),
             kiosk.take_number("commerce")]
    staff.open_window(1)  # serves commerce, chain and public
    served = []
    for _ in range(3):
        t = staff.call_next(1)
        staff.window_action(1, "start")
        staff.window_action(1, "finish")
        served.append(t["id"])
    staff.call_next(1)
    staff.window_action(1, "recall")
    staff.window_action(1, "no-show")
    staff.post(f"/tickets/{taken[3]['id']}/cancel")  # the chain citizen gave up and left

    db_path = live_server.proc.db_path
    cfg = load_config()
    day = datetime.now(ZoneInfo(cfg.timezone)).date().isoformat()
    arrivals, cancelled = arrivals_from_db(db_path, day, cfg)
    assert cancelled == 1 and len(arrivals) == 4
    assert [a.zone for a in arrivals] == ["commerce", "commerce", "public", "commerce"]
    assert arrivals[0].matter == "A01" and arrivals[2].priority == "elderly"
    assert sum(a.no_show for a in arrivals) == 1
    con = sqlite3.connect(db_path)
    logged = {r[0]: (datetime.fromisoformat(r[2]) - datetime.fromisoformat(r[1])).total_seconds()
              for r in con.execute("SELECT id, called_at, finished_at FROM tickets WHERE state = 'done'")}
    con.close()
    assert sorted(logged) == sorted(served)
    replayed = sorted(a.service_s for a in arrivals if not a.no_show and a.service_s != cfg.zone(a.zone).service_s)
    assert replayed == sorted(max(1.0, s) for s in logged.values())

    saved = tmp_path / "replayed.csv"
    result = CliRunner().invoke(simulate, ["--from-db", str(db_path), "--date", day, "--json",
                                           "--save-arrivals", str(saved)])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output[result.output.index("["):])
    assert [r["policy"] for r in rows] == ["dedicated", "pooled", "shipped", "shipped+rebalance"]
    assert all(r["tickets"] == 4 and r["served"] == 3 and r["no_shows"] == 1 for r in rows)
    assert saved.read_text(encoding="utf-8").count("\n") == 5  # header + 4 citizens

    wrong = CliRunner().invoke(simulate, ["--from-db", str(db_path), "--date", "2001-01-01"])
    assert wrong.exit_code == 1 and "no tickets on 2001-01-01" in wrong.output
    wrong = CliRunner().invoke(simulate, ["--from-db", str(db_path)])
    assert wrong.exit_code == 2 and "--date" in wrong.output
