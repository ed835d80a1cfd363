"""The citizen's choice before a ticket: zone, matter (pinyin search), guide, bundles, green channel, back."""

from __future__ import annotations

import pytest

from kiosk.presenter.choice import Choice, TicketRequest
from kiosk.presenter.connection import Connection
from kiosk.presenter.guide import days_text, guide_of, slip
from kiosk.search import matches, search
from kiosk.texts import TEXT
from tests.support.kiosk_fakes import HALL, MATTER, connected, shared, started_kiosk


@pytest.fixture
def choice() -> Choice:
    base = shared()
    return Choice(base, connected(base))


def test_zone_then_matter_then_the_guide(choice):
    choice.open_zone("commerce")
    assert choice.shared.screen == "matters"
    assert [m["code"] for m in choice.matters()] == ["A01", "A02"]  # common first
    choice.open_matter("A01")
    assert choice.shared.screen == "guide"
    guide = choice.guide()
    assert guide["fee"] == ("不收费", "Free") and len(guide["materials"]) == 2
    assert guide["days"] == ("法定时限 15 个工作日，承诺时限 1 个工作日",
                             "statutory time limit: 15 working days; promised time limit: 1 working day")
    assert choice.request() == TicketRequest(zone="commerce", matter="A01")


def test_nothing_opens_while_the_server_is_down():
    base = shared()
    base.client.down = True
    choice = Choice(base, connected(base))
    choice.open_zone("commerce")
    choice.open_bundles()
    choice.open_priority()
    assert base.screen == "home" and choice.request() is None


def test_pinyin_initials_narrow_the_matters(choice):
    choice.open_zone("commerce")
    for letter in "qyz":
        choice.type_letter(letter)
    assert [m["code"] for m in choice.matters()] == ["A02"]
    choice.delete_letter()
    assert {m["code"] for m in choice.matters()} == {"A01", "A02"}
    choice.clear_query()
    assert choice.query == ""


def test_the_search_takes_at_most_twelve_letters(choice):
    choice.open_zone("commerce")
    for letter in "ABCDEFGHIJKLMN":
        choice.type_letter(letter)
    assert choice.query == "abcdefghijkl"


@pytest.mark.parametrize("query, expected", [("qysl", True), ("qiye", True), ("register", True), ("rac", True),
                                             ("企业", True), ("zx", False), ("注销", False)])
def test_search_keys(query, expected):
    assert matches(query, "企业设立登记", "Register a company") is expected


def test_search_ranks_initials_from_the_start_first():
    items = [{"name_zh": "个体工商户注册登记", "name_en": "x"}, {"name_zh": "注册登记", "name_en": "y"}]
    assert [i["name_zh"] for i in search(items, "zc")] == ["注册登记", "个体工商户注册登记"]


def test_a_bundle_shows_its_merged_guide(choice):
    choice.open_bundles()
    assert choice.shared.screen == "bundles"
    choice.open_bundle("company-opening")
    assert choice.shared.screen == "guide"
    guide = choice.guide()
    assert guide["matters"] == [("企业设立登记", "Register a company")]
    assert [m["id"] for m in guide["materials"]] == ["form"]
    assert choice.request() == TicketRequest(zone="chain", bundle="company-opening")


def test_back_from_a_bundle_guide_goes_to_the_bundles():
    kiosk = started_kiosk()
    kiosk.open_bundles()
    kiosk.open_bundle("company-opening")
    kiosk.back()
    assert kiosk.screen == "bundles"
    kiosk.back()
    assert kiosk.screen == "home"


def test_back_from_a_matter_guide_goes_to_the_matters(choice):
    choice.open_zone("commerce")
    choice.open_matter("A01")
    assert choice.back() and choice.shared.screen == "matters" and choice.matter is None
    assert choice.back() is False  # the presenter goes home


def test_green_channel_reason_then_zone(choice):
    choice.open_priority()
    choice.choose_priority("nobody")  # not a class of this hall: ignored
    assert choice.priority is None
    assert choice.choose_priority_zone("public") is False  # no reason yet
    choice.choose_priority("elderly")
    assert choice.choose_priority_zone("nowhere") is False
    assert choice.choose_priority_zone("public") is True
    assert choice.request() == TicketRequest(zone="public", priority="elderly")


def test_back_on_the_green_channel_zone_step_returns_to_the_reasons():
    kiosk = started_kiosk()
    kiosk.open_priority()
    kiosk.choose_priority("veteran")
    kiosk.back()
    assert kiosk.screen == "priority" and kiosk.priority is None


def test_days_and_the_printed_slip():
    assert days_text(0, 0) == TEXT["on_the_spot"]
    assert days_text(15, 0)[0].endswith(TEXT["on_the_spot"][0])
    guide = guide_of(MATTER, None, HALL)
    title, lines = slip(guide)
    assert title == "企业设立登记" and lines[0] == "Register a company"
    assert "1. 申请书" in lines and "   ID card" in lines
    assert any("不收费" in line for line in lines)
    bundle_title, bundle_lines = slip(guide_of(None, HALL["bundles"][0], HALL))
    assert bundle_title == "开办企业一件事" and not any("不收费" in line for line in bundle_lines)


def test_a_bundle_of_an_unknown_matter_names_its_code():
    bundle = dict(HALL["bundles"][0], matters=["Z99"])
    assert guide_of(None, bundle, HALL)["matters"] == [("Z99", "Z99")]
    assert guide_of(None, bundle, None)["matters"] == [("Z99", "Z99")]


def test_choice_needs_no_hall_for_its_lists():
    choice = Choice(shared(), Connection(shared()))
    assert choice.matters() == [] and choice.bundles() == [] and choice.priority_classes() == []
