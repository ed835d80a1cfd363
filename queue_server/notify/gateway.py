"""The HTTP SMS gateway adapter: one POST per message, its body from the hall's template."""

from __future__ import annotations

import json
from dataclasses import dataclass
from string import Template

import requests

from queue_server.hall_config import Sms


@dataclass(frozen=True)
class Delivery:
    ok: bool
    status: int | None
    detail: str


class HttpSmsGateway:
    def __init__(self, sms: Sms, timeout_s: float = 10.0):
        self.url = sms.url
        self.template = Template(sms.body_template)
        self.headers = {"Content-Type": "application/json; charset=utf-8"}
        if sms.auth_header:
            name, value = sms.auth_header.split(":", 1)
            self.headers[name.strip()] = value.strip()
        self.timeout_s = timeout_s

    def body(self, phone: str, text: str) -> bytes:
        # json.dumps(...)[1:-1]: the value escaped for a JSON string, without its quotes (the template has them)
        return self.template.substitute(phone=json.dumps(phone, ensure_ascii=False)[1:-1],
                                        text=json.dumps(text, ensure_ascii=False)[1:-1]).encode("utf-8")

    def send(self, phone: str, text: str) -> Delivery:
        try:
            r = requests.post(self.url, data=self.body(phone, text), headers=self.headers, timeout=self.timeout_s)
        except requests.RequestException as e:
            return Delivery(False, None, f"{type(e).__name__}: {e}"[:300])
        return Delivery(200 <= r.status_code < 300, r.status_code, r.text[:300])
