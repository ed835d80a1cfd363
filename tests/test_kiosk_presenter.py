"""The kiosk's flow without a window: every path through the presenter, with fakes for the edges."""

from __future__ import annotations

import tomllib

import pytest

from hall_client.client import ApiError, ServerUnreachable
from hardware.printer_errors import PaperOut, PrinterOffline
from kiosk.device_config import DEFAULT_DEVICE, DeviceConfigError, load_device, parse_device
from kiosk.presenter import KioskPresenter
from kiosk.runner import InlineRunner
from kiosk.search import matches, search
from kiosk.staff_pin import hash_pin
from kiosk.ticket_info import materials_lines, serving_windows, ticket_layout

MATTER = {"code": "A01", "zone": "commerce", "name_zh": "企业设立登记", "name_en": "Register a company",
          "common": True, "legal_days": 15, "promised_days": 1, "fee_zh": "不收费", "fee_en": "Free",
          "notes_zh": "可邮寄", "notes_en": "Can be posted",
          "materials": [{"id": "form", "zh": "申请书", "en": "Application form"},
                        {"id": "id_card", "zh": "身份证", "en": "ID card"}]}
RARE = dict(MATTER, code="A02", name_zh="企业注销登记", name_en="Close a company", common=False)
HALL = {
    "name_zh": "历下区政务服务中心", "name_en": "Lixia Hall", "timezone": "Asia/Shanghai",
    "priority_classes": ["elderly", "disabled", "veteran", "pregnant", "talent"],
    "zones": [
        {"code": "commerce", "prefix": "A", "kind": "front", "name_zh": "商事登记", "name_en": "Business",
         "matters": [RARE, MATTER]},
        {"code": "public", "prefix": "B", "kind": "front", "name_zh": "公共服务", "name_en": "Public",
         "matters": []},
        {"code": "chain", "prefix": "G", "kind": "chain", "name_zh": "一链办理", "name_en": "One thing",
         "matters": []},
        {"code": "pickup", "prefix": "P", "kind": "pickup", "name_zh": "统一出件", "name_en": "Pickup",
         "matters": []},
    ],
    "bundles": [{"code": "company-opening", "zone": "chain", "name_zh": "开办企业一件事",
                 "name_en": "Open a company", "matters": ["A01"], "promised_days": 1, "notes_zh": "",
                 "notes_en": "", "materials": [{"id": "form", "zh": "申请书", "en": "Application form"}]}],
    "windows": [{"number": 1, "zones": ["commerce", "public"]}, {"number": 2, "zones": ["commerce"]},
                {"number": 3, "zones": ["public", "commerce"]}, {"number": 7, "zones": ["commerce"]}],
}
BOARD = {"zones": [{"zone": "commerce", "waiting": 4, "estimated_wait_s": 900}], "calls": []}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeClient:
    def __init__(self) -> None:
        self.down = False
        self.tickets: list[dict] = []
        self.alerts: list[tuple[str, str]] = []
        self.posts: list[tuple[str, dict]] = []
        self.answer: object = {"message_zh": "已签到", "message_en": "Checked in"}
        self.refuse: ApiError | None = None

    def _check(self) -> None:
        if self.down:
            raise ServerUnreachable("cannot reach the queue server")

    def hall(self) -> dict:
        self._check()
        return HALL

    def board(self) -> dict:
        self._check()
        return BOARD

    def take_number(self, zone, matter=None, bundle=None, priority=None) -> dict:
        self._check()
        if self.refuse:
            raise self.refuse
        prefix = {"commerce": "A", "public": "B", "chain": "G"}[zone]
        ticket = {"id": len(self.tickets) + 1, "number": f"{prefix}{len(self.tickets) + 1:03d}", "zone": zone,
                  "matter": matter, "bundle": bundle, "priority": priority, "ahead": 2,
                  "estimated_wait_s": 600, "issued_at": "2026-01-05T01:12:00+00:00"}
        self.tickets.append(ticket)
        return ticket

    def alert(self, kind: str, message: str = "") -> dict:
        self._check()
        self.alerts.append((kind, message))
        return {"id": len(self.alerts)}

    def post(self, path: str, body: dict | None = None):
        self._check()
        self.posts.append((path, body or {}))
        if self.refuse:
            raise self.refuse
        return self.answer


