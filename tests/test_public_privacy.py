"""Nothing personal in public: after a busy scripted day (green channel, transfers with notes holding an ID and a
phone number, no-shows, help requests, zone moves, licence pickups, a bad rating with a phone number), every public
response and the public event stream carry only numbers, zones, windows, states, times, estimates and counts."""

from __future__ import annotations

import json
from datetime import timedelta

from tests.support.pickup_helpers import MONDAY_10, make_hallway

ID_NO, PHONE, HOLDER, CASE_NO = "370102199001011234", "13912345678", "张三丰", "LX2026-0001"
NOTE = f"身份证{ID_NO} 电话{PHONE} {HOLDER}"
# Values that must never reach a public client: personal data, staff and device names, the green-channel class.
FORBIDDEN_VALUES = (ID_NO, PHONE, HOLDER, "张*丰", CASE_NO, "123X", "desk1", "boss", "kiosk-01", "backoffice-01",
                    "需要帮助", "态度太差", "大厅调度")
FORBIDDEN_KEYS = {"note", "priority", "source", "staff", "actor", "actor_kind", "extra", "contact", "comment",
                  "holder", "holder_name", "case_no", "id_last4", "phone_last4", "alert", "rating", "followup",
                  "message", "reason", "previous_zones", "status_url"}


