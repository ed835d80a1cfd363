"""HallClient's kiosk calls by name (redeem_pickup, confirm_postal, check_in) against a real server."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hall_client.client import ApiError, HallClient

LICENCE = {"licence_type": "营业执照", "holder_name": "李四", "id_last4": "1234", "phone_last4": "5678"}


def _next_weekday_morning() -> str:
    day = datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return f"{day.isoformat()}T09:00"


def test_pickup_postal_confirmation_and_check_in_by_name(live_server):
    manager = HallClient(live_server.url)
    manager.login(*live_server.seeded.manager)
    kiosk = HallClient(live_server.url, live_server.seeded.devices["kiosk-01"])
    desk = manager.post("/licences", LICENCE | {"case_no": "LX-CLIENT-1", "method": "desk"})
    answer = kiosk.redeem_pickup(desk["pickup_code"])
    assert answer["ticket"]["zone"] == "pickup" and answer["ticket"]["extra"]["licence_id"] == desk["id"]

    posted = manager.post("/licences", LICENCE | {"case_no": "LX-CLIENT-2", "method": "post",
                                                  "post_address": "山东省济南市历下区解放路123号4单元501室"})
    question = kiosk.redeem_pickup(posted["pickup_code"])
    assert question["method"] == "post" and question["confirm"]
    assert kiosk.confirm_postal(posted["pickup_code"], True)["state"] == "post_confirmed"

    booked = manager.post("/appointments", {"zone": "commerce", "slot_start": _next_weekday_morning()})
    with pytest.raises(ApiError) as refused:
        kiosk.check_in(booked["qr"])
    assert refused.value.status == 409  # tomorrow's appointment: too early today
