from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from queue_server.core.numbering import format_number, service_day

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("seq,expected", [(1, "A001"), (42, "A042"), (999, "A999"), (1000, "A1000")])
def test_format_number(seq, expected):
    assert format_number("A", seq) == expected


def test_sequence_starts_at_one():
    with pytest.raises(ValueError):
        format_number("A", 0)


@pytest.mark.parametrize(
    "utc,day",
    [
        (datetime(2026, 11, 22, 15, 59, 59, tzinfo=UTC), "2026-11-22"),  # 23:59:59 in Shanghai
        (datetime(2026, 11, 22, 16, 0, 0, tzinfo=UTC), "2026-11-23"),  # local midnight
        (datetime(2026, 11, 22, 1, 0, 0, tzinfo=UTC), "2026-11-22"),
    ],
)
def test_service_day_is_the_local_date(utc, day):
    assert service_day(utc, SHANGHAI).isoformat() == day


def test_service_day_needs_aware_time():
    with pytest.raises(ValueError):
        service_day(datetime(2026, 11, 22, 8, 0), SHANGHAI)