def keys_of(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_of(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_of(v)}
    return set()


def busy_day(hw) -> tuple[list[str], str]:
    """Script a day; returns the ticket links citizens hold and the number of the day's last ticket."""
    take = lambda body: hw.post("/api/v1/tickets", "kiosk-01", body).get_json()  # noqa: E731
    hw.clock.now = MONDAY_10 - timedelta(days=1)
    yesterday = take({"zone": "commerce"})
    hw.clock.now = MONDAY_10
    links = [yesterday["status_url"]]
    green = take({"zone": "commerce", "priority": "elderly"})
    plain = take({"zone": "commerce", "matter": "A01"})
    other = take({"zone": "public"})
    links += [green["status_url"], plain["status_url"], other["status_url"]]
    act = lambda action, body=None: hw.post(f"/api/v1/windows/1/{action}", "staff", body or {})  # noqa: E731
    assert act("open").status_code == 200
    assert act("call-next").get_json()["id"] == green["id"]  # the green channel first
    act("start")
    r = act("transfer", {"zone": "public", "note": NOTE})
    assert r.status_code == 200, r.get_json()
    assert act("call-next").get_json()["id"] == plain["id"]
    act("recall")
    assert act("no-show").status_code == 200
    assert hw.post(f"/api/v1/tickets/{plain['id']}/requeue", "staff").status_code == 200
    assert hw.post("/api/v1/alerts", "kiosk-01", {"kind": "help", "message": f"需要帮助 {PHONE}"}).status_code == 201
    r = hw.client.put("/api/v1/windows/2/zones", json={"zones": ["commerce", "public"], "reason": f"大厅调度 {HOLDER}"},
                      headers=hw.h("manager"))
    assert r.status_code == 200, r.get_json()
    lic = hw.licence(case_no=CASE_NO, holder_name=HOLDER)
    picked = hw.redeem(lic["pickup_qr"]).get_json()
    links.append(picked["ticket"]["status_url"])
    assert act("call-next").get_json()["id"] == plain["id"]
    act("start")
    act("finish")
    token = plain["status_url"].rsplit("/t/", 1)[1]
    r = hw.client.post(f"/api/v1/t/{token}/rating", json={"score": 1, "reason": "attitude",
                                                           "comment": f"态度太差 {PHONE}", "contact": PHONE})
    assert r.status_code == 201, r.get_json()
    pause = hw.post("/api/v1/windows/1/pause", "staff", {"reason": "午休 Lunch"})
    assert pause.status_code == 200, pause.get_json()
    last = take({"zone": "consult"})
    links.append(last["status_url"])
    return links, last["number"]


def read_stream(hw, path: str, until: str, who: str | None = None) -> str:
    """The text of an event stream up to the first chunk that contains `until`."""
    headers = hw.h(who) if who else {}
    resp = hw.client.get(path, headers=headers, buffered=False)
    assert resp.status_code == 200
    text = ""
    for chunk in resp.response:
        text += chunk.decode() if isinstance(chunk, bytes) else chunk
        if until in text:
            break
    resp.close()
    return text


def events_of(stream: str) -> list[tuple[int, str, dict]]:
    out = []
    for block in stream.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
        if "data" in fields and "id" in fields:
            out.append((int(fields["id"]), fields.get("event", ""), json.loads(fields["data"])))
    return out


def test_public_responses_and_the_public_stream_carry_nothing_personal(tmp_path):
    hw = make_hallway(tmp_path, start=MONDAY_10 - timedelta(days=1), settings={"SSE_HEARTBEAT_S": 0.05})
    links, last_number = busy_day(hw)
    public: dict[str, str] = {}
    for path in ("/api/v1/board", "/api/v1/board?windows=1", "/api/v1/board?zones=A,B", "/api/v1/windows",
                 "/api/v1/windows/1", "/api/v1/windows/2", "/board", "/window/1/screen", "/api/v1/hall"):
        for who in (None, "display", "kiosk-01"):
            r = hw.client.get(path, headers=hw.h(who) if who else {})
            assert r.status_code == 200, path
            public[f"{path} as {who}"] = r.get_data(as_text=True)
    for link in links:
        token = link.rsplit("/t/", 1)[1]
        for path in (f"/t/{token}", f"/api/v1/t/{token}"):
            r = hw.client.get(path)
            assert r.status_code == 200, path
            public[path] = r.get_data(as_text=True)
        public[f"/api/v1/t/{token}/events"] = read_stream(hw, f"/api/v1/t/{token}/events", "event: status")
    for who in (None, "display", "kiosk-01"):
        public[f"events as {who}"] = read_stream(hw, "/api/v1/events?last_event_id=0", last_number, who)

    for where, text in public.items():
        for value in FORBIDDEN_VALUES:
            assert value not in text, f"{value!r} in {where}"
        if "elderly" in text:  # the hall's list of green-channel classes is public; a ticket's class is not
            assert where.startswith("/api/v1/hall"), f"a priority class in {where}"
        if where.startswith("/api/") and "/events" not in where:
            assert not keys_of(json.loads(text)) & FORBIDDEN_KEYS, where
    for who in (None, "display", "kiosk-01"):
        events = events_of(public[f"events as {who}"])
        assert {kind for _, kind, _ in events} >= {"issued", "called", "transferred", "no_show", "window"}
        assert not {kind for _, kind, _ in events} & {"alert", "licence", "followup"}
        rated = [data for _, kind, data in events if kind == "rated"]
        # which ticket, never the score
        assert rated and all(set(d) <= {"ticket", "window", "at", "prev"} for d in rated)
        for _, _, data in events:
            assert not keys_of(data) & FORBIDDEN_KEYS, data
        numbers = [data["ticket"]["number"] for _, kind, data in events if kind == "issued"]
        assert numbers[0] != "A001" or numbers.count("A001") == 1  # yesterday's A001 is not replayed
        first_today = hw.hall.store.read().execute("SELECT min(id) FROM events WHERE at >= ?",
                                                   [hw.hall.day_started_at()]).fetchone()[0]
        assert min(i for i, _, _ in events) >= first_today, "public replay reaches back before today"

    # Staff still see what they need: the note on the transfer, the help request, the rating.
    staff = read_stream(hw, "/api/v1/events?last_event_id=0", last_number, "staff")
    assert ID_NO in staff and "需要帮助" in staff and "event: rated" in staff
    assert hw.get("/api/v1/windows/1", "staff").get_json()["staff"] == "desk1"
