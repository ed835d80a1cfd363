"""Bulk registration from the back office's CSV export: bad rows reported by line, good rows kept."""

from __future__ import annotations

import pytest

from tests.support.pickup_helpers import make_hallway

HEADER = "case_no,licence_type,holder_name,id_last4,phone_last4,method,expires_at,locker_door,post_address\n"


@pytest.fixture
def hw(tmp_path):
    return make_hallway(tmp_path)


def send(hw, text: str, encoding: str = "utf-8", who: str = "backoffice"):
    return hw.client.post("/api/v1/licences/import", data=text.encode(encoding), headers=hw.h(who),
                          content_type="text/csv")


def test_bad_rows_reported_by_line_good_rows_kept(hw):
    text = (HEADER
            + "C001,营业执照,张三,1234,5678,desk,,,\n"           # line 2 good
            + "C002,营业执照,李四,12,5678,desk,,,\n"             # line 3 bad id_last4
            + "\n"                                                # line 4 blank: skipped
            + 'C003,食品经营许可证,"王,五",000X,1111,post,,,"济南市历下区\n泉城路1号"\n'  # lines 5-6 good, quoted
            + "C004,营业执照,赵六,4321,8765,locker,,,\n"         # line 7 bad: locker without door
            + "C001,营业执照,张三,1234,5678,desk,,,\n"           # line 8 duplicate of line 2
            + "C005,营业执照,钱七,4321,8765,desk,2020-01-01,,\n"  # line 9 expiry past
            + "C006,营业执照,孙八,4321,8765,locker,,A12,\n")     # line 10 good
    r = send(hw, text)
    assert r.status_code == 200, r.get_json()
    report = r.get_json()
    assert report["created"] == 3 and report["rejected"] == 4
    assert [e["line"] for e in report["errors"]] == [3, 7, 8, 9]
    assert [e["error"] for e in report["errors"]] == ["bad_field", "missing_field", "duplicate", "bad_field"]
    assert report["errors"][0]["field"] == "id_last4"
    assert [x["line"] for x in report["licences"]] == [2, 5, 10]
    assert all(x["pickup_code"] and x["pickup_qr"] for x in report["licences"])
    listed = hw.get("/api/v1/licences", "manager").get_json()["licences"]
    assert sorted(x["case_no"] for x in listed) == ["C001", "C003", "C006"]
    code = report["licences"][0]["pickup_code"]
    assert hw.redeem(code).status_code == 201


def test_gb18030_with_bom_free_excel_export(hw):
    r = send(hw, HEADER + "C100,营业执照,张三,1234,5678,desk,,,\n", encoding="gb18030")
    assert r.status_code == 201 and r.get_json()["created"] == 1


def test_utf8_bom_and_crlf(hw):
    r = send(hw, "\ufeff" + (HEADER + "C200,营业执照,张三,1234,5678,,,,\n").replace("\n", "\r\n"))
    assert r.status_code == 201, r.get_json()


def test_multipart_file_upload(hw):
    import io

    data = {"file": (io.BytesIO((HEADER + "C300,营业执照,张三,1234,5678,desk,,,\n").encode()), "list.csv")}
    r = hw.client.post("/api/v1/licences/import", data=data, headers=hw.h("manager"),
                       content_type="multipart/form-data")
    assert r.status_code == 201, r.get_json()


@pytest.mark.parametrize("text, words", [
    ("", "send the CSV"),
    ("case_no,holder_name\nC1,张三\n", "lacks licence_type"),
    (HEADER.strip() + ",colour\n", "unknown CSV column"),
])
def test_unusable_files_say_what_to_fix(hw, text, words):
    r = send(hw, text)
    assert r.status_code == 400 and words in r.get_json()["message"]


def test_extra_cells_are_a_bad_row(hw):
    r = send(hw, HEADER + "C1,营业执照,张三,1234,5678,desk,,,,surplus\nC2,营业执照,李四,1234,5678,desk,,,\n")
    report = r.get_json()
    assert report["errors"] == [{"line": 2, "error": "bad_row", "message": "more cells than columns"}]
    assert report["created"] == 1


def test_kiosks_cannot_import(hw):
    assert send(hw, HEADER, who="kiosk-01").status_code == 403