class FakePrinter:
    def __init__(self) -> None:
        self.printed: list[object] = []
        self.lists: list[tuple[str, list[str]]] = []
        self.error: Exception | None = None

    def print_ticket(self, layout) -> str:
        if self.error:
            raise self.error
        self.printed.append(layout)
        return "ok"

    def print_lines(self, title, lines) -> str:
        if self.error:
            raise self.error
        self.lists.append((title, lines))
        return "ok"

    def render_png(self, layout) -> str:
        return f"/tmp/ticket-{layout.number}.png"


PIN_HASH = hash_pin("2580", iterations=1000)  # the test kiosk's staff exit PIN (a fast hash for tests)


def config(**screen):
    data = {"kiosk": {"name": "kiosk-01"}, "server": {"url": "http://127.0.0.1:8000", "token": "t", "retry_s": 3},
            "printer": {"spec": "network:127.0.0.1:9100"}, "camera": {"source": "0"},
            "screen": {"zones": ["commerce", "public"], **screen}, "staff": {"exit_pin_hash": PIN_HASH},
            "idle": {"home_after_s": 60, "board_after_s": 180}}
    return parse_device(data)


@pytest.fixture
def kiosk():
    client, printer, clock = FakeClient(), FakePrinter(), FakeClock()
    p = KioskPresenter(config(), client, printer, InlineRunner(), clock=clock)
    p.client_fake, p.printer_fake, p.clock_fake = client, printer, clock
    p.start()
    return p


def test_start_loads_the_hall_and_the_board(kiosk):
    assert kiosk.ready and kiosk.screen == "home"
    assert [z["code"] for z in kiosk.zones_shown()] == ["commerce", "public"]
    assert kiosk.zone_status("commerce") == (4, 900)
    assert kiosk.zone_status("public") == (None, None)
    assert kiosk.hall_name == ("历下区政务服务中心", "Lixia Hall")


def test_three_taps_from_home_to_a_printed_ticket(kiosk):
    kiosk.open_zone("commerce")
    assert kiosk.screen == "matters"
    assert [m["code"] for m in kiosk.matters()] == ["A01", "A02"]  # common first
    kiosk.open_matter("A01")
    assert kiosk.screen == "guide"
    guide = kiosk.guide()
    assert guide["fee"] == ("不收费", "Free") and len(guide["materials"]) == 2
    assert guide["days"] == ("法定 15 个工作日，承诺 1 个工作日",
                             "legal limit 15 working days; we promise 1 working days")
    kiosk.take_number()
    assert kiosk.screen == "ticket" and kiosk.print_state == "printed"
    assert kiosk.client_fake.tickets[-1]["matter"] == "A01"
    layout = kiosk.printer_fake.printed[-1]
    assert layout.number == "A001" and layout.matter_zh == "企业设立登记"
    assert layout.status_url == "http://127.0.0.1:8000/api/v1/tickets/1"
    assert layout.issued_at.hour == 9  # shown in the hall's time zone


def test_a_second_tap_while_taking_a_number_does_not_take_two(kiosk):
    kiosk.runner.hold.add("net")
    kiosk.open_zone("commerce")
    kiosk.open_matter("A01")
    kiosk.take_number()
    kiosk.take_number()
    kiosk.runner.release("net")
    assert len(kiosk.client_fake.tickets) == 1


def test_any_matter_takes_a_zone_ticket(kiosk):
    kiosk.open_zone("public")
    kiosk.take_zone_number()
    assert kiosk.client_fake.tickets[-1]["zone"] == "public"
    assert kiosk.client_fake.tickets[-1]["matter"] is None


