"""The printable pickup notice (PNG with a scannable QR, PDF with Chinese text) and the SMS text."""

from __future__ import annotations

import io
import subprocess

import numpy as np
from PIL import Image

from hardware.qr_decode import decode_frame
from tests.support.pickup_helpers import make_hallway


def test_png_notice_has_a_scannable_qr_and_the_code(tmp_path, artifacts):
    hw = make_hallway(tmp_path)
    lic = hw.licence(expires_at="2026-12-31")
    r = hw.get(f"/api/v1/licences/{lic['id']}/notice.png", "manager")
    assert r.status_code == 200 and r.mimetype == "image/png"
    (artifacts / "pickup_notice.png").write_bytes(r.data)
    img = Image.open(io.BytesIO(r.data)).convert("RGB")
    assert img.width == 1000 and 1000 < img.height < 1500
    assert decode_frame(np.asarray(img)[:, :, ::-1]) == [lic["pickup_qr"]]
    assert hw.redeem(decode_frame(np.asarray(img)[:, :, ::-1])[0]).status_code == 201


def test_pdf_notice_text(tmp_path, artifacts):
    hw = make_hallway(tmp_path)
    lic = hw.licence(method="locker", locker_door="A12", expires_at="2026-12-31")
    r = hw.get(f"/api/v1/licences/{lic['id']}/notice.pdf", "backoffice")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    path = artifacts / "pickup_notice.pdf"
    path.write_bytes(r.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for words in ("证照领取通知", lic["pickup_code"], "A12", "身份证", "2026年12月31日", "张*丰", "营业执照"):
        assert words in text, words
    assert "张三丰" not in text


def test_sms_text(tmp_path):
    hw = make_hallway(tmp_path)
    lic = hw.licence(expires_at="2026-12-31")
    text = hw.get(f"/api/v1/licences/{lic['id']}/sms", "manager").get_json()["text"]
    assert text.startswith("【济南市历下区政务服务中心】张*丰您好")
    assert lic["pickup_code"] in text and "12月31日" in text and "统一出件区（41–44 号窗口）" in text
    assert "Pickup code" in text and "123X" not in text and "5678" not in text


def test_notices_are_for_the_back_office_only(tmp_path):
    hw = make_hallway(tmp_path)
    lic = hw.licence()
    assert hw.get(f"/api/v1/licences/{lic['id']}/notice.png", "kiosk-01").status_code == 403
    assert hw.get("/api/v1/licences/999/sms", "manager").get_json()["error"] == "licence_not_found"
