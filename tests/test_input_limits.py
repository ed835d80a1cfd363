

def test_a_csv_cell_beyond_the_csv_modules_limit_is_refused(w):
    data = b"case_no,licence_type,holder_name,id_last4,phone_last4\n\"" + b"x" * 200_000 + b"\n"
    before = tables(w)
    r = w.client.post("/api/v1/licences/import", data=data, headers=w.h("manager"), content_type="text/csv")
    assert "line" in refused(r, 400, "bad_csv")["message"]
    assert tables(w) == before