def test_pinyin_initials_narrow_the_matters(kiosk):
    kiosk.open_zone("commerce")
    for letter in "qyz":
        kiosk.type_letter(letter)
    assert [m["code"] for m in kiosk.matters()] == ["A02"]
    kiosk.delete_letter()
    assert {m["code"] for m in kiosk.matters()} == {"A01", "A02"}
    kiosk.clear_query()
    assert kiosk.query == ""


@pytest.mark.parametrize("query, expected", [("qysl", True), ("qiye", True), ("register", True), ("rac", True),
                                             ("企业", True), ("zx", False), ("注销", False)])
def test_search_keys(query, expected):
    assert matches(query, "企业设立登记", "Register a company") is expected


def test_search_ranks_initials_from_the_start_first():
    items = [{"name_zh": "个体工商户注册登记", "name_en": "x"}, {"name_zh": "注册登记", "name_en": "y"}]
    assert [i["name_zh"] for i in search(items, "zc")] == ["注册登记", "个体工商户注册登记"]


def test_bundle_takes_one_chain_ticket(kiosk):
    kiosk.open_bundles()
    assert kiosk.screen == "bundles"
    kiosk.open_bundle("company-opening")
    assert kiosk.screen == "guide"
    guide = kiosk.guide()
    assert guide["matters"] == [("企业设立登记", "Register a company")]
    assert [m["id"] for m in guide["materials"]] == ["form"]
    kiosk.take_number()
    ticket = kiosk.client_fake.tickets[-1]
    assert ticket["zone"] == "chain" and ticket["bundle"] == "company-opening" and ticket["matter"] is None
    kiosk.back()
    assert kiosk.screen == "home"


def test_back_from_a_bundle_guide_goes_to_the_bundles(kiosk):
    kiosk.open_bundles()
    kiosk.open_bundle("company-opening")
    kiosk.back()
    assert kiosk.screen == "bundles"


def test_green_channel_reason_then_zone(kiosk):
    kiosk.open_priority()
    kiosk.choose_priority("nobody")  # not a class of this hall: ignored
    assert kiosk.priority is None
    kiosk.choose_priority("elderly")
    kiosk.choose_priority_zone("public")
    ticket = kiosk.client_fake.tickets[-1]
    assert ticket["priority"] == "elderly" and ticket["zone"] == "public"
    assert "工作人员可能核验" in kiosk.layout.priority_zh and "eligibility" in kiosk.layout.priority_en


def test_back_on_the_green_channel_zone_step_returns_to_the_reasons(kiosk):
    kiosk.open_priority()
    kiosk.choose_priority("veteran")
    kiosk.back()
    assert kiosk.screen == "priority" and kiosk.priority is None


def test_server_down_pauses_ticketing_and_retries(kiosk):
    client, clock = kiosk.client_fake, kiosk.clock_fake
    client.down = True
    kiosk.server_status(False)
    assert not kiosk.ready
    kiosk.open_zone("commerce")
    assert kiosk.screen == "home"  # greyed tiles do nothing
    clock.now += 5
    kiosk.tick()  # the retry fails quietly
    assert not kiosk.ready
    client.down = False
    clock.now += 5
    kiosk.tick()
    assert kiosk.ready


def test_taking_a_number_when_the_server_vanishes(kiosk):
    kiosk.open_zone("commerce")
    kiosk.open_matter("A01")
    kiosk.client_fake.down = True
    kiosk.take_number()
    assert kiosk.screen == "guide" and not kiosk.ready and not kiosk.busy
    assert kiosk.notice == ("暂停取号，请稍候", "Ticketing paused, please wait")


def test_a_refused_ticket_shows_the_servers_words(kiosk):
    kiosk.open_zone("commerce")
    kiosk.open_matter("A01")
    kiosk.client_fake.refuse = ApiError(400, "unknown_zone", "unknown zone 'x'")
    kiosk.take_number()
    assert kiosk.ready and kiosk.screen == "guide"
    assert "unknown zone" in kiosk.notice[1] and kiosk.notice[0].startswith("无法取号")


