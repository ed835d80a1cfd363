"""Fakes for the kiosk presenter's edges (server client, printer, camera, clock) and a sample hall.

Used by the per-part kiosk tests (test_kiosk_connection.py, test_kiosk_ticket_flow.py, ...).
"""

from __future__ import annotations

from hall_client.client import ApiError, ServerUnreachable
from kiosk.device_config import KioskConfig, parse_device
from kiosk.presenter import KioskPresenter
from kiosk.presenter.connection import Connection
from kiosk.presenter.shared import Shared
from kiosk.runner import InlineRunner
from kiosk.staff_pin import hash_pin

MATTER = {"code": "A01", "zone": "commerce", "name_zh": "企业设立登记", "name_en": "Register a company",
          "common": True, "legal_days": 15, "promised_days": 1, "fee_zh": "不收费", "fee_en": "Free",
          "notes_zh": "可邮寄", "notes_en": "Can be posted",
          "materials": [{"id": "form", "zh": "申请书", "en": "Application form"},
                        {"id": "id_card", "zh": "身份证", "en": "ID card"}]}
RARE = dict(MATTER, code="A02", name_zh="企业注销登记", name_en="Close a company", common=False)
MATTER = dict(MATTER, short_zh="开办企业", short_en="Start a company")
CARD = dict(MATTER, code="B01", zone="public", name_zh="社会保障卡申领", name_en="Apply for a social security card",
            short_zh="社保卡", short_en="Social security card")
HALL = {
    "name_zh": "历下区政务服务中心", "name_en": "Lixia Hall", "timezone": "Asia/Shanghai",
    "priority_classes": ["elderly", "disabled", "veteran", "pregnant", "talent"],
    "zones": [
        {"code": "commerce", "prefix": "A", "kind": "front", "name_zh": "商事登记", "name_en": "Business",
         "matters": [RARE, MATTER]},
        {"code": "public", "prefix": "B", "kind": "front", "name_zh": "公共服务", "name_en": "Public",
         "matters": [CARD]},
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
# GET /api/v1/opening of a hall without enforced hours: every zone issues numbers.
OPENING = {"enforced": False, "date": "2026-11-23", "now": "2026-11-23T10:00:00+08:00", "holiday": None,
           "zones": {code: {"issuing": True, "today": [], "next_open": None}
                     for code in ("commerce", "public", "chain", "pickup")}}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeClient:
    """The server as the kiosk sees it; `scans` records the QR calls as (method, arguments...)."""

    def __init__(self) -> None:
        self.down = False
        self.tickets: list[dict] = []
        self.alerts: list[tuple[str, str]] = []
        self.scans: list[tuple] = []
        self.answer: object = {"message_zh": "已签到", "message_en": "Checked in"}
        self.refuse: ApiError | None = None
        self.sms_enabled = False  # the hall's [sms] switch, as GET /hall reports it
        self.sms: list[tuple[int, str]] = []
        self.board_reads = 0
        self.opening_status: dict = OPENING
        self.opening_reads = 0

    def _check(self) -> None:
        if self.down:
            raise ServerUnreachable("cannot reach the queue server")

    def hall(self) -> dict:
        self._check()
        return HALL | {"sms": {"enabled": self.sms_enabled, "ahead": 3}}

    def sms_reminder(self, ticket_id: int, phone: str) -> dict:
        self._check()
        if self.refuse:
            raise self.refuse
        self.sms.append((ticket_id, phone))
        return {"sms_to": f"{phone[:3]}****{phone[-4:]}"}

    def board(self) -> dict:
        self._check()
        self.board_reads += 1
        return BOARD

    def opening(self) -> dict:
        self._check()
        self.opening_reads += 1
        return self.opening_status

    def take_number(self, zone, matter=None, bundle=None, priority=None) -> dict:
        self._check()
        if self.refuse:
            raise self.refuse
        prefix = {"commerce": "A", "public": "B", "chain": "G"}[zone]
        ticket = {"id": len(self.tickets) + 1, "number": f"{prefix}{len(self.tickets) + 1:03d}", "zone": zone,
                  "matter": matter, "bundle": bundle, "priority": priority, "ahead": 2,
                  "estimated_wait_s": 600, "issued_at": "2026-01-05T01:12:00+00:00",
                  "status_url": f"http://192.168.1.10:8000/t/fake-token-{len(self.tickets) + 1}",
                  "state": "waiting"}
        self.tickets.append(ticket)
        return ticket

    def alert(self, kind: str, message: str = "") -> dict:
        self._check()
        self.alerts.append((kind, message))
        return {"id": len(self.alerts)}

    def _scan(self, *call) -> object:
        self._check()
        self.scans.append(call)
        if self.refuse:
            raise self.refuse
        return self.answer

    def redeem_pickup(self, code: str) -> object:
        return self._scan("redeem_pickup", code)

    def confirm_postal(self, code: str, accept: bool) -> object:
        return self._scan("confirm_postal", code, accept)

    def check_in(self, code: str) -> object:
        return self._scan("check_in", code)

    def case_progress(self, lookup: dict) -> object:
        return self._scan("case_progress", lookup.get("code") or f"{lookup['case_no']} {lookup['id_last4']}")


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


class FakeCamera:
    def __init__(self) -> None:
        self.running = False
        self.starts = 0
        self.frame: object = None

    def start(self) -> None:
        self.running = True
        self.starts += 1

    def stop(self) -> None:
        self.running = False

    def latest_frame(self) -> object:
        return self.frame if self.running else None


PIN_HASH = hash_pin("2580", iterations=1000)  # the test kiosk's staff exit PIN (a fast hash for tests)


def config(**screen) -> KioskConfig:
    data = {"device": {"name": "kiosk-01", "kind": "kiosk"},
            "server": {"url": "http://127.0.0.1:8000", "token": "t", "retry_s": 3},
            "printer": {"spec": "network:127.0.0.1:9100"}, "camera": {"source": "0"},
            "screen": {"zones": ["commerce", "public"], **screen}, "staff": {"exit_pin_hash": PIN_HASH},
            "idle": {"home_after_s": 60, "board_after_s": 180}}
    return parse_device(data)


def shared(printer: bool = True, **screen) -> Shared:
    """The parts' common ground with fakes at every edge (reach them as .client, .printer, .clock)."""
    return Shared(config(**screen), FakeClient(), FakePrinter() if printer else None, InlineRunner(), FakeClock())


def connected(base: Shared) -> Connection:
    """A connection that has loaded the hall and the board from the fake server."""
    connection = Connection(base)
    connection.load_hall()
    return connection


def started_kiosk(printer: bool = True, camera: FakeCamera | None = None) -> KioskPresenter:
    """The whole presenter, started; its fakes are `.client`, `.printer`, `.clock`, `.runner`."""
    p = KioskPresenter(config(), FakeClient(), FakePrinter() if printer else None, InlineRunner(),
                       clock=FakeClock(), camera=camera)
    p.start()
    return p
