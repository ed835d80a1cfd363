"""The wrong-typed-code limit holds under parallel requests, per device and per client address, and a flood of
refusals makes a handful of audit rows (one per device, outcome and minute, with a count)."""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter

import pytest

from tests.support.pickup_helpers import make_hallway

THREADS, EACH = 24, 8


@pytest.fixture
def hw(tmp_path):
    return make_hallway(tmp_path)


def wrong_codes_in_parallel(hw, kiosk: str = "kiosk-01", address: str = "10.0.0.7") -> Counter:
    statuses: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def hammer(i: int) -> None:
        client = hw.app.test_client()
        start.wait()
        for j in range(EACH):
            r = client.post("/api/v1/pickups", json={"code": f"ABCD-EFG{(i * EACH + j) % 10}"}, headers=hw.h(kiosk),
                            environ_base={"REMOTE_ADDR": address})
            with lock:
                statuses[r.status_code] += 1

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def audit(hw) -> list[tuple]:
    db = sqlite3.connect(hw.db_path)
    rows = db.execute("SELECT device, address, outcome, repeats FROM code_audit ORDER BY id").fetchall()
    db.close()
    return rows


def test_parallel_wrong_codes_get_exactly_the_limit_of_tries(hw):
    statuses = wrong_codes_in_parallel(hw)
    assert statuses == {400: 5, 429: THREADS * EACH - 5}
    assert audit(hw) == [("kiosk-01", "10.0.0.7", "invalid_code", 5),
                         ("kiosk-01", "10.0.0.7", "too_many_attempts", THREADS * EACH - 5)]


def test_the_limit_holds_per_address_whatever_the_device_token(hw):
    good = hw.licence()
    for _ in range(5):
        assert hw.post("/api/v1/pickups", "kiosk-01", {"code": "ABCD-EFGH0"},
                       environ_base={"REMOTE_ADDR": "10.0.0.8"}).status_code == 400
    same_address = hw.post("/api/v1/pickups", "kiosk-02", {"code": good["pickup_code"]},
                           environ_base={"REMOTE_ADDR": "10.0.0.8"})
    assert same_address.status_code == 429 and same_address.get_json()["error"] == "too_many_attempts"
    assert hw.post("/api/v1/pickups", "kiosk-02", {"code": good["pickup_code"]},
                   environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 201
    hw.clock.advance(61)
    assert hw.post("/api/v1/pickups", "kiosk-01", {"code": "ABCD-EFGH0"},
                   environ_base={"REMOTE_ADDR": "10.0.0.8"}).status_code == 400


def test_repeated_refusals_of_a_known_code_are_counted_not_copied(hw):
    lic = hw.licence()
    assert hw.redeem(lic["pickup_qr"]).status_code == 201
    for _ in range(50):
        assert hw.redeem(lic["pickup_qr"]).status_code == 409
    assert audit(hw)[-1][2:] == ("already_collected", 50)
    assert len(audit(hw)) == 3  # claimed, ticket issued, one refusal row
    hw.clock.advance(60)
    hw.redeem(lic["pickup_qr"])
    assert audit(hw)[-1][2:] == ("already_collected", 1)


def test_the_code_audit_stays_append_only_but_for_the_count(hw):
    hw.redeem("ABCD-EFGH0")
    db = sqlite3.connect(hw.db_path)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE code_audit SET outcome = 'claimed'")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE code_audit SET repeats = 0")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("DELETE FROM code_audit")
    db.close()
