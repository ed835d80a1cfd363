"""好差评 API against a real server: pad ratings, phone ratings through the ticket's link, once per ticket,
follow-ups; staff, kiosk and display tokens never get a rating link or rate."""

from __future__ import annotations

import pytest
import requests

from tests.support.api import Api, serve_one


@pytest.fixture(scope="module")
def apis(server):
    s = server.seeded
    kiosk = Api(server.url, s.devices["kiosk-01"])
    pad = Api(server.url, s.devices["pad-1"])
    staff1 = Api.login(server.url, "staff1", s.staff["staff1"])
    staff2 = Api.login(server.url, "staff2", s.staff["staff2"])
    boss = Api.login(server.url, *s.manager)
    staff1.ok("POST", "/api/v1/windows/1/open")
    staff2.ok("POST", "/api/v1/windows/2/open")
    return {"kiosk": kiosk, "pad": pad, "staff1": staff1, "staff2": staff2, "boss": boss, "public": Api(server.url),
            "display": Api(server.url, s.devices["display-01"]), "button": Api(server.url, s.devices["button-1"])}


def token_path(ticket: dict) -> str:
    """/api/v1/t/{token} from the ticket's status_url (what the printed QR holds)."""
    return "/api/v1/t/" + ticket["status_url"].rsplit("/t/", 1)[1]


def test_pad_offers_the_ticket_just_finished_and_rates_it_once(apis):
    t = serve_one(apis["kiosk"], apis["staff1"], 1)
    offered = apis["pad"].ok("GET", "/api/v1/ratings/pad/1")["ticket"]
    assert offered["id"] == t["id"] and offered["number"] == t["number"] and offered["zone_zh"] == "商事登记"
    r = apis["pad"].call("POST", "/api/v1/ratings", {"ticket_id": t["id"], "score": 5})
    assert r.status_code == 201 and r.json()["source"] == "pad" and r.json()["staff"] == "staff1"
    assert r.json()["followup_id"] is None
    again = apis["pad"].call("POST", "/api/v1/ratings", {"ticket_id": t["id"], "score": 1, "reason": "fees"})
    assert again.status_code == 409 and again.json()["error"] == "already_rated"
    assert apis["pad"].ok("GET", "/api/v1/ratings/pad/1")["ticket"] is None


@pytest.mark.parametrize("body, code", [
    ({"score": 0}, "bad_rating"), ({"score": 6}, "bad_rating"), ({"score": "5"}, "bad_rating"),
    ({"score": True}, "bad_rating"), ({"score": 2}, "bad_rating"), ({"score": 1, "reason": "weather"}, "bad_rating"),
    ({"score": 4, "comment": 7}, "bad_rating"), ({}, "bad_rating"),
])
def test_bad_rating_bodies_get_clear_400s(apis, body, code):
    t = serve_one(apis["kiosk"], apis["staff1"], 1)
    r = apis["pad"].call("POST", "/api/v1/ratings", {"ticket_id": t["id"], **body})
    assert r.status_code == 400 and r.json()["error"] == code and r.json()["message"]
    apis["pad"].ok("POST", "/api/v1/ratings", {"ticket_id": t["id"], "score": 4})  # tidy: leave nothing to offer


def test_only_the_windows_own_pad_may_rate_there(apis):
    t = serve_one(apis["kiosk"], apis["staff1"], 1)
    for who in ("staff1", "staff2", "kiosk", "display", "button", "boss"):
        r = apis[who].call("POST", "/api/v1/ratings", {"ticket_id": t["id"], "score": 5})
        assert r.status_code == 403, who
        assert apis[who].call("GET", "/api/v1/ratings/pad/1").status_code == 403, who
        assert apis[who].call("GET", f"/api/v1/tickets/{t['id']}/rating-link").status_code == 404, who
    assert apis["public"].call("POST", "/api/v1/ratings", {"ticket_id": t["id"], "score": 5}).status_code == 401
    assert apis["pad"].call("POST", "/api/v1/ratings", {"ticket_id": t["id"], "score": 4}).status_code == 201


def test_staff_and_devices_never_see_a_ticket_link(apis):
    t = apis["kiosk"].ok("POST", "/api/v1/tickets", {"zone": "commerce"})
    assert "/t/" in t["status_url"]  # only the issuing answer carries it, for the printed QR
    for who in ("kiosk", "staff1", "boss"):
        seen = apis[who].call("GET", f"/api/v1/tickets/{t['id']}")
        assert seen.status_code == 200 and "status_url" not in seen.text and t["status_url"] not in seen.text, who
    for who, status in (("display", 403), ("button", 403), ("pad", 403), ("public", 401)):
        assert apis[who].call("GET", f"/api/v1/tickets/{t['id']}").status_code == status, who
    apis["kiosk"].ok("POST", f"/api/v1/tickets/{t['id']}/cancel")  # leave the queue empty for the next test


