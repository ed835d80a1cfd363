"""The pure parts of the city link: backoff, the shipper's decision, batch checks, working days, the epoch."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from queue_server.central.batch import HALL_COLUMNS, BatchRefused, parse_batch
from queue_server.central.partitions import month_bounds, partition_name
from queue_server.central.workdays import add_working_days, is_overdue
from queue_server.hall import Hall
from queue_server.hall_config import load_config
from queue_server.shipping.backoff import backoff_s
from queue_server.shipping.epoch import new_epoch, read_meta
from queue_server.shipping.plan import decide


@pytest.mark.parametrize(("failures", "most"), [(0, 0.0), (1, 0.5), (2, 1.0), (4, 4.0), (7, 30.0), (60, 30.0)])
def test_backoff_doubles_up_to_its_cap_with_full_jitter(failures, most):
    assert backoff_s(failures, rand=lambda: 0.999999) == pytest.approx(most, rel=1e-5)
    assert backoff_s(failures, rand=lambda: 0.0) == 0.0


@pytest.mark.parametrize(("mark", "last", "action", "after"), [
    (0, 0, "idle", 0), (0, 5, "ship", 0), (5, 5, "idle", 5), (3, 9, "ship", 3), (9, 3, "stop", 0)])
def test_the_shipper_ships_what_the_centre_lacks_and_stops_when_the_centre_is_ahead(mark, last, action, after):
    d = decide(central_mark=mark, local_last_id=last)
    assert (d.action, d.after) == (action, after)
    if action == "stop":
        assert "hall epoch renew" in d.reason


def _event(i: int, at: str = "2026-12-01T03:00:00.000000+00:00") -> list:
    return [i, at, "issued", i, "A001", "commerce", None, "device", "kiosk-01", None, "{}"]


@pytest.mark.parametrize(("body", "code"), [
    ([], "bad_batch"),
    ({"epoch": "", "columns": list(HALL_COLUMNS), "after": 0, "events": []}, "bad_epoch"),
    ({"epoch": "e", "columns": ["id"], "after": 0, "events": []}, "bad_columns"),
    ({"epoch": "e", "columns": list(HALL_COLUMNS), "after": -1, "events": []}, "bad_after"),
    ({"epoch": "e", "columns": list(HALL_COLUMNS), "after": 0, "events": "x"}, "bad_events"),
    ({"epoch": "e", "columns": list(HALL_COLUMNS), "after": 0, "events": [[1]]}, "bad_event"),
    ({"epoch": "e", "columns": list(HALL_COLUMNS), "after": 2, "events": [_event(2)]}, "bad_order"),
    ({"epoch": "e", "columns": list(HALL_COLUMNS), "after": 0, "events": [_event(2), _event(1)]}, "bad_order"),
    ({"epoch": "e", "columns": list(HALL_COLUMNS), "after": 0, "events": [_event(1, "noon")]}, "bad_time"),
    ({"epoch": "e", "columns": list(HALL_COLUMNS), "after": 0, "events": [_event(1, "2026-12-01T03:00")]}, "bad_time"),
    ({"epoch": "e", "columns": list(HALL_COLUMNS), "after": 0, "events": [_event(1)[:3] + ["7"] + _event(1)[4:]]},
     "bad_value"),
    ({"epoch": "e", "columns": list(HALL_COLUMNS), "after": 0, "events": [_event(1)[:2] + [""] + _event(1)[3:]]},
     "bad_value"),
    ({"epoch": "e", "columns": list(HALL_COLUMNS), "after": 0, "events": [_event(1)[:10] + ["{\x00}"]]},
     "bad_value"),
])
def test_a_malformed_batch_is_refused_with_its_reason(body, code):
    with pytest.raises(BatchRefused) as e:
        parse_batch(body)
    assert e.value.code == code and e.value.status == 400


def test_a_good_batch_parses():
    b = parse_batch({"epoch": "e1", "columns": list(HALL_COLUMNS), "after": 4, "events": [_event(5), _event(7)],
                     "parent_epoch": "e0", "fork_id": 3})
    assert [r[0] for r in b.rows] == [5, 7] and (b.epoch, b.parent_epoch, b.fork_id, b.after) == ("e1", "e0", 3, 4)


def test_months_and_working_days():
    assert month_bounds(date(2026, 12, 31)) == (date(2026, 12, 1), date(2027, 1, 1))
    assert partition_name(date(2027, 1, 5)) == "events_202701"
    assert add_working_days(date(2026, 12, 4), 2) == date(2026, 12, 8)  # Friday + 2 working days = Tuesday
    assert not is_overdue(date(2026, 12, 4), date(2026, 12, 8))
    assert is_overdue(date(2026, 12, 4), date(2026, 12, 9))


def test_a_hall_has_an_epoch_from_init_and_a_new_one_at_each_renewal(tmp_path):
    db = tmp_path / "hall.db"
    Hall(config=load_config(), db_path=db).close()
    conn = sqlite3.connect(db, isolation_level=None)
    first = read_meta(conn)
    assert first["hall_code"] == load_config().code and len(first["epoch"]) == 16 and first["fork_id"] == "0"
    renewed = new_epoch(conn)
    assert renewed["epoch"] != first["epoch"]
    assert (renewed["parent_epoch"], renewed["fork_id"]) == (first["epoch"], str(conn.execute(
        "SELECT max(id) FROM events").fetchone()[0] or 0))
    conn.close()
    Hall(config=load_config(), db_path=db).close()  # a restart keeps the epoch
    again = sqlite3.connect(db)
    assert read_meta(again)["epoch"] == renewed["epoch"]
    again.close()
