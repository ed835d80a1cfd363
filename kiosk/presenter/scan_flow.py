"""The QR screen: a licence pickup, an appointment check-in or a case's progress (办件查询) by camera, USB
scanner or keypad.

The flow owns the camera: it runs while the scan screen is shown (the screen asks for it here).
The server answers with a ticket (shown and printed), a message, or, for a postal licence, the
address to confirm with yes or no.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hall_client.client import ApiError, ServerUnreachable
from kiosk.presenter.connection import Connection
from kiosk.presenter.ports import CameraPort
from kiosk.presenter.shared import Shared
from kiosk.presenter.staff_alerts import StaffAlerts
from kiosk.texts import TEXT, Text, both
from queue_server.core.signed_codes import CODE_LENGTH

SCAN_MODES = ("pickup", "checkin", "case")  # case: 办件查询 (progress of an accepted case)
CODE_MAX = 32
SEPARATORS = " -_."  # what people type between groups; the server drops them too
CAMERA_WORDS = {"ok": "camera_ready", "starting": "camera_starting", "missing": "camera_missing",
                "none": "camera_missing"}


@dataclass
class ScanResult:
    code: str
    ok: bool
    zh: str
    en: str
    status: int | None = None  # the server's HTTP status; None when it could not be reached


def split_bilingual(message: str) -> Text:
    """The server's "中文 / English" message as its two halves (the same text twice if not so)."""
    zh, sep, en = message.partition(" / ")
    if sep and any("\u4e00" <= ch <= "\u9fff" for ch in zh):
        return zh.strip(), en.strip()
    return message, message


def plain_words(error: ApiError) -> Text:
    """The server's refusal as the citizen should read it: its Chinese and English, without a developer's
    detail in brackets at the end ("… (a typed code has 9 characters, got 6)")."""
    body = error.body if isinstance(error.body, dict) else {}
    zh, en = (str(body["message_zh"]), str(body["message_en"])) if body.get("message_zh") and body.get(
        "message_en") else split_bilingual(error.message)
    return _drop_detail(zh), _drop_detail(en)


def _drop_detail(text: str) -> str:
    """The text without a bracketed group at its end (brackets inside it included)."""
    text = text.strip()
    if not text.endswith(")"):
        return text
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[i], 0)
        if depth == 0:
            return text[:i].rstrip()
    return text


def ticket_in(answer: dict) -> dict | None:
    """The ticket a scan gave: under "ticket", or the answer itself; None when the answer is only words."""
    ticket = answer.get("ticket") if isinstance(answer.get("ticket"), dict) else None
    if ticket is None and "number" in answer and "zone" in answer:
        ticket = answer
    return ticket if ticket and ticket.get("number") else None


def case_lookup(code: str) -> dict:
    """A scanned receipt (its QR holds the phone page's address, which the server reads the token from) or a
    typed case number followed by the last 4 ID characters (the keypad has no separators: the last 4 are the
    ID's)."""
    text = code.strip()
    typed = text.replace("-", "").isalnum() and not text.upper().startswith("HC1")
    return {"case_no": text[:-4], "id_last4": text[-4:]} if typed else {"code": text}


def progress_text(p: dict) -> Text:
    """One case's progress in a few words: number, state, due date, what is missing, where to collect."""
    zh, en = f"{p['case_no']}：{p['state_zh']}", f"{p['case_no']}: {p['state_en']}"
    if p.get("due_day") and p["state"] in ("accepted", "pending_supply", "in_review"):
        zh += f"，{p['due_day']}前办结"
        en += f", due {p['due_day']}"
    if p.get("missing"):
        by_zh = f"{p['supply_due_day']}前" if p.get("supply_due_day") else ""
        by_en = f" by {p['supply_due_day']}" if p.get("supply_due_day") else ""
        zh += f"；请{by_zh}补交：" + "、".join(m["zh"] for m in p["missing"])
        en += f"; bring{by_en}: " + "; ".join(m["en"] for m in p["missing"])
    if p["state"] == "done" and p.get("collect_zh"):
        zh += f"；{p['collect_zh']}"
        en += f". {p['collect_en']}"
    return zh, en


