"""From the window to the licence through the API: 容缺受理 with a receipt and a pledge on the window's printer,
progress lookup, supply, approval by the back office's system, the licence collected with its code; refusal
with the one-time notice; forged and tampered receipt codes refused like pickup codes."""

from __future__ import annotations

from hardware.testing.escpos_decoder import decode
from hardware.testing.printer_double import PrinterDouble
from queue_server.core import signed_codes
from queue_server.core.signed_codes import KeyRing, new_key
from tests.support.case_helpers import APPLICANT, C01_ALL, WINDOW, config_with_printer, pdf_text, pickup_code, serve_c01
from tests.support.pickup_helpers import make_hallway


def _accept_missing_floor_plan(hw) -> dict:
    serve_c01(hw)
    body = APPLICANT | {"provided": [m for m in C01_ALL if m != "floor_plan"], "deficiency": True}
    r = hw.post(f"/api/v1/windows/{WINDOW}/cases", "staff", body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_deficiency_case_from_window_to_licence(tmp_path):
    with PrinterDouble() as printer:
        hw = make_hallway(tmp_path, config=config_with_printer(printer.spec))
        answer = _accept_missing_floor_plan(hw)
        assert printer.wait_for_cut(count=2)
        case = answer["cases"][0]
        assert answer["printing"] == {"printed": 2}
        assert case["state"] == "pending_supply" and case["state_zh"] == "待补正"
        assert [m["id"] for m in case["missing_aux"]] == ["floor_plan"]
        # Monday 23 Nov 2026 + 5 working days; the supply deadline also 5 (the hall's rule)
        assert case["due_day"] == "2026-11-30" and case["supply_due_day"] == "2026-11-30"
        assert case["id_masked"] == "370***********123X"
        printed = decode(printer.received)
    assert "受理回执" in printed and case["case_no"] in printed and "待补正" in printed
    assert "容缺受理承诺书" in printed and "2026-11-30" in printed
    assert printed.count("经营场所平面布局图") == 2  # on the receipt (to supply) and on the pledge
    qr = printed.split("[QR:")[1].split("]")[0]
    assert qr.startswith(hw.hall.config.public.base_url + "/c/HC1")
    assert "李小龙" not in printed and "13800138000" not in printed  # masked on paper

    receipt = pdf_text(hw.get(case["slips"]["receipt"], "staff").data, tmp_path / "receipt.pdf")
    pledge = pdf_text(hw.get(case["slips"]["pledge"], "staff").data, tmp_path / "pledge.pdf")
    assert "受理回执" in receipt and case["case_no"] in receipt and "2026-11-30" in receipt
    assert "容缺受理承诺书" in pledge and "经营场所平面布局图" in pledge

    r = hw.post("/api/v1/cases/lookup", "kiosk-01", {"code": qr})
    assert r.status_code == 200, r.get_json()
    progress = r.get_json()
    assert progress["state_zh"] == "待补正" and progress["due_day"] == "2026-11-30"
    assert [m["zh"] for m in progress["missing"]][0].startswith("经营场所平面布局图")
    assert "applicant_name" not in progress and "李小龙" not in r.get_data(as_text=True)

    # The approval system cannot finish it while the floor plan is outstanding.
    r = hw.post("/api/v1/case-states", "backoffice", {"case_no": case["case_no"], "state": "done"})
    assert r.status_code == 409 and r.get_json()["error"] == "supply_outstanding"
    r = hw.post(f"/api/v1/cases/{case['id']}/supplied", "staff", {})
    assert r.status_code == 200 and r.get_json()["state"] == "accepted"
    for state in ("in_review", "done", "done"):  # the repeat changes nothing
        r = hw.post("/api/v1/case-states", "backoffice", {"case_no": case["case_no"], "state": state, "ref": "SP-1"})
        assert r.status_code == 200, r.get_json()
    assert r.get_json()["changed"] is False
    done = r.get_json()["case"]
    assert done["state"] == "done" and done["licence_id"]

    lic = hw.get(f"/api/v1/licences/{done['licence_id']}", "manager").get_json()
    assert lic["state"] == "ready" and lic["case_no"] == case["case_no"] and lic["licence_type"] == "食品经营许可"
    r = hw.redeem(pickup_code(hw, done["licence_id"]))
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["ticket"]["zone"] == "pickup"
    # At the pickup desk: the clerk moves to window 41, calls the pickup ticket, checks the ID's last 4.
    for path in (f"/api/v1/windows/{WINDOW}/start", f"/api/v1/windows/{WINDOW}/finish",
                 f"/api/v1/windows/{WINDOW}/close", "/api/v1/windows/41/open", "/api/v1/windows/41/call-next"):
        assert hw.post(path, "staff").status_code == 200, path
    desk = hw.get("/api/v1/windows/41/licence", "staff").get_json()["licence"]
    assert desk["id"] == done["licence_id"] and desk["case_no"] == case["case_no"]
    r = hw.post(f"/api/v1/licences/{done['licence_id']}/handover", "staff", {"id_last4": "123X", "window": 41})
    assert r.status_code == 200, r.get_json()
    assert hw.get(f"/api/v1/licences/{done['licence_id']}", "manager").get_json()["state"] == "collected"

    events = hw.get(f"/api/v1/cases/{case['id']}", "manager").get_json()["events"]
    assert [(e["kind"], e["state"]) for e in events] == [
        ("case_accepted", "pending_supply"), ("case_supplied", "accepted"), ("case_state", "in_review"),
        ("case_state", "done")]
    assert events[0]["actor"] == "staff:desk1" and events[-1]["actor"] == "backoffice:backoffice-01"


def test_refusal_notice_lists_exactly_the_missing_materials(tmp_path):
    with PrinterDouble() as printer:
        hw = make_hallway(tmp_path, config=config_with_printer(printer.spec))
        serve_c01(hw)
        provided = ["food_licence_form", "id_card", "floor_plan", "food_safety_rules"]
        body = APPLICANT | {"provided": provided, "deficiency": True}
        r = hw.post(f"/api/v1/windows/{WINDOW}/cases", "staff", body)
        assert r.status_code == 409 and r.get_json()["missing"] == ["business_licence", "health_certificates"]
        r = hw.post(f"/api/v1/windows/{WINDOW}/case-refusals", "staff",
                    {"reason": "materials_missing", "provided": provided})
        assert r.status_code == 201, r.get_json()
        assert printer.wait_for_cut()
        printed = decode(printer.received)
    case = r.get_json()["cases"][0]
    assert case["state"] == "refused" and case["receipt_code"] is None
    cfg = hw.hall.config
    missing = {"business_licence", "health_certificates"}
    for mid in C01_ALL:
        assert (cfg.materials[mid].zh in printed) == (mid in missing), mid
    assert "一次性告知单" in printed and "申请材料不齐全" in printed
    notice = pdf_text(hw.get(case["slips"]["notice"], "staff").data, tmp_path / "notice.pdf")
    for mid in C01_ALL:
        assert (cfg.materials[mid].zh[:8] in notice) == (mid in missing), mid


def test_forged_and_tampered_receipt_codes_are_refused_like_pickup_codes(tmp_path):
    hw = make_hallway(tmp_path)
    case = _accept_missing_floor_plan(hw)["cases"][0]
    good = case["receipt_code"]
    assert hw.post("/api/v1/cases/lookup", "kiosk-01", {"code": good}).status_code == 200
    i = len(good) - 3  # inside the MAC
    tampered = good[:i] + ("1" if good[i] != "1" else "2") + good[i + 1:]
    other_ring = KeyRing(keys=(new_key(1),), code_secret=b"x" * 32)
    forged = signed_codes.sign(other_ring, kind="case", hall=hw.hall.config.code, object_id=case["id"],
                               expires_at=None)
    other_hall = signed_codes.sign(other_ring, kind="case", hall="370103-009", object_id=case["id"], expires_at=None)
    for code, error in ((tampered, "invalid_code"), (forged, "invalid_code"), (other_hall, "wrong_hall")):
        r = hw.post("/api/v1/cases/lookup", "kiosk-01", {"code": code})
        assert r.status_code in (400, 403) and r.get_json()["error"] == error, r.get_json()
        assert r.get_json()["message_zh"]
    # A licence code at 办件查询 says which button to use; a receipt at 领取证照 likewise.
    r = hw.post("/api/v1/pickups", "kiosk-01", {"code": good})
    assert r.status_code == 400 and "办件查询" in r.get_json()["message_zh"]
    # Typed: the case number and the last 4 ID characters, wrong ones throttled like pickup codes.
    r = hw.post("/api/v1/cases/lookup", "kiosk-01", {"case_no": case["case_no"], "id_last4": "123x"})
    assert r.status_code == 200 and r.get_json()["state"] == "pending_supply"
    codes = [r.status_code for r in (hw.post("/api/v1/cases/lookup", "kiosk-02",
                                             {"case_no": case["case_no"], "id_last4": "9999"}) for _ in range(6))]
    assert codes == [400] * 5 + [429]
    audit = hw.get("/api/v1/code-audit", "manager").get_json()["entries"]
    assert any(e["subject"] == "case" and e["outcome"] == "invalid_code" for e in audit)


def test_cases_stay_off_public_paths(tmp_path):
    from queue_server.core.public_fields import public_event

    hw = make_hallway(tmp_path)
    case = _accept_missing_floor_plan(hw)["cases"][0]
    assert hw.client.get("/api/v1/cases").status_code == 401
    assert hw.get("/api/v1/cases", "kiosk-01").status_code == 403
    assert hw.get(f"/api/v1/cases/{case['id']}/receipt.pdf", "display").status_code == 403
    assert hw.post("/api/v1/case-states", "staff", {"case_no": case["case_no"], "state": "done"}).status_code == 403
    rows = list(hw.hall.store.read().query("SELECT kind, data FROM events WHERE kind LIKE 'case_%'"))
    assert rows and all(public_event(r["kind"], {}) is None for r in rows)  # staff streams only
    assert all("李小龙" not in r["data"] and "13800138000" not in r["data"] for r in rows)
    audit = hw.hall.store.read().execute("SELECT group_concat(coalesce(detail, ''), ' ') FROM code_audit").fetchone()
    assert "37010219900101123X" not in (audit[0] or "")


def test_a_bundle_opens_one_case_per_matter(tmp_path):
    hw = make_hallway(tmp_path)
    cfg = hw.hall.config
    assert hw.post("/api/v1/windows/49/open", "staff").status_code == 200
    assert hw.post("/api/v1/tickets", "kiosk-01", {"zone": "chain", "bundle": "restaurant-opening"}).status_code == 201
    assert hw.post("/api/v1/windows/49/call-next", "staff").status_code == 200
    every = [m.id for m in cfg.bundle_materials("restaurant-opening")]
    # The floor plan may follow for C01, but the fire check (F08) needs it as a 主件 and allows no 容缺: refused, by
    # name. The 营业执照 the chain's A01 issues is not asked for C01 (it is not on the merged list).
    body = APPLICANT | {"provided": [m for m in every if m != "floor_plan"], "deficiency": True}
    r = hw.post("/api/v1/windows/49/cases", "staff", body)
    assert r.status_code == 409 and r.get_json()["matter"] == "F08" and r.get_json()["missing"] == ["floor_plan"]
    body = APPLICANT | {"provided": [m for m in every if m != "food_safety_rules"], "deficiency": True}
    r = hw.post("/api/v1/windows/49/cases", "staff", body)
    assert r.status_code == 201, r.get_json()
    cases = r.get_json()["cases"]
    assert [c["matter"] for c in cases] == list(cfg.bundle("restaurant-opening").matters)
    assert len({c["case_no"] for c in cases}) == len(cases)
    states = {c["matter"]: c["state"] for c in cases}
    assert states["C01"] == "pending_supply" and all(s == "accepted" for m, s in states.items() if m != "C01")
    assert {c["matter"]: c["due_day"] for c in cases}["A02"] == "2026-11-23"  # 即办: the same day


def test_purge_drops_the_phone_of_a_decided_case(tmp_path):
    from datetime import timedelta

    from queue_server.ops.purge import purge

    hw = make_hallway(tmp_path)
    case = _accept_missing_floor_plan(hw)["cases"][0]
    hw.post(f"/api/v1/cases/{case['id']}/supplied", "staff", {})
    hw.post("/api/v1/case-states", "backoffice", {"case_no": case["case_no"], "state": "denied"})
    hw.clock.now += timedelta(days=31)
    assert purge(hw.hall, 30)["case_phones"] == 1
    row = hw.get(f"/api/v1/cases/{case['id']}", "manager").get_json()
    assert row["phone_masked"] is None and row["applicant_name"] == "李小龙" and row["state"] == "denied"
