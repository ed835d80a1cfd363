"""Roles: managers reach everything, staff only their console, devices and strangers nothing of the manager's;
every manager action lands in the audit log."""

from __future__ import annotations

import pytest

from tests.support.api import Api

MANAGER_CALLS = [
    ("GET", "/api/v1/supervision/live", None),
    ("GET", "/api/v1/rebalance/proposals", None),
    ("POST", "/api/v1/rebalance/accept", {"window": 5, "zones": ["public", "commerce"]}),
    ("GET", "/api/v1/stats/range", None),
    ("GET", "/api/v1/stats/export.xlsx", None),
    ("GET", "/api/v1/stats/export-range.csv", None),
    ("GET", "/api/v1/stats/export.csv", None),
    ("GET", "/api/v1/audit", None),
    ("GET", "/api/v1/users", None),
    ("GET", "/api/v1/ratings", None),
    ("GET", "/api/v1/followups", None),
    ("PUT", "/api/v1/windows/6/zones", {"zones": ["public"]}),
]


@pytest.fixture(scope="module")
def apis(module_app, seeded):
    s, client = seeded, module_app.test_client(use_cookies=False)  # API callers: bearer tokens, no cookie jar
    return {"boss": Api.login(client, *s.manager), "staff": Api.login(client, "staff1", s.staff["staff1"]),
            "kiosk": Api(client, s.devices["kiosk-01"]), "button": Api(client, s.devices["button-1"]),
            "anon": Api(client)}


@pytest.mark.parametrize("method, path, body", MANAGER_CALLS)
def test_manager_only_calls(apis, method, path, body):
    assert apis["anon"].call(method, path, body).status_code == 401
    for who in ("staff", "kiosk", "button"):
        r = apis[who].call(method, path, body)
        assert r.status_code == 403, (who, r.text)
        assert r.json()["error"] in ("forbidden", "manager_only")
    assert apis["boss"].call(method, path, body).status_code == 200


def test_followup_actions_are_manager_only(apis):
    for who, status in (("anon", 401), ("staff", 403), ("kiosk", 403)):
        for action in ("assign", "note", "close"):
            assert apis[who].call("POST", f"/api/v1/followups/1/{action}", {"text": "x"}).status_code == status
    assert apis["boss"].call("POST", "/api/v1/followups/999/note", {"text": "x"}).status_code == 404


@pytest.mark.parametrize("path, anon, staff, boss", [
    ("/dashboard", 401, 403, 200), ("/console", 401, 200, 200), ("/rate/window/1", 200, 200, 200),
    ("/rate/window/999", 404, 404, 404), ("/t/not-a-token", 404, 404, 404),
])
def test_pages_by_role(module_app, apis, path, anon, staff, boss):
    for who, status in (("anon", anon), ("staff", staff), ("boss", boss)):
        cookies = {"hall_token": apis[who].token} if apis[who].token else {}
        r = Api(module_app.test_client()).call("GET", path, cookies=cookies)
        assert r.status_code == status, (who, path)
        assert r.headers["Content-Type"].startswith("text/html")
    login = Api(module_app.test_client()).call("GET", "/dashboard").text
    assert 'id="login-form"' in login and "监督管理" in login and "Supervision" in login


def test_static_assets_are_local(module_app):
    r = Api(module_app.test_client()).call("GET", "/pages-static/vendor/chart.umd.min.js")
    assert r.status_code == 200 and "Chart.js v4" in r.text[:200]
    page = Api(module_app.test_client()).call("GET", "/dashboard").text
    assert "http://" not in page.replace("http://localhost", "") and "https://" not in page


def test_manager_actions_are_audited(apis):
    boss = apis["boss"]
    boss.ok("PUT", "/api/v1/windows/7/zones", {"zones": ["social", "commerce"], "reason": "午高峰"})
    boss.call("GET", "/api/v1/stats/export.xlsx", **{"from": "2026-01-01", "to": "2026-01-02"})
    entries = boss.ok("GET", "/api/v1/audit")["entries"]
    actions = [(e["actor"], e["action"]) for e in entries]
    assert ("boss", "PUT /api/v1/windows/<int:no>/zones") in actions
    assert ("boss", "GET /api/v1/stats/export.xlsx") in actions
    assert ("boss", "login") in actions
    put = next(e for e in entries if e["action"].startswith("PUT"))
    assert put["target"] == {"no": 7} and put["detail"]["zones"] == ["social", "commerce"] and put["status"] == 200
    # staff actions are not manager actions; a refused call by staff leaves no manager entry
    apis["staff"].call("PUT", "/api/v1/windows/7/zones", {"zones": ["public"]})
    after = boss.ok("GET", "/api/v1/audit")["entries"]
    assert all(e["actor"] == "boss" for e in after)
    login = next(e for e in after if e["action"] == "login")
    assert "password" not in str(login["detail"])


def test_live_hall_carries_kiosk_alerts_and_window_service_times(apis):
    apis["kiosk"].ok("POST", "/api/v1/alerts", {"kind": "help", "message": "老人需要帮助"})
    staff = apis["staff"]
    staff.ok("POST", "/api/v1/windows/41/open")
    apis["kiosk"].ok("POST", "/api/v1/tickets", {"zone": "pickup"})
    staff.ok("POST", "/api/v1/windows/41/call-next")
    live = apis["boss"].ok("GET", "/api/v1/supervision/live")
    help_alert = next(a for a in live["alerts"] if a["kind"] == "help")
    assert help_alert["level"] == "red" and "群众请求帮办" in help_alert["zh"] and "老人需要帮助" in help_alert["zh"]
    w41 = next(w for w in live["windows"] if w["number"] == 41)
    assert w41["staff"] == "staff1" and w41["ticket"]["state"] == "called" and w41["service_s"] >= 0
    assert {z["zone"] for z in live["zones"]} >= {"commerce", "pickup"}


def test_xlsx_export_of_a_range_is_a_named_workbook(apis):
    r = apis["boss"].call("GET", "/api/v1/stats/export.xlsx", **{"from": "2026-11-01", "to": "2026-11-30"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="hall-stats-2026-11-01_2026-11-30.xlsx"' in r.headers["Content-Disposition"]
    assert r.content[:2] == b"PK"
    bad = apis["boss"].call("GET", "/api/v1/stats/export.xlsx", **{"from": "2026-11-30", "to": "2026-11-01"})
    assert bad.status_code == 400 and bad.json()["error"] == "bad_range"


def test_a_printer_that_reports_ok_clears_its_earlier_trouble(apis):
    kiosk, boss = apis["kiosk"], apis["boss"]
    kiosk.ok("POST", "/api/v1/alerts", {"kind": "printer_paper_out"})
    # one line per device: a device's troubles are its line's `kinds`
    kinds = [k for a in boss.ok("GET", "/api/v1/supervision/live")["alerts"] for k in a.get("kinds", [a["kind"]])]
    assert "printer_paper_out" in kinds
    kiosk.ok("POST", "/api/v1/alerts", {"kind": "printer_ok"})
    kinds = [k for a in boss.ok("GET", "/api/v1/supervision/live")["alerts"] for k in a.get("kinds", [a["kind"]])]
    assert "printer_paper_out" not in kinds and "printer_ok" not in kinds
