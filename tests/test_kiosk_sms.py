"""SMS reminder on the kiosk: offered after the ticket when the hall sends SMS, the consent screen's keypad, one
number per ticket, clear words when the server refuses, back returns to the ticket."""

from __future__ import annotations

from hall_client.client import ApiError
from tests.support.kiosk_fakes import started_kiosk


def kiosk_with_ticket(sms: bool = True):
    p = started_kiosk()
    p.client.sms_enabled = sms
    p.load_hall()
    p.open_zone("commerce")
    p.take_zone_number()
    assert p.screen == "ticket"
    return p


def type_number(p, digits: str) -> None:
    for d in digits:
        p.sms_key(d)


def test_not_offered_when_the_hall_sends_no_sms():
    assert kiosk_with_ticket(sms=False).sms_offered is False


def test_a_number_with_consent_reaches_the_server_once():
    p = kiosk_with_ticket()
    assert p.sms_offered
    p.open_sms()
    assert p.screen == "sms"
    type_number(p, "1391234567")
    p.sms_key("ok")
    assert p.sms_error and "11" in p.sms_error[0] and p.client.sms == []
    type_number(p, "89")  # the twelfth digit is ignored
    assert p.sms_entry == "13912345678"
    p.sms_key("ok")
    assert p.client.sms == [(p.ticket["id"], "13912345678")]
    assert p.screen == "ticket" and "139****5678" in p.notice[0]
    assert p.sms_offered is False  # once per ticket


def test_a_refusal_is_shown_and_back_returns_to_the_ticket():
    p = kiosk_with_ticket()
    p.open_sms()
    p.client.refuse = ApiError(400, "bad_phone", "phone must be an 11-digit mobile number")
    type_number(p, "13912345678")
    p.sms_key("ok")
    assert p.screen == "sms" and "11-digit" in p.sms_error[1]
    p.sms_key("delete")
    assert p.sms_entry == "1391234567" and p.sms_error is None
    p.back()
    assert p.screen == "ticket" and p.sms_entry == ""
    p.go_home()
    assert p.screen == "home"
