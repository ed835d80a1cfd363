"""The hall configuration over the API: read, apply (the loader's checks, by field), versions with their diff,
revert; manager only; a refusal changes nothing."""

from __future__ import annotations

import pytest

from tests.support.api import Api

NEW_MATTER = {
    "code": "A99", "zone": "commerce", "name_zh": "测试事项", "name_en": "Test matter", "common": False,
    "service_s": 600, "legal_days": 20, "promised_days": 5, "fee_zh": "不收费", "fee_en": "Free",
    "materials": ["id_card", "photo"], "notes_zh": "", "notes_en": "", "conditions_zh": "年满十八周岁",
    "conditions_en": "Aged 18 or over", "legal_basis_zh": "《测试条例》第一条", "legal_basis_en": "Test rules, art. 1",
    "optional_materials": ["photo"], "deferrable_materials": ["photo"], "produces": [],
}


@pytest.fixture
def boss(client, seeded):
    return Api.login(client, *seeded.manager)


def _versions(boss):
    return boss.ok("GET", "/api/v1/config/versions")["versions"]


def test_a_new_matter_is_applied_versioned_shown_and_reverted(boss, client, seeded):
    live = boss.ok("GET", "/api/v1/config")
    before = live["version"]
    assert live["document"].startswith("# The hall's live configuration")
    data = live["config"]
    data["matters"].append(NEW_MATTER)
    done = boss.ok("PUT", "/api/v1/config", {"config": data, "base_version": before})
    assert done["changed"] and done["version"] == done["live_version"] > before
    assert '+code = "A99"' in done["diff"]
    hall = Api(client).ok("GET", "/api/v1/hall")
    commerce = next(z for z in hall["zones"] if z["code"] == "commerce")
    a99 = next(m for m in commerce["matters"] if m["code"] == "A99")
    assert a99["legal_basis_zh"] == "《测试条例》第一条"
    assert [(m["id"], m["main"], m["deferrable"]) for m in a99["materials"]] == [("id_card", True, False),
                                                                                   ("photo", False, True)]
    top = _versions(boss)[0]
    assert (top["id"], top["who"], top["source"]) == (done["version"], "boss", "admin page")
    one = boss.ok("GET", f"/api/v1/config/versions/{done['version']}")
    assert '+name_zh = "测试事项"' in one["diff"]
    back = boss.ok("POST", f"/api/v1/config/versions/{before}/revert")
    assert back["changed"] and back["version"] > done["version"]
    assert "A99" not in str(Api(client).ok("GET", "/api/v1/hall")["zones"])
    assert _versions(boss)[0]["source"] == f"revert to version {before}"


@pytest.mark.parametrize("mutate,field", [
    (lambda d: d["matters"][0].update(legal_days=-1), "matters[0].legal_days"),
    (lambda d: d["matters"][0].update(zone="nowhere"), "matters[0].zone"),
    (lambda d: d["zones"][0].update(prefix="AA"), "zones[0].prefix"),
    (lambda d: d["windows"][0].update(zones=[]), "windows[0].zones"),
    (lambda d: d["rules"].update(pause_reasons=[]), "rules.pause_reasons"),
    (lambda d: d["opening"].update(sessions=[{"days": ["mon"], "open": "9:00", "close": "17:00"}]),
     "opening.sessions[0].open"),
])
def test_a_bad_change_is_refused_by_its_field_and_changes_nothing(boss, mutate, field):
    live = boss.ok("GET", "/api/v1/config")
    count = len(_versions(boss))
    mutate(live["config"])
    r = boss.call("PUT", "/api/v1/config", {"config": live["config"]})
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "bad_config" and r.json()["field"] == field
    assert len(_versions(boss)) == count
    assert boss.ok("GET", "/api/v1/config")["version"] == live["version"]


def test_an_edit_of_an_old_version_is_refused(boss):
    live = boss.ok("GET", "/api/v1/config")
    live["config"]["hall"]["notice_zh"] = "新的公告"
    boss.ok("PUT", "/api/v1/config", {"config": live["config"]})
    live["config"]["hall"]["notice_zh"] = "另一个公告"
    r = boss.call("PUT", "/api/v1/config", {"config": live["config"], "base_version": live["version"]})
    assert r.status_code == 409 and r.json()["error"] == "version_moved"
    assert boss.ok("GET", "/api/v1/config")["config"]["hall"]["notice_zh"] == "新的公告"


