"""Helpers for the accepted-case tests: a hallway whose window 31 prints on a printer double, a C01 ticket
(食品经营许可: floor plan, food safety rules and health certificates are its 辅件 and may follow under 容缺) served
there."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

from queue_server.hall_config import HallConfig, load_config
from queue_server.pickups import licences
from tests.support.pickup_helpers import Hallway

WINDOW = 31
C01_ALL = ["food_licence_form", "business_licence", "id_card", "floor_plan", "food_safety_rules",
           "health_certificates"]
APPLICANT = {"applicant_name": "李小龙", "id_number": "37010219900101123X", "phone": "13800138000"}


def config_with_printer(spec: str) -> HallConfig:
    cfg = load_config()
    return replace(cfg, windows=tuple(replace(w, printer=spec) if w.number == WINDOW else w for w in cfg.windows))


def serve_c01(hw: Hallway, matter: str = "C01") -> dict:
    """desk1 signs on at window 31 (once), a kiosk takes a number for `matter`, the window calls it."""
    if hw.hall.live.window(WINDOW)["state"] == "closed":
        r = hw.post(f"/api/v1/windows/{WINDOW}/open", "staff")
        assert r.status_code == 200, r.get_json()
    if hw.hall.live.window(WINDOW)["current_ticket"]:  # the last citizen leaves the window
        for action in ("start", "finish"):
            r = hw.post(f"/api/v1/windows/{WINDOW}/{action}", "staff")
            assert r.status_code == 200, r.get_json()
    r = hw.post("/api/v1/tickets", "kiosk-01", {"zone": "economy", "matter": matter})
    assert r.status_code == 201, r.get_json()
    r = hw.post(f"/api/v1/windows/{WINDOW}/call-next", "staff")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def pickup_code(hw: Hallway, licence_id: int) -> str:
    """What the ready SMS and the pickup notice carry."""
    row = licences.load(hw.hall.store.read(), licence_id)
    return licences.codes(hw.hall, hw.app.extensions["pickup_keys"], row)["pickup_code"]


def pdf_text(data: bytes, path: Path) -> str:
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
