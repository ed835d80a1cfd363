"""Hostile input from the hall's LAN: each finding of the fuzzer is a 4xx JSON answer that says what to send,
never a 500, and nothing changes in the database. In process (Flask test client, real SQLite, fixed clock).
"""

from __future__ import annotations

import io
import json
import sqlite3

import pytest

from queue_server.core.input_checks import TEXT_LIMITS
from queue_server.ops import accounts
from tests.support.pickup_helpers import make_hallway

TOO_BIG = 2**63  # one past SQLite's largest integer


@pytest.fixture
def w(tmp_path):
    return make_hallway(tmp_path)


def tables(w) -> dict:
    con = sqlite3.connect(w.db_path)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        # the audit log notes refusals on purpose; device_seen notes that a device made a request at all
        return {n: con.execute(f'SELECT * FROM "{n}"').fetchall() for n in names
                if n not in ("audit_log", "device_seen")}
    finally:
        con.close()


def refused(r, status: int, code: str) -> dict:
    assert r.status_code == status, (r.status_code, r.get_data()[:300])
    answer = r.get_json()
    assert answer["error"] == code and answer["message"], answer
    return answer


def phone_rating(ticket: dict) -> str:
    """The phone page's rating address behind a ticket's printed QR (its status_url)."""
    return "/api/v1/t/" + ticket["status_url"].rsplit("/t/", 1)[1] + "/rating"


def rating_path(w) -> str:
    """A real rating address of a served ticket (the phone page's POST checks the link before the body)."""
    ticket = w.post("/api/v1/tickets", "kiosk-01", {"zone": "commerce"}).get_json()
    assert w.post("/api/v1/windows/1/open", "staff").status_code == 200
    for action in ("call-next", "start", "finish"):
        assert w.post(f"/api/v1/windows/1/{action}", "staff").status_code == 200
    return phone_rating(ticket)


def send(w, method: str, path: str, who: str | None, raw: bytes):
    headers = w.h(who) if who else {}
    path = rating_path(w) if path == "RATE" else path
    return w.client.open(path, method=method, data=raw, headers=headers, content_type="application/json")


@pytest.mark.parametrize("path", ["/api/v1/tickets/9223372036854775808", "/api/v1/tickets/99999999999999999999999",
                                  "/api/v1/licences/9223372036854775808", "/api/v1/appointments/18446744073709551616",
                                  "/api/v1/ratings/pad/9223372036854775808", "/window/9223372036854775808/screen"])
def test_a_path_number_beyond_sqlites_range_is_not_found(w, path):
    refused(w.get(path, "manager"), 404, "not_found")


def test_the_largest_path_number_still_reaches_the_handler(w):
    refused(w.get(f"/api/v1/tickets/{TOO_BIG - 1}", "manager"), 404, "ticket_not_found")


@pytest.mark.parametrize(("method", "path", "who", "body", "name"), [
    ("POST", "/api/v1/ratings", "staff", {"ticket_id": TOO_BIG, "score": 5}, "ticket_id"),
    ("POST", "/api/v1/tickets", "kiosk-01", {"zone": "commerce", "ticket_id": -TOO_BIG - 1}, "ticket_id"),
    ("POST", "/api/v1/alerts", "kiosk-01", {"kind": "help", "data": {"n": 10**30}}, "n"),
    ("POST", "/api/v1/licences/1/handover", "staff", {"id_last4": "1234", "window": TOO_BIG}, "window"),
])
def test_whole_numbers_beyond_sqlites_range_are_refused_by_name(w, method, path, who, body, name):
    before = tables(w)
    answer = refused(send(w, method, path, who, json.dumps(body).encode()), 400, "out_of_range")
    assert repr(name) in answer["message"] and str(2**63 - 1) in answer["message"]
    assert tables(w) == before


