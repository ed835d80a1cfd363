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
                             "Statutory time limit: 15 working days. Promised time limit: 1 working day")
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


def test_green_channel_reason_then_zone_then_matter(choice):
    choice.open_priority()
    choice.choose_priority("nobody")  # not a class of this hall: ignored
    assert choice.priority is None
    choice.choose_priority_zone("public")  # no reason yet
    assert not choice.asking_matter
    choice.choose_priority("elderly")
    choice.choose_priority_zone("nowhere")
    assert not choice.asking_matter
    choice.choose_priority_zone("public")
    assert choice.asking_matter and [m["code"] for m in choice.priority_matters()] == ["B01"]
    assert choice.choose_priority_matter("A01") is False  # not in this zone
    assert choice.choose_priority_matter("B01") is True
    assert choice.request() == TicketRequest(zone="public", matter="B01", priority="elderly")
    assert choice.choose_priority_matter(None) is True  # "not sure": the zone alone
    assert choice.request() == TicketRequest(zone="public", priority="elderly")


def test_back_from_the_green_channel_matter_question_returns_to_the_zones():
    kiosk = started_kiosk()
    kiosk.open_priority()
    kiosk.choose_priority("elderly")
    kiosk.choose_priority_zone("commerce")
    kiosk.back()
    assert kiosk.screen == "priority" and kiosk.priority == "elderly" and not kiosk.asking_matter


def test_search_from_home_finds_matters_of_every_zone(choice):
    choice.open_search()
    assert choice.shared.screen == "matters" and choice.searching and choice.zone is None
    assert {m["code"] for m in choice.matters()} == {"A01", "A02", "B01"}
    for letter in "sbk":  # 社保卡 by its initials, from the home screen: no need to know it sits in 公共服务
        choice.type_letter(letter)
    assert [m["code"] for m in choice.matters()] == ["B01"]
    choice.open_matter("B01")
    assert choice.shared.screen == "guide" and choice.zone["code"] == "public"
    assert choice.request() == TicketRequest(zone="public", matter="B01")
    assert choice.back() and choice.shared.screen == "matters" and choice.searching and choice.zone is None
    assert choice.query == "sbk"  # the search is kept


def test_search_by_chinese_and_full_pinyin(choice):
    choice.open_search()
    choice.query = "社保"
    assert [m["code"] for m in choice.matters()] == ["B01"]
    choice.query = "shebao"
    assert [m["code"] for m in choice.matters()] == ["B01"]


def test_the_keyboard_folds_away_and_comes_back(choice):
    choice.open_search()
    assert choice.keyboard
    choice.toggle_keyboard()
    assert not choice.keyboard
    choice.open_zone("commerce")
    assert choice.keyboard and not choice.searching  # a fresh screen starts with the keyboard


def test_a_zone_tile_shows_examples_of_its_matters(choice):
    zones = {z["code"]: z for z in HALL["zones"]}
    assert choice.examples(zones["commerce"]) == ("如：开办企业", "e.g. Start a company")  # only short names
    assert choice.examples(zones["public"]) == ("如：社保卡", "e.g. Social security card")
    assert choice.examples(zones["chain"]) == ("", "")


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