@pytest.mark.parametrize("error, kind", [(PaperOut("打印机缺纸", "out of paper"), "printer_paper_out"),
                                         (PrinterOffline("打印机无响应", "offline"), "printer_offline")])
def test_printer_failure_shows_the_ticket_and_alerts_staff_once(kiosk, error, kind):
    kiosk.printer_fake.error = error
    for _ in range(2):
        kiosk.open_zone("commerce")
        kiosk.open_matter("A01")
        kiosk.take_number()
        assert kiosk.print_state == "failed" and kiosk.print_error == (error.zh, error.en)
        assert kiosk.ticket_png.endswith(".png")
        kiosk.go_home()
    assert [a[0] for a in kiosk.client_fake.alerts] == [kind]
    kiosk.printer_fake.error = None
    kiosk.open_zone("commerce")
    kiosk.take_zone_number()
    assert kiosk.print_state == "printed"
    assert [a[0] for a in kiosk.client_fake.alerts] == [kind, "printer_ok"]


def test_a_kiosk_without_a_printer_shows_the_ticket():
    p = KioskPresenter(config(), FakeClient(), None, InlineRunner(), clock=FakeClock())
    p.start()
    p.open_zone("commerce")
    p.take_zone_number()
    assert p.screen == "ticket" and p.print_state == "none"


def test_print_this_list(kiosk):
    kiosk.open_zone("commerce")
    kiosk.open_matter("A01")
    kiosk.print_list()
    title, lines = kiosk.printer_fake.lists[-1]
    assert title == "企业设立登记"
    assert "1. 申请书" in lines and "   ID card" in lines
    assert kiosk.notice == ("材料清单已打印，请取走", "The list is printed, please take it")
    kiosk.printer_fake.error = PaperOut("打印机缺纸", "out of paper")
    kiosk.print_list()
    assert kiosk.notice == ("打印机缺纸", "out of paper")


def test_help_raises_an_alert(kiosk):
    kiosk.ask_help()
    assert kiosk.client_fake.alerts[-1][0] == "help" and "kiosk-01" in kiosk.client_fake.alerts[-1][1]
    assert kiosk.notice[0].startswith("已通知工作人员")
    kiosk.client_fake.down = True
    kiosk.ask_help()
    assert kiosk.notice[0].startswith("呼叫失败")


def test_qr_code_goes_to_the_server_and_its_answer_is_shown(kiosk):
    kiosk.open_scan("checkin")
    kiosk.code_scanned("  ABC123  ")
    assert kiosk.client_fake.posts[-1] == ("/appointments/check-in", {"code": "ABC123"})
    assert kiosk.scan_result.ok and kiosk.scan_result.zh == "已签到"
    kiosk.client_fake.refuse = ApiError(404, "not_found", "no such code")
    kiosk.open_scan("pickup")
    kiosk.code_scanned("XYZ")
    assert kiosk.client_fake.posts[-1] == ("/pickups", {"code": "XYZ"})
    assert not kiosk.scan_result.ok and kiosk.scan_result.status == 404
    assert "no such code" in kiosk.scan_result.en
    kiosk.client_fake.refuse = ApiError(400, "bad_code", "无法识别此取件码 / This code is not valid")
    kiosk.code_scanned("XYZ2")
    assert (kiosk.scan_result.zh, kiosk.scan_result.en) == ("无法识别此取件码", "This code is not valid")


def test_a_scan_that_returns_a_ticket_prints_it(kiosk):
    kiosk.client_fake.answer = {"ticket": {"id": 9, "number": "P003", "zone": "pickup", "ahead": 0,
                                           "estimated_wait_s": 30, "issued_at": "2026-01-05T01:00:00+00:00"},
                                "message_zh": "请等候叫号"}
    kiosk.open_scan("pickup")
    kiosk.code_scanned("CODE")
    assert kiosk.screen == "ticket" and kiosk.printer_fake.printed[-1].number == "P003"