def test_a_toml_body_applies_too(boss):
    live = boss.ok("GET", "/api/v1/config")
    text = live["document"].replace('recalls_before_no_show = 1', 'recalls_before_no_show = 2')
    r = boss.call("PUT", "/api/v1/config", data=text.encode(), headers={"Content-Type": "application/toml"})
    assert r.status_code == 200 and r.json()["changed"]
    r = boss.call("PUT", "/api/v1/config", data=b"[hall\n", headers={"Content-Type": "application/toml"})
    assert r.status_code == 400 and r.json()["error"] == "bad_config"


def test_config_routes_are_for_the_manager_only(client, seeded):
    staff = Api.login(client, "staff1", seeded.staff["staff1"])
    kiosk = Api(client, seeded.devices["kiosk-01"])
    for who in (staff, kiosk, Api(client)):
        for method, path in (("GET", "/api/v1/config"), ("GET", "/api/v1/config/versions"),
                             ("GET", "/api/v1/config/versions/1"), ("PUT", "/api/v1/config"),
                             ("POST", "/api/v1/config/versions/1/revert")):
            r = who.call(method, path, {"config": {}} if method == "PUT" else None)
            assert r.status_code in (401, 403) and r.json()["error"], (method, path)


def test_unknown_versions_and_bodies_are_4xx(boss):
    assert boss.call("GET", "/api/v1/config/versions/999").status_code == 404
    assert boss.call("POST", "/api/v1/config/versions/999/revert").status_code == 404
    r = boss.call("PUT", "/api/v1/config", {"nothing": 1})
    assert r.status_code == 400 and r.json()["field"] == "config"


def test_a_cookie_write_needs_the_csrf_token(client, seeded):
    token = Api.login(client, *seeded.manager).token
    cookie_only = Api(client)
    live = Api(client, token).ok("GET", "/api/v1/config")
    r = cookie_only.call("PUT", "/api/v1/config", {"config": live["config"]}, cookies={"hall_token": token})
    assert r.status_code == 403 and r.json()["error"] == "csrf"


def test_the_sms_credential_is_never_shown_and_kept_when_sent_back_masked(boss, app):
    hall = app.extensions["hall"]
    live = boss.ok("GET", "/api/v1/config")
    live["config"]["sms"].update(enabled=True, url="http://127.0.0.1:9/sms", auth_header="Authorization: Bearer s3cret")
    done = boss.ok("PUT", "/api/v1/config", {"config": live["config"]})
    assert "s3cret" not in done["diff"] and hall.config.sms.auth_header == "Authorization: Bearer s3cret"
    again = boss.ok("GET", "/api/v1/config")
    assert again["config"]["sms"]["auth_header"] == "***" and "s3cret" not in again["document"]
    assert "s3cret" not in str(boss.ok("GET", f"/api/v1/config/versions/{done['version']}"))
    again["config"]["hall"]["notice_en"] = "Hello"
    boss.ok("PUT", "/api/v1/config", {"config": again["config"]})
    assert hall.config.sms.auth_header == "Authorization: Bearer s3cret"  # "***" sent back keeps it
    assert "s3cret" not in str(boss.ok("GET", "/api/v1/audit"))
    document = boss.ok("GET", "/api/v1/config")["document"].replace('notice_en = "Hello"', 'notice_en = "Hi"')
    r = boss.call("PUT", "/api/v1/config", data=document.encode(), headers={"Content-Type": "application/toml"})
    assert r.status_code == 200 and hall.config.sms.auth_header == "Authorization: Bearer s3cret"


def test_adding_one_matter_is_a_small_diff(boss):
    live = boss.ok("GET", "/api/v1/config")
    live["config"]["matters"].append(NEW_MATTER)
    done = boss.ok("PUT", "/api/v1/config", {"config": live["config"]})
    added = [line for line in done["diff"].splitlines() if line.startswith("+") and not line.startswith("+++")]
    removed = [line for line in done["diff"].splitlines() if line.startswith("-") and not line.startswith("---")]
    assert removed == [] and len(added) < 40 and "+[[matters]]" in added, done["diff"]