def test_a_pad_rates_only_the_ticket_just_finished_at_its_window_once(apis):
    first = apis["kiosk"].ok("POST", "/api/v1/tickets", {"zone": "commerce"})
    for action in ("call-next", "start", "finish"):
        apis["staff1"].ok("POST", f"/api/v1/windows/1/{action}")
    second = serve_one(apis["kiosk"], apis["staff1"], 1)
    assert apis["pad"].ok("GET", "/api/v1/ratings/pad/1")["ticket"]["id"] == second["id"]
    old = apis["pad"].call("POST", "/api/v1/ratings", {"ticket_id": first["id"], "score": 5})
    assert old.status_code == 409 and old.json()["error"] == "not_offered"
    other = serve_one(apis["kiosk"], apis["staff2"], 2)
    assert apis["pad"].call("POST", "/api/v1/ratings", {"ticket_id": other["id"], "score": 5}).status_code == 403
    assert apis["pad"].call("GET", "/api/v1/ratings/pad/2").status_code == 403
    apis["pad"].ok("POST", "/api/v1/ratings", {"ticket_id": second["id"], "score": 5})
    assert apis["pad"].call("POST", "/api/v1/ratings", {"ticket_id": second["id"], "score": 5}).status_code == 409
    assert apis["pad"].ok("GET", "/api/v1/ratings/pad/1")["ticket"] is None
    # the citizens can still rate on their phones
    r = apis["public"].call("POST", token_path(first) + "/rating", {"score": 4})
    assert r.status_code == 201 and r.json() == {"rated": True, "score": 4, "followup": False}


def test_phone_link_rates_once_after_the_service(apis):
    kiosk, staff1, public = apis["kiosk"], apis["staff1"], apis["public"]
    t = kiosk.ok("POST", "/api/v1/tickets", {"zone": "commerce"})
    path = token_path(t)
    assert public.ok("GET", path)["state"] == "waiting"
    early = public.call("POST", path + "/rating", {"score": 5})
    assert early.status_code == 409 and early.json()["error"] == "not_finished"
    staff1.ok("POST", "/api/v1/windows/1/call-next")
    staff1.ok("POST", "/api/v1/windows/1/start")
    staff1.ok("POST", "/api/v1/windows/1/finish")
    r = public.call("POST", path + "/rating", {"score": 2, "reason": "come_back", "comment": "材料清单没写全"})
    assert r.status_code == 201 and r.json()["followup"] is True
    assert public.call("POST", path + "/rating", {"score": 5}).status_code == 409
    assert public.ok("GET", path)["rated"] is True
    stored = apis["boss"].ok("GET", "/api/v1/ratings")["ratings"]
    assert next(x for x in stored if x["ticket_id"] == t["id"])["source"] == "phone"
    # the pad no longer offers a ticket the citizen already rated on the phone
    assert apis["pad"].ok("GET", "/api/v1/ratings/pad/1")["ticket"] is None


def test_tampered_or_foreign_links_are_refused(apis):
    t = apis["kiosk"].ok("POST", "/api/v1/tickets", {"zone": "consult"})
    token = t["status_url"].rsplit("/t/", 1)[1]
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "nonsense", str(t["id"]), "x" * 200):
        for method, suffix in (("GET", ""), ("POST", "/rating"), ("GET", "/events")):
            r = apis["public"].call(method, f"/api/v1/t/{bad}{suffix}", {"score": 5} if method == "POST" else None)
            assert r.status_code == 404 and r.json()["error"] == "bad_ticket_link", (bad, suffix)
        page = requests.get(f"{apis['public'].url}/t/{bad}", timeout=5)
        assert page.status_code == 404 and "二维码" in page.text


def test_bad_rating_opens_a_followup_the_manager_assigns_notes_and_closes(apis):
    boss, staff1 = apis["boss"], apis["staff1"]
    t = serve_one(apis["kiosk"], staff1, 1)
    rated = apis["pad"].ok("POST", "/api/v1/ratings", {"ticket_id": t["id"], "score": 1, "reason": "attitude",
                                                       "comment": "态度不好"})
    fid = rated["followup_id"]
    items = boss.ok("GET", "/api/v1/followups", state="pending")
    item = next(f for f in items if f["id"] == fid)
    assert item["number"] == t["number"] and item["reason"] == "attitude" and item["state"] == "open"
    assert item["overdue"] is False
    assert staff1.call("GET", "/api/v1/followups").status_code == 403
    assert staff1.call("POST", f"/api/v1/followups/{fid}/close", {"outcome": "x"}).status_code == 403
    bad = boss.call("POST", f"/api/v1/followups/{fid}/assign", {"assignee": "nobody-here"})
    assert bad.status_code == 400 and bad.json()["error"] == "unknown_user"
    assert boss.ok("POST", f"/api/v1/followups/{fid}/assign", {"assignee": "staff3"})["state"] == "assigned"
    boss.ok("POST", f"/api/v1/followups/{fid}/note", {"text": "已致电，市民下午再来"})
    assert boss.call("POST", f"/api/v1/followups/{fid}/close", {}).status_code == 400
    closed = boss.ok("POST", f"/api/v1/followups/{fid}/close", {"outcome": "已电话回访并致歉"})
    assert closed["state"] == "closed" and closed["closed_by"] == "boss"
    assert [n["text"] for n in closed["notes"]][1] == "已致电，市民下午再来"
    assert boss.call("POST", f"/api/v1/followups/{fid}/note", {"text": "late"}).status_code == 409
    assert fid not in [f["id"] for f in boss.ok("GET", "/api/v1/followups", state="pending")]
    listed = boss.ok("GET", "/api/v1/ratings")
    assert listed["summary"]["ratings"] >= 2 and listed["summary"]["bad"] >= 1


def test_ratings_list_and_scale(apis, server):
    scale = requests.get(server.url + "/api/v1/ratings/scale", timeout=5).json()
    assert [lv["zh"] for lv in scale["levels"]] == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    assert [r["code"] for r in scale["reasons"]] == ["attitude", "efficiency", "come_back", "fees", "other"]
    assert apis["staff1"].call("GET", "/api/v1/ratings").status_code == 403
    r = apis["boss"].call("GET", "/api/v1/ratings", **{"from": "2026-13-01"})
    assert r.status_code == 400 and r.json()["error"] == "bad_date"
