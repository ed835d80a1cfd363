"""`hall purge`: ticket links and contact numbers go after N days; numbers, times and scores stay."""

from __future__ import annotations

from datetime import UTC, datetime

from click.testing import CliRunner

from queue_server.cli import cli
from queue_server.clock import FixedClock
from queue_server.hall import Hall
from queue_server.hall_config import load_config
from queue_server.ops import accounts
from queue_server.ops import windows as window_ops
from queue_server.ops.purge import purge
from queue_server.ops.tickets import issue_ticket
from queue_server.ratings import ops as rating_ops


def test_purge_removes_links_and_contacts_older_than_n_days(tmp_path):
    clock = FixedClock(datetime(2026, 11, 2, 1, 0, tzinfo=UTC))
    hall = Hall(config=load_config(), db_path=tmp_path / "hall.db", clock=clock)
    try:
        accounts.add_user(hall, "amy", "amy-pass-1", "staff")
        amy = accounts.Principal(kind="staff", name="amy")
        window_ops.open_window(hall, 39, amy)
        old = issue_ticket(hall, zone="special", actor=("kiosk", "k1"))
        window_ops.call_next(hall, 39, amy)
        window_ops.ticket_action(hall, 39, "start", amy, {})
        window_ops.ticket_action(hall, 39, "finish", amy, {})
        rating_ops.rate(hall, old["id"], {"score": 1, "reason": "fees", "contact": "13912345678"}, source="phone")
        clock.advance(20 * 86400)
        recent = issue_ticket(hall, zone="special", actor=("kiosk", "k1"))
        clock.advance(11 * 86400)
        with hall.store.write() as db:  # a number left for SMS on the first day, and its sent message
            db["ticket_phones"].insert({"ticket_id": old["id"], "masked": "139****5678", "phone_hash": "x" * 64,
                                        "phone": None, "created_at": old["issued_at"]})
            db["notifications"].insert({"ticket_id": old["id"], "kind": "called", "phone": "13912345678",
                                        "masked": "139****5678", "body": "请到 39 号窗口", "state": "failed",
                                        "created_at": old["issued_at"]})
        assert purge(hall, 30) == {"ticket_links": 1, "rating_contacts": 1, "phone_numbers": 1,
                                   "licence_phone_numbers": 0, "appointment_notes": 0, "case_phones": 0,
                                   "notifications": 1}
        assert hall.store.read().execute("SELECT phone, body, masked FROM notifications").fetchone() == (
            None, None, "139****5678")
        db = hall.store.read()
        assert [r[0] for r in db.execute("SELECT ticket_id FROM ticket_links")] == [recent["id"]]
        rating = db.execute("SELECT score, contact, number FROM ratings").fetchone()
        assert rating == (1, None, old["number"])
        assert purge(hall, 30) == {"ticket_links": 0, "rating_contacts": 0, "phone_numbers": 0,
                                   "licence_phone_numbers": 0, "appointment_notes": 0, "case_phones": 0,
                                   "notifications": 0}
    finally:
        hall.close()
    result = CliRunner().invoke(cli, ["purge", "--db", str(tmp_path / "hall.db"), "--days", "0"])
    assert result.exit_code == 0, result.output
    assert "ticket_links: 1" in result.output