@pytest.mark.parametrize(("path", "who"), [("/api/v1/login", None), ("/api/v1/tickets", "kiosk-01"),
                                           ("/api/v1/alerts", "kiosk-01"), ("/api/v1/tickets", "manager")])
def test_json_nested_100000_deep_is_refused(w, path, who):
    before = tables(w)
    answer = refused(send(w, "POST", path, who, b"[" * 100_000 + b"]" * 100_000), 400, "too_deep")
    assert "20 levels" in answer["message"]
    refused(send(w, "POST", path, who, b'{"a":' * 21 + b"1" + b"}" * 21), 400, "too_deep")
    assert tables(w) == before


@pytest.mark.parametrize(("path", "who", "raw"), [
    ("/api/v1/login", None, b'{"username": "\\ud800", "password": "secret"}'),
    ("/api/v1/login", None, b'{"username": "boss", "password": "x\\udfffy"}'),
    ("/api/v1/tickets", "kiosk-01", b'{"zone": "commerce", "source": "\\ud800"}'),
    ("/api/v1/tickets", "kiosk-01", b'{"zone": "commerce", "source": "kiosk\\u0000"}'),
    ("/api/v1/tickets", "kiosk-01", b'{"zone": "commerce\\u0000"}'),
    ("RATE", None, b'{"score": 2, "reason": "other", "comment": "\\udc00"}'),
])
def test_lone_surrogates_and_nul_are_refused(w, path, who, raw):
    path = rating_path(w) if path == "RATE" else path
    before = tables(w)
    answer = refused(send(w, "POST", path, who, raw), 400, "bad_text")
    assert "surrogate" in answer["message"] or "NUL" in answer["message"]
    assert tables(w) == before


@pytest.mark.parametrize("raw", [b"NaN", b'{"score": Infinity}', b'{"zone": 1e400}', b"\xff\xfe{}"])
def test_what_is_not_json_is_refused(w, raw):
    r = send(w, "POST", "/api/v1/tickets", "kiosk-01", raw)
    assert r.status_code == 400 and r.get_json()["error"] in ("bad_json", "out_of_range")


@pytest.mark.parametrize("query", [
    "/api/v1/stats/range?from=9999-12-31", "/api/v1/stats/range?to=9999-12-31", "/api/v1/stats/range?date=9999-12-31",
    "/api/v1/audit?date=9999-12-31", "/api/v1/audit?from=0001-01-01", "/api/v1/stats/export.xlsx?date=9999-12-31",
    "/api/v1/stats/export-range.csv?from=9999-12-30&to=9999-12-31", "/api/v1/stats?date=9999-12-31",
    "/api/v1/stats/export.csv?date=9999-12-31", "/api/v1/code-audit?date=9999-12-31",
    "/api/v1/code-audit?date=0001-01-01", "/api/v1/ratings?from=9999-12-31",
    "/api/v1/appointments/stats?date=9999-12-31", "/api/v1/appointments/slots?zone=commerce&date=9999-12-31",
])
def test_days_out_of_reckoning_are_refused(w, query):
    answer = refused(w.get(query, "manager"), 400, "bad_date")
    assert "2000-01-01" in answer["message"] and "2999-12-31" in answer["message"]


def test_a_slot_start_out_of_reckoning_is_refused(w):
    body = {"zone": "commerce", "slot_start": "9999-12-31T23:59"}
    r = w.post("/api/v1/appointments", "manager", body)
    assert r.status_code == 400 and r.get_json()["error"] in ("bad_date", "no_such_slot"), r.get_json()


def test_an_event_id_beyond_sqlites_range_is_refused(w):
    refused(w.client.get("/api/v1/events?last_event_id=99999999999999999999"), 400, "bad_event_id")


def test_nul_in_a_query_argument_is_refused(w):
    answer = refused(w.get("/api/v1/licences?case_no=a%00b", "manager"), 400, "bad_text")
    assert "'case_no'" in answer["message"]


