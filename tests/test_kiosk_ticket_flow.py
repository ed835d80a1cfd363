"""Taking a number and printing it: the three taps, one ticket per tap, refusals, a lost server, printer
trouble (ticket drawn on screen, staff told once), no printer, the guide's slip, print outcomes in any order."""

from __future__ import annotations

import pytest

from hall_client.client import ApiError
from hardware.printer_errors import PaperOut, PrinterOffline
from kiosk.presenter.choice import TicketRequest
from kiosk.presenter.staff_alerts import StaffAlerts
from kiosk.presenter.tickets import TicketFlow
from kiosk.texts import TEXT
from kiosk.ticket_info import materials_lines, serving_windows, ticket_layout
from tests.support.kiosk_fakes import HALL, connected, shared, started_kiosk


@pytest.fixture
def kiosk():
    return started_kiosk()


def flow(printer: bool = True) -> TicketFlow:
    base = shared(printer=printer)
    link = connected(base)
    return TicketFlow(base, link, StaffAlerts(base, link))


def test_three_taps_from_home_to_a_printed_ticket(kiosk):
    kiosk.open_zone("commerce")
    kiosk.open_matter("A01")
    kiosk.take_number()
    assert kiosk.screen == "ticket" and kiosk.print_state == "printed"
    assert kiosk.client.tickets[-1]["matter"] == "A01"
    layout = kiosk.printer.printed[-1]
    assert layout.number == "A001" and layout.matter_zh == "企业设立登记"
    assert layout.status_url == "http://192.168.1.10:8000/t/fake-token-1"  # the server's link, as given
    assert layout.issued_at.hour == 9  # shown in the hall's time zone


def test_the_flow_takes_what_the_request_says():
    tickets = flow()
    tickets.take(TicketRequest(zone="chain", bundle="company-opening", priority="elderly"))
    taken = tickets.shared.client.tickets[-1]
    assert (taken["zone"], taken["bundle"], taken["matter"], taken["priority"]) == \
        ("chain", "company-opening", None, "elderly")
    assert tickets.shared.screen == "ticket" and tickets.print_state == "printed" and not tickets.busy


def test_a_second_tap_while_taking_a_number_does_not_take_two(kiosk):
    kiosk.runner.hold.add("net")
    kiosk.open_zone("commerce")
    kiosk.open_matter("A01")
    kiosk.take_number()
    kiosk.take_number()
    kiosk.runner.release("net")
    assert len(kiosk.client.tickets) == 1


def test_any_matter_takes_a_zone_ticket(kiosk):
    kiosk.open_zone("public")
    kiosk.take_zone_number()
    assert kiosk.client.tickets[-1]["zone"] == "public"
    assert kiosk.client.tickets[-1]["matter"] is None


def test_bundle_takes_one_chain_ticket(kiosk):
    kiosk.open_bundles()
    kiosk.open_bundle("company-opening")
    kiosk.take_number()
    ticket = kiosk.client.tickets[-1]
    assert ticket["zone"] == "chain" and ticket["bundle"] == "company-opening" and ticket["matter"] is None
    kiosk.back()
    assert kiosk.screen == "home"


def test_green_channel_reason_then_zone_then_matter(kiosk):
    kiosk.open_priority()
    kiosk.choose_priority("elderly")
    kiosk.choose_priority_zone("public")
    assert kiosk.client.tickets == [] and kiosk.asking_matter  # the matter is asked first
    kiosk.choose_priority_matter("B01")
    ticket = kiosk.client.tickets[-1]
    assert ticket["priority"] == "elderly" and ticket["zone"] == "public" and ticket["matter"] == "B01"
    assert "工作人员可能核验" in kiosk.layout.priority_zh and "eligibility" in kiosk.layout.priority_en


def test_no_number_without_a_zone_or_a_server(kiosk):
    kiosk.take_number()  # home: no zone chosen
    kiosk.open_zone("commerce")
    kiosk.server_status(False)
    kiosk.take_number()
    assert kiosk.client.tickets == [] and kiosk.screen == "matters"


def test_taking_a_number_when_the_server_vanishes(kiosk):
    kiosk.open_zone("commerce")
    kiosk.open_matter("A01")
    kiosk.client.down = True
    kiosk.take_number()
    assert kiosk.screen == "guide" and not kiosk.ready and not kiosk.busy
    assert kiosk.notice == ("暂停取号，请稍候", "Ticketing paused, please wait")


def test_a_refused_ticket_shows_the_servers_words(kiosk):
    kiosk.open_zone("commerce")
    kiosk.open_matter("A01")
    kiosk.client.refuse = ApiError(400, "unknown_zone", "unknown zone 'x'")
    kiosk.take_number()
    assert kiosk.ready and kiosk.screen == "guide"
    assert "unknown zone" in kiosk.notice[1] and kiosk.notice[0].startswith("无法取号")