def test_a_postal_licence_asks_for_the_address_and_sends_the_answer(kiosk):
    kiosk.open_scan("pickup")
    kiosk.client_fake.answer = {"method": "post", "confirm": "/api/v1/pickups/confirm",
                                "message_zh": "您的营业执照将邮寄到：济南市历下区***。地址正确请按“确认”。",
                                "message_en": "Your licence will be posted to: Lixia ***. Press Confirm."}
    kiosk.code_scanned("POSTCODE1")
    assert kiosk.post_pending == "POSTCODE1" and "邮寄" in kiosk.scan_result.zh
    kiosk.client_fake.answer = {"method": "post", "state": "post_confirmed",
                                "message_zh": "已确认邮寄地址", "message_en": "Address confirmed"}
    kiosk.confirm_post(True)
    assert kiosk.client_fake.posts[-1] == ("/pickups/confirm", {"code": "POSTCODE1", "accept": True})
    assert kiosk.post_pending is None and kiosk.scan_result.en == "Address confirmed"
    kiosk.confirm_post(False)  # nothing pending any more: nothing sent
    assert len([p for p in kiosk.client_fake.posts if p[0] == "/pickups/confirm"]) == 1
    # A refusal of the confirmation is shown like any other.
    kiosk.client_fake.answer = {"method": "post", "confirm": "/api/v1/pickups/confirm", "message_zh": "地址？",
                                "message_en": "Address?"}
    kiosk.code_scanned("POSTCODE2")
    kiosk.client_fake.refuse = ApiError(409, "already_collected", "已确认过 / Already confirmed")
    kiosk.confirm_post(False)
    assert kiosk.client_fake.posts[-1] == ("/pickups/confirm", {"code": "POSTCODE2", "accept": False})
    assert not kiosk.scan_result.ok and kiosk.scan_result.en == "Already confirmed"
    kiosk.go_home()
    assert kiosk.post_pending is None


def test_keypad_and_scans_outside_the_scan_screen(kiosk):
    kiosk.code_scanned("IGNORED")  # not on the scan screen
    assert kiosk.client_fake.posts == []
    kiosk.open_scan("pickup")
    for key in ["1", "2", "3", "delete", "4", "ok"]:
        kiosk.keypad(key)
    assert kiosk.client_fake.posts[-1] == ("/pickups", {"code": "124"})


def test_camera_missing_says_so_and_alerts_once(kiosk):
    kiosk.open_scan("pickup")
    kiosk.camera_status(False)
    kiosk.camera_status(True)
    kiosk.camera_status(False)
    assert kiosk.camera_state == "missing"
    assert [a[0] for a in kiosk.client_fake.alerts] == ["camera_missing"]


def test_idle_goes_home_then_to_the_board_and_a_touch_wakes(kiosk):
    clock = kiosk.clock_fake
    kiosk.open_zone("commerce")
    clock.now += 59
    kiosk.tick()
    assert kiosk.screen == "matters"
    clock.now += 2
    kiosk.tick()
    assert kiosk.screen == "home" and kiosk.zone is None
    clock.now += 120
    kiosk.tick()
    assert kiosk.screen == "board"
    assert kiosk.touched() is True  # the waking touch is used up
    assert kiosk.screen == "home"
    assert kiosk.touched() is False


def test_notices_fade(kiosk):
    kiosk.ask_help()
    kiosk.clock_fake.now += 7
    kiosk.tick()
    assert kiosk.notice is None


def test_staff_exit_needs_the_pin(kiosk):
    exits = []
    kiosk.on_exit = lambda: exits.append(True)
    for _ in range(4):
        kiosk.title_tapped()
    assert kiosk.screen == "home"
    kiosk.title_tapped()
    assert kiosk.screen == "pin"
    for key in "1111":
        kiosk.pin_key(key)
    kiosk.pin_key("ok")
    assert kiosk.pin_wrong and not exits
    for key in "25809":
        kiosk.pin_key(key)
    kiosk.pin_key("delete")
    kiosk.pin_key("ok")
    assert exits == [True]