@pytest.mark.parametrize(("path", "who"), [("/api/v1/tickets", "kiosk-01"), ("/api/v1/login", None),
                                           ("/api/v1/licences/import", "manager")])
def test_an_oversized_chunked_body_is_413(w, path, who):
    big = b'{"zone": "commerce", "source": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    headers = {**(w.h(who) if who else {}), "Transfer-Encoding": "chunked", "Content-Type": "application/json"}
    before = tables(w)
    r = w.client.post(path, input_stream=io.BytesIO(big), headers=headers,
                      environ_overrides={"wsgi.input_terminated": True})
    refused(r, 413, "body_too_large")
    assert tables(w) == before


def test_a_900_kb_source_is_refused_naming_the_field_and_limit(w):
    before = tables(w)
    answer = refused(w.post("/api/v1/tickets", "kiosk-01", {"zone": "commerce", "source": "x" * 900_000}),
                     400, "too_long")
    assert "'source'" in answer["message"] and "64 characters" in answer["message"]
    assert tables(w) == before  # no ticket, no event for the boards
    assert w.post("/api/v1/tickets", "kiosk-01", {"zone": "commerce", "source": "x" * 64}).status_code == 201


@pytest.mark.parametrize(("path", "who", "body", "name"), [
    ("RATE", None, {"score": 5, "comment": "好" * 501}, "comment"),
    ("/api/v1/windows/1/pause", "staff", {"reason": "r" * 201}, "reason"),
    ("/api/v1/tickets/1/cancel", "kiosk-01", {"reason": "r" * 201}, "reason"),
    ("/api/v1/followups/1/note", "manager", {"text": "t" * 1001}, "text"),
    ("/api/v1/appointments", "manager", {"zone": "commerce", "name": "n" * 65}, "name"),
    ("/api/v1/alerts", "kiosk-01", {"kind": "help", "message": "m" * 501}, "message"),
    ("/api/v1/alerts", "kiosk-01", {"kind": "help", "data": {"free": "d" * 1001}}, "free"),
])
def test_text_over_its_documented_limit_is_refused(w, path, who, body, name):
    path = rating_path(w) if path == "RATE" else path
    before = tables(w)
    answer = refused(w.post(path, who, body) if who else w.client.post(path, json=body), 400, "too_long")
    assert repr(name) in answer["message"] and f"at most {TEXT_LIMITS.get(name, 1000)} characters" in answer["message"]
    assert tables(w) == before


def test_a_long_manager_request_is_audited_as_valid_json(w):
    zones = ["commerce"] * 700  # about 8,000 characters of JSON
    r = w.client.put("/api/v1/windows/1/zones", json={"zones": zones, "reason": "r" * 150}, headers=w.h("manager"))
    assert r.status_code < 500
    con = sqlite3.connect(w.db_path)
    stored = con.execute("SELECT detail FROM audit_log WHERE path = '/api/v1/windows/1/zones'").fetchone()[0]
    con.close()
    assert len(stored) <= 4000
    detail = json.loads(stored)  # valid JSON, shortened inside
    assert detail["reason"] == "r" * 150 and detail["zones"][:3] == ["commerce"] * 3
    assert detail["zones"][-1].startswith("…")
    r = w.get("/api/v1/audit", "manager")
    assert r.status_code == 200
    assert any(e["detail"] == detail for e in r.get_json()["entries"])


def test_an_entry_cut_by_an_older_version_is_shown_as_text(w):
    cut = '{"zones": ["commerce", "comm'
    con = sqlite3.connect(w.db_path)
    with con:
        con.execute("INSERT INTO audit_log (at, actor, role, method, path, action, detail, status) VALUES"
                    " ('2026-11-23T02:00:00.000000+00:00', 'boss', 'manager', 'PUT', '/x', 'PUT /x', ?, 200)", [cut])
    con.close()
    r = w.get("/api/v1/audit?date=2026-11-23", "manager")
    assert r.status_code == 200
    assert [e["detail"] for e in r.get_json()["entries"] if e["path"] == "/x"] == [cut]


