"""好差评 rules without a server: the scale, the ticket links, the pad's one offer, and the one-day limit under a
test clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from queue_server.clock import FixedClock
from queue_server.core.rating_scale import check_rating, is_bad, satisfaction
from queue_server.errors import Conflict, Forbidden, NotFound
from queue_server.hall import Hall
from queue_server.hall_config import load_config
from queue_server.ops import accounts
from queue_server.ops import windows as window_ops
from queue_server.ops.ticket_links import ticket_of
from queue_server.ops.tickets import issue_ticket
from queue_server.ratings import ops


def test_satisfaction_counts_basic_satisfied_as_satisfied():
    s = satisfaction([5, 4, 3, 2, 1, 5, 5, 4, 3, 3])
    assert s["ratings"] == 10 and s["bad"] == 2 and s["satisfaction_rate"] == 0.8
    assert s["counts"] == {"5": 3, "4": 2, "3": 3, "2": 1, "1": 1}
    assert satisfaction([])["satisfaction_rate"] is None


@pytest.mark.parametrize("score, bad", [(5, False), (4, False), (3, False), (2, True), (1, True)])
def test_bad_means_dissatisfied_or_worse(score, bad):
    assert is_bad(score) is bad


def test_check_rating_drops_a_reason_on_good_ratings_and_trims_comments():
    assert check_rating(5, "fees", "  ok  ") == (5, None, "ok")
    assert check_rating(1, "other", "x" * 900)[2] == "x" * 500
    with pytest.raises(ValueError, match="needs a reason"):
        check_rating(2, None, None)


@pytest.fixture
def hall(tmp_path):
    clock = FixedClock(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))  # 09:00 in Jinan
    h = Hall(config=load_config(), db_path=tmp_path / "hall.db", clock=clock)
    accounts.add_user(h, "amy", "amy-pass-1", "staff")
    yield h
    h.close()


def _served(hall: Hall) -> dict:
    amy = accounts.Principal(kind="staff", name="amy")
    window_ops.open_window(hall, 39, amy)
    t = issue_ticket(hall, zone="special", actor=("kiosk", "k1"))
    window_ops.call_next(hall, 39, amy)
    window_ops.ticket_action(hall, 39, "start", amy, {})
    window_ops.ticket_action(hall, 39, "finish", amy, {})
    return t


def test_a_service_can_be_rated_within_a_day_only(hall):
    t = _served(hall)
    hall.clock.advance(24 * 3600 + 1)
    with pytest.raises(Conflict) as e:
        ops.rate(hall, t["id"], {"score": 5}, source="phone")
    assert e.value.code == "rating_closed"


def test_the_pad_offers_a_finished_ticket_for_a_few_minutes(hall):
    t = _served(hall)
    pad = accounts.Principal(kind="device", name="pad-39", device_kind="pad", window=39)
    assert ops.pad_ticket(hall, 39, pad)["id"] == t["id"]
    hall.clock.advance(ops.PAD_SHOWS_S + 1)
    assert ops.pad_ticket(hall, 39, pad) is None
    with pytest.raises(Conflict) as e:
        ops.rate(hall, t["id"], {"score": 5}, source="pad", principal=pad)
    assert e.value.code == "not_offered"
    # still rateable on the phone the same day
    assert ops.rate(hall, t["id"], {"score": 4}, source="phone")["score"] == 4


def test_the_pad_offers_only_the_latest_ticket_of_its_window(hall):
    first = _served(hall)
    amy = accounts.Principal(kind="staff", name="amy")
    second = issue_ticket(hall, zone="special", actor=("kiosk", "k1"))
    window_ops.call_next(hall, 39, amy)
    window_ops.ticket_action(hall, 39, "start", amy, {})
    window_ops.ticket_action(hall, 39, "finish", amy, {})
    pad = accounts.Principal(kind="device", name="pad-39", device_kind="pad", window=39)
    assert ops.pad_ticket(hall, 39, pad)["id"] == second["id"]
    with pytest.raises(Conflict):
        ops.rate(hall, first["id"], {"score": 5}, source="pad", principal=pad)


@pytest.mark.parametrize("who", [
    accounts.Principal(kind="staff", name="amy"), accounts.Principal(kind="manager", name="boss"),
    accounts.Principal(kind="device", name="k1", device_kind="kiosk"),
    accounts.Principal(kind="device", name="d1", device_kind="display"),
    accounts.Principal(kind="device", name="b39", device_kind="button", window=39),
    accounts.Principal(kind="device", name="pad-1", device_kind="pad", window=1),
])
def test_only_the_windows_own_pad_may_rate_there(hall, who):
    t = _served(hall)
    with pytest.raises(Forbidden):
        ops.pad_ticket(hall, 39, who)
    with pytest.raises(Forbidden):
        ops.rate(hall, t["id"], {"score": 5}, source="pad", principal=who)


def test_ticket_links_are_random_hashed_and_last_until_the_day_after(hall):
    t = issue_ticket(hall, zone="special", actor=("kiosk", "k1"))
    assert t["status_url"].startswith(hall.config.public.base_url + "/t/")
    token = t["status_url"].rsplit("/", 1)[1]
    assert len(token) >= 29  # 22 random bytes: 176 bits
    db = hall.store.read()
    assert ticket_of(db, token, hall.now()) == t["id"]
    assert not db.execute("SELECT 1 FROM ticket_links WHERE token_hash = ?", [token]).fetchone()  # only a digest
    hall.clock.advance(15 * 3600 + 24 * 3600 - 1)  # 09:00 + 39 h - 1 s: just before midnight the next day ends
    assert ticket_of(db, token, hall.now()) == t["id"]
    hall.clock.advance(1)
    with pytest.raises(NotFound):
        ticket_of(db, token, hall.now())
    with pytest.raises(NotFound):
        ticket_of(db, token[:-1] + ("A" if token[-1] != "A" else "B"), hall.now())


def test_an_unanswered_bad_rating_becomes_a_red_alert_after_its_working_days(hall):
    from queue_server.api.supervision import live_hall

    t = _served(hall)  # Monday 2026-11-23, 09:00: five working days end on Monday 30th at midnight
    ops.rate(hall, t["id"], {"score": 1, "reason": "fees"}, source="phone")
    hall.clock.advance(7 * 24 * 3600 + 14 * 3600)  # Monday 30th, 23:00
    assert not [a for a in live_hall(hall)["alerts"] if a["kind"] == "followup_overdue"]
    hall.clock.advance(3600)
    alert = next(a for a in live_hall(hall)["alerts"] if a["kind"] == "followup_overdue")
    assert alert["level"] == "red" and alert["en"] == "1 bad rating(s) not followed up by their deadline"