def test_slow_title_taps_do_not_open_the_exit(kiosk):
    for _ in range(5):
        kiosk.title_tapped()
        kiosk.clock_fake.now += 1.5
    assert kiosk.screen == "home"


def test_language_and_large_text(kiosk):
    kiosk.toggle_language()
    assert kiosk.lang == "en"
    kiosk.set_language("zh")
    kiosk.toggle_large()
    assert kiosk.lang == "zh" and kiosk.large


def test_ticket_layout_and_windows():
    ticket = {"id": 3, "number": "A003", "zone": "commerce", "matter": "A01", "priority": "pregnant", "ahead": 1,
              "estimated_wait_s": 120, "issued_at": "2026-01-05T01:12:00+00:00"}
    layout = ticket_layout(HALL, ticket, "http://hall:8000/")
    assert layout.status_url == "http://hall:8000/api/v1/tickets/3"
    assert layout.zone_zh == "商事登记" and layout.priority_zh.startswith("绿色通道：孕妇")
    assert serving_windows(HALL, "commerce") == "1-2, 7"
    assert serving_windows(HALL, "chain") == ""
    assert materials_lines([{"zh": "申请书", "en": "Form"}]) == ["1. 申请书", "   Form"]


def test_device_file_in_the_repo_ships_no_pin(monkeypatch):
    monkeypatch.delenv("HALL_DEVICE_TOKEN", raising=False)
    data = tomllib.loads(DEFAULT_DEVICE.read_text(encoding="utf-8"))
    assert data["staff"] == {"exit_pin_hash": ""}
    with pytest.raises(DeviceConfigError, match="hall devices add"):
        load_device()
    data["staff"]["exit_pin_hash"] = PIN_HASH  # what `hall devices add` prints: then the file is valid
    device = parse_device(data)
    assert device.orientation in ("portrait", "landscape") and device.staff_pin_hash == PIN_HASH


def test_five_wrong_pins_lock_the_keypad_for_a_growing_time(kiosk):
    exits = []
    kiosk.on_exit = lambda: exits.append(True)
    kiosk.request_exit()

    def enter(pin):
        for key in pin:
            kiosk.pin_key(key)
        kiosk.pin_key("ok")

    for _ in range(5):
        enter("1111")
    assert kiosk.pin_lock.locked_for() == 30
    enter("2580")  # even the right PIN waits out the lock
    assert not exits
    kiosk.clock_fake.now += 30
    enter("1111")
    assert kiosk.pin_lock.locked_for() == 60
    kiosk.clock_fake.now += 60
    enter("2580")
    assert exits == [True] and kiosk.pin_lock.wrong == 0


@pytest.mark.parametrize("change, message", [
    ({"server": {"url": "ftp://x", "token": "t"}}, "server.url"),
    ({"server": {"url": "http://x"}}, "server.token"),
    ({"staff": {"exit_pin": "2580"}}, "exit_pin .a PIN in plain text. is not read"),
    ({"staff": {}}, "exit_pin_hash is missing"),
    ({"staff": {"exit_pin_hash": "2580"}}, "exit_pin_hash is missing or damaged"),
    ({"screen": {"orientation": "sideways"}}, "orientation"),
    ({"printer": {"paper_mm": 70}}, "paper_mm"),
    ({"screen": {"zones": "commerce"}}, "screen.zones"),
])
def test_device_file_errors_name_the_key(change, message, monkeypatch):
    monkeypatch.delenv("HALL_DEVICE_TOKEN", raising=False)
    data = {"server": {"url": "http://x", "token": "t"}, "staff": {"exit_pin_hash": PIN_HASH}}
    data.update(change)
    with pytest.raises(DeviceConfigError, match=message):
        parse_device(data)


def test_missing_device_file(tmp_path):
    with pytest.raises(DeviceConfigError, match="not found"):
        load_device(tmp_path / "nope.toml")


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