FORMULA_NAME = "=HYPERLINK(\"http://evil\",\"x\")"
FORMULA_COMMENT = "+cmd|' /C calc'!A0"


def test_exports_escape_formulas_in_text_cells(w):
    from openpyxl import load_workbook

    accounts.add_user(w.hall, FORMULA_NAME, "pw-123456", "staff")
    token = accounts.login(w.hall, FORMULA_NAME, "pw-123456")["token"]
    staff = {"Authorization": f"Bearer {token}"}
    assert w.client.post("/api/v1/windows/2/open", headers=staff).status_code == 200
    ticket = w.post("/api/v1/tickets", "kiosk-01", {"zone": "commerce"}).get_json()
    for action in ("call-next", "start", "finish"):
        assert w.client.post(f"/api/v1/windows/2/{action}", headers=staff).status_code == 200
    r = w.client.post(phone_rating(ticket), json={"score": 1, "reason": "other",
                                                                  "comment": FORMULA_COMMENT})
    assert r.status_code == 201, r.get_json()
    csv_text = w.get("/api/v1/stats/export-range.csv", "manager").get_data(as_text=True)
    assert "'" + FORMULA_COMMENT in csv_text and "'" + FORMULA_NAME.replace('"', '""') in csv_text
    lines = [ln for ln in csv_text.splitlines() if "calc" in ln or "HYPERLINK" in ln]
    assert lines and all(",=" not in ln and ",+" not in ln for ln in lines)
    book = load_workbook(io.BytesIO(w.get("/api/v1/stats/export.xlsx", "manager").get_data()))
    texts = [c.value for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'" + FORMULA_COMMENT in texts and "'" + FORMULA_NAME in texts
    assert not [c for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_every_text_limit_is_documented_in_the_readme():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1]: line.split("|")[2] for line in readme.splitlines() if line.startswith("| `")}
    for name, limit in TEXT_LIMITS.items():
        row = next((cells for names, cells in rows.items() if f"`{name}`" in names), None)
        assert row is not None and f"{limit:,} characters" in row, name


@pytest.mark.parametrize("expires", ["9999-12-31", "9999-12-31T23:59:59-12:00", "2106-02-08"])
def test_a_licence_held_beyond_what_its_code_can_say_is_refused(w, expires):
    body = {"case_no": "LX-9", "licence_type": "营业执照", "holder_name": "张三", "id_last4": "123X",
            "phone_last4": "5678", "method": "desk", "expires_at": expires}
    before = tables(w)
    assert "3650 days" in refused(w.post("/api/v1/licences", "manager", body), 400, "bad_field")["message"]
    assert tables(w) == before


@pytest.mark.parametrize("reason", [[], {}, 5, ["other"]])
def test_a_rating_reason_that_is_not_text_is_refused(w, reason):
    r = w.client.post(rating_path(w), json={"score": 1, "reason": reason})
    refused(r, 400, "bad_rating")


def test_a_control_character_in_a_comment_does_not_break_the_xlsx_export(w):
    from openpyxl import load_workbook

    assert w.post("/api/v1/windows/1/open", "staff").status_code == 200
    ticket = w.post("/api/v1/tickets", "kiosk-01", {"zone": "commerce"}).get_json()
    for action in ("call-next", "start", "finish"):
        assert w.post(f"/api/v1/windows/1/{action}", "staff").status_code == 200
    r = w.client.post(phone_rating(ticket), json={"score": 1, "reason": "other",
                                                                  "comment": "太慢\x0b了\x1b"})
    assert r.status_code == 201, r.get_json()
    r = w.get("/api/v1/stats/export.xlsx", "manager")
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.get_data()))
    assert "太慢了" in [c.value for row in book["差评 Bad ratings"].iter_rows() for c in row]