@pytest.mark.parametrize("error, kind", [(PaperOut("打印机缺纸", "out of paper"), "printer_paper_out"),
                                         (PrinterOffline("打印机无响应", "offline"), "printer_offline")])
def test_printer_failure_shows_the_ticket_and_alerts_staff_once(kiosk, error, kind):
    kiosk.printer.error = error
    for _ in range(2):
        kiosk.open_zone("commerce")
        kiosk.open_matter("A01")
        kiosk.take_number()
        assert kiosk.print_state == "failed" and kiosk.print_error == (error.zh, error.en)
        assert kiosk.ticket_png.endswith(".png")
        kiosk.go_home()
    assert [a[0] for a in kiosk.client.alerts] == [kind]
    kiosk.printer.error = None
    kiosk.open_zone("commerce")
    kiosk.take_zone_number()
    assert kiosk.print_state == "printed"
    assert [a[0] for a in kiosk.client.alerts] == [kind, "printer_ok"]


def test_a_kiosk_without_a_printer_shows_the_ticket():
    p = started_kiosk(printer=False)
    p.open_zone("commerce")
    p.take_zone_number()
    assert p.screen == "ticket" and p.print_state == "none"


def test_a_ticket_given_by_a_scan_is_printed_here():
    tickets = flow()
    given = {"id": 9, "number": "P003", "zone": "pickup", "ahead": 0, "estimated_wait_s": 30,
             "issued_at": "2026-01-05T01:00:00+00:00"}
    tickets.show(given)
    assert tickets.shared.printer.printed[-1].number == "P003" and tickets.print_state == "printed"


def test_a_ticket_that_cannot_be_laid_out_is_shown_unprinted():
    tickets = flow()
    tickets.show({"id": 5, "zone": "commerce"})  # no number to print
    assert tickets.layout is None and tickets.print_state == "none" and tickets.shared.printer.printed == []


def test_print_this_list(kiosk):
    kiosk.open_zone("commerce")
    kiosk.open_matter("A01")
    kiosk.print_list()
    title, lines = kiosk.printer.lists[-1]
    assert title == "企业设立登记"
    assert "1. 申请书" in lines and "   ID card" in lines
    assert kiosk.notice == ("材料清单已打印，请取走", "The list is printed, please take it")
    kiosk.printer.error = PaperOut("打印机缺纸", "out of paper")
    kiosk.print_list()
    assert kiosk.notice == ("打印机缺纸", "out of paper")


def test_no_printer_no_slip():
    tickets = flow(printer=False)
    tickets.print_slip("title", ["line"])
    assert tickets.shared.notice == TEXT["no_printer"]


@pytest.mark.parametrize("printer_first", [True, False])
def test_the_print_outcome_finds_its_ticket_in_either_order(kiosk, printer_first):
    if not printer_first:
        kiosk.runner.hold.add("printer")  # the printer answers after the ticket screen is up
    kiosk.open_zone("commerce")
    kiosk.take_zone_number()
    assert kiosk.screen == "ticket"
    if not printer_first:
        assert kiosk.print_state == "printing"
        kiosk.runner.release("printer")
    assert kiosk.print_state == "printed"


def test_ticket_layout_and_windows():
    ticket = {"id": 3, "number": "A003", "zone": "commerce", "matter": "A01", "priority": "pregnant", "ahead": 1,
              "estimated_wait_s": 120, "issued_at": "2026-01-05T01:12:00+00:00",
              "status_url": "http://hall:8000/t/Zx9-token"}
    layout = ticket_layout(HALL, ticket, "http://hall:8000/")
    assert layout.status_url == "http://hall:8000/t/Zx9-token"
    assert "/3" not in layout.status_url and layout.status_url.startswith("http://hall:8000/t/")
    assert ticket_layout(HALL, {**ticket, "status_url": None}, "http://hall:8000/").status_url == ""
    assert layout.zone_zh == "商事登记" and layout.priority_zh.startswith("绿色通道：孕妇")
    assert serving_windows(HALL, "commerce") == "1-2, 7"
    assert serving_windows(HALL, "chain") == ""
    assert materials_lines([{"zh": "申请书", "en": "Form"}]) == ["1. 申请书", "   Form"]


def test_green_channel_not_sure_takes_a_number_for_the_zone(kiosk):
    kiosk.open_priority()
    kiosk.choose_priority("pregnant")
    kiosk.choose_priority_zone("commerce")
    kiosk.choose_priority_matter("B01")  # not a matter of this zone: nothing happens
    assert kiosk.client.tickets == []
    kiosk.choose_priority_matter(None)
    ticket = kiosk.client.tickets[-1]
    assert ticket["priority"] == "pregnant" and ticket["zone"] == "commerce" and ticket["matter"] is None
