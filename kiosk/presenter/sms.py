"""SMS reminders after the ticket is out: the citizen types a mobile number under the consent line and taps
"agree and send"; the kiosk hands it to the server for this ticket only (POST /tickets/{id}/sms)."""

from __future__ import annotations

from hall_client.client import ApiError
from kiosk.presenter.shared import Shared
from kiosk.texts import Text

DIGITS = 11  # a mainland mobile number


class SmsSignup:
    def __init__(self, shared: Shared) -> None:
        self.shared = shared
        self.sms_entry = ""
        self.sms_error: Text | None = None
        self.sms_busy = False
        self.sms_done: dict[int, str] = {}  # ticket id -> masked number, so the button is offered once

    def clear(self) -> None:
        self.sms_entry = ""
        self.sms_error = None
        self.sms_busy = False

    @staticmethod
    def offered(hall: dict | None, ticket: dict | None, done: dict[int, str]) -> bool:
        """The hall sends SMS, the ticket still waits, and no number was given for it yet."""
        return bool((hall or {}).get("sms", {}).get("enabled") and ticket and ticket.get("id") not in done
                    and ticket.get("state") in ("waiting", "transferred"))

    def open_sms(self) -> None:
        self.clear()
        self.shared.go("sms")

    def sms_key(self, key: str, ticket: dict | None) -> None:
        if self.sms_busy:
            return
        if key == "delete":
            self.sms_entry = self.sms_entry[:-1]
        elif key == "ok":
            self._send(ticket)
            return
        elif key.isdigit() and len(self.sms_entry) < DIGITS:
            self.sms_entry += key
        self.sms_error = None
        self.shared.changed()

    def _send(self, ticket: dict | None) -> None:
        if not ticket:
            self.shared.go("home")
            return
        if len(self.sms_entry) != DIGITS or not self.sms_entry.startswith("1"):
            self.sms_error = ("请输入 11 位手机号码", "Please type an 11-digit mobile number")
            self.shared.changed()
            return
        self.sms_busy = True
        phone, ticket_id = self.sms_entry, ticket["id"]
        self.shared.changed()

        def done(answer: dict) -> None:
            self.sms_busy = False
            self.sms_done[ticket_id] = answer.get("sms_to", "")
            self.sms_entry = ""
            self.shared.go("ticket")
            self.shared.say((f"将发短信到 {answer.get('sms_to', '')}", f"We will text {answer.get('sms_to', '')}"))

        def failed(error: Exception) -> None:
            self.sms_busy = False
            message = error.message if isinstance(error, ApiError) else str(error)
            self.sms_error = ("未能登记短信提醒，请留意叫号屏幕", f"Not registered: {message}")
            self.shared.changed()

        self.shared.runner.run("net", lambda: self.shared.client.sms_reminder(ticket_id, phone), done, failed)