class ScanFlow:
    def __init__(self, shared: Shared, connection: Connection, alerts: StaffAlerts,
                 show_ticket: Callable[[dict], None], camera: CameraPort | None = None) -> None:
        self.shared = shared
        self.connection = connection
        self.alerts = alerts
        self.show_ticket = show_ticket
        self.camera = camera
        self.scan_mode = "pickup"
        self.camera_state = "none" if shared.config.camera.lower() in ("", "none") else "starting"
        self.code_entry = ""
        self.post_pending: str | None = None  # a postal licence's code whose address awaits the citizen's yes/no
        self.scan_busy = False
        self.scan_result: ScanResult | None = None

    def open(self, mode: str) -> None:
        if mode not in SCAN_MODES:
            return
        self.scan_mode = mode
        self.clear()
        self.shared.go("scan")

    def clear(self) -> None:
        """A fresh QR screen: no typed code, no answer, no question waiting."""
        self.code_entry = ""
        self.scan_result = None
        self.scan_busy = False
        self.post_pending = None

    # ---- the camera ----
    def camera_on(self) -> None:
        if self.camera is not None:
            self.camera.start()

    def camera_off(self) -> None:
        if self.camera is not None:
            self.camera.stop()

    def camera_frame(self) -> Any:
        """The camera's latest picture for the preview, None when there is none."""
        return self.camera.latest_frame() if self.camera is not None else None

    def camera_status(self, ok: bool) -> None:
        """The camera opened (True) or is missing / lost (False)."""
        state = "ok" if ok else "missing"
        if state == self.camera_state:
            return
        self.camera_state = state
        if not ok:
            self.alerts.camera_missing()
        self.shared.changed()

    @property
    def camera_words(self) -> Text:
        """The one line that says what the camera does and what to do (never "show the code" and "no camera")."""
        key = CAMERA_WORDS.get(self.camera_state, "camera_starting")
        return TEXT[f"case_{key}" if self.scan_mode == "case" else key]

    @property
    def keypad_words(self) -> Text:
        """What to type: a 9-character code, or (办件查询) the case number and the last 4 ID characters."""
        return TEXT["case_keypad_hint" if self.scan_mode == "case" else "keypad_hint"]

    # ---- codes ----
    def keypad(self, key: str) -> None:
        if key == "delete":
            self.code_entry = self.code_entry[:-1]
        elif key == "ok":
            typed = "".join(c for c in self.code_entry if c not in SEPARATORS)
            if self.scan_mode == "case":  # a case number and the last 4 ID characters: no fixed length
                if len(typed) <= 4:
                    self.scan_result = ScanResult(typed, False, *TEXT["case_too_short"])
                    self.shared.changed()
                    return
            elif len(typed) != CODE_LENGTH:  # said here in plain words, before the server is asked
                zh, en = both("code_length", n=len(typed))
                self.scan_result = ScanResult(typed, False, zh, en)
                self.shared.changed()
                return
            self.code_scanned(self.code_entry)
            return
        elif len(self.code_entry) < CODE_MAX:
            self.code_entry += key
        self.scan_result = None
        self.shared.changed()

    def code_scanned(self, code: str) -> None:
        """A code from the camera, a USB scanner or the keypad: hand it to the server."""
        code = code.strip()
        if not code or self.scan_busy or self.shared.screen != "scan":
            return
        self.scan_busy = True
        self.scan_result = None
        self.post_pending = None
        self.shared.say(TEXT["checking"])
        client = self.shared.client
        send = {"pickup": client.redeem_pickup, "checkin": client.check_in,
                "case": lambda c: client.case_progress(case_lookup(c))}[self.scan_mode]
        self.shared.runner.run("net", lambda: send(code), lambda answer: self._answer(code, answer),
                               lambda error: self._error(code, error))

    def confirm_post(self, accept: bool) -> None:
        """The citizen's answer to "your licence will be posted to …": yes, or no (ask the staff)."""
        code = self.post_pending
        if code is None or self.scan_busy:
            return
        self.post_pending = None
        self.scan_busy = True
        self.shared.changed()
        client = self.shared.client
        self.shared.runner.run("net", lambda: client.confirm_postal(code, accept),
                               lambda answer: self._answer(code, answer),
                               lambda error: self._error(code, error))

    def _answer(self, code: str, answer: Any) -> None:
        self.scan_busy = False
        self.shared.notice = None
        self.code_entry = ""
        answer = answer if isinstance(answer, dict) else {}
        if "state_zh" in answer and "due_day" in answer:  # 办件查询: the progress, read out on the screen
            zh, en = progress_text(answer)
            self.scan_result = ScanResult(code, True, zh, en, status=200)
            self.shared.changed()
            return
        ticket = ticket_in(answer)
        if ticket:
            self.scan_result = ScanResult(code, True, *TEXT["scan_ok"], status=200)
            self.show_ticket(ticket)
            return
        zh = answer.get("message_zh") or answer.get("message") or TEXT["scan_ok"][0]
        en = answer.get("message_en") or answer.get("message") or TEXT["scan_ok"][1]
        self.scan_result = ScanResult(code, True, str(zh), str(en), status=200)
        if answer.get("method") == "post" and answer.get("confirm"):
            self.post_pending = code  # the screen asks: is this address right?
        self.shared.changed()

    def _error(self, code: str, error: Exception) -> None:
        self.scan_busy = False
        self.shared.notice = None
        if isinstance(error, ServerUnreachable) or not isinstance(error, ApiError):
            self.connection.lost(error)
            self.scan_result = ScanResult(code, False, *TEXT["paused"], status=None)
        elif self.scan_mode == "case" and error.code == "invalid_code":
            # The server's sentence is long for the screen's three lines: the kiosk's own, shorter one.
            self.scan_result = ScanResult(code, False, *TEXT["case_invalid"], status=error.status)
        else:
            zh, en = plain_words(error)
            self.scan_result = ScanResult(code, False, zh, en, status=error.status)
        self.shared.changed()
