"""The printable pickup notice (PNG and PDF: QR, typed code, where to go, what to bring) and the SMS text."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

import segno
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from queue_server.clock import from_iso
from queue_server.hall import Hall
from queue_server.pickups.licences import mask_name
from queue_server.pickups.places import pickup_place

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FONT_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
SC_INDEX = 2  # inside the Noto Sans CJK collection: JP, KR, SC, TC, HK; SC draws mainland forms
BRING_ZH = "本人身份证原件；他人代领请携带委托书及代领人身份证原件。"
BRING_EN = "Your ID card (original). Someone collecting for you brings your signed authorisation and their own ID."


@dataclass(frozen=True)
class NoticeText:
    title_zh: str
    title_en: str
    hall_zh: str
    hall_en: str
    lines: tuple[tuple[str, str], ...]  # (label, value) rows
    code: str
    qr: str
    where_zh: str
    where_en: str
    bring_zh: str
    bring_en: str
    until_zh: str
    until_en: str


def notice_text(hall: Hall, row: dict, codes: dict) -> NoticeText:
    cfg = hall.config
    pzh, pen = pickup_place(cfg)
    if row["method"] == "locker":
        where_zh = f"到大厅自助机扫描二维码或输入取件码，取件柜 {row['locker_door']} 号柜门自动打开。"
        where_en = f"Scan the QR code or type the code at a hall kiosk; locker door {row['locker_door']} opens."
    elif row["method"] == "post":
        where_zh = "到大厅自助机扫描二维码或输入取件码，确认邮寄地址后证照将寄出。"
        where_en = "Scan the QR code or type the code at a hall kiosk and confirm your address; we post it."
    else:
        where_zh = f"到大厅自助机扫描二维码或输入取件码取号，听到叫号后到{pzh}领取。"
        where_en = f"Scan the QR code or type the code at a hall kiosk, take a number, and collect at the {pen}."
    until = from_iso(row["expires_at"]).astimezone(cfg.tz) if row["expires_at"] else None
    return NoticeText(
        title_zh="证照领取通知", title_en="Licence pickup notice", hall_zh=cfg.name_zh, hall_en=cfg.name_en,
        lines=(("持证人 Holder", mask_name(row["holder_name"])), ("证照 Licence", row["licence_type"]),
               ("受理号 Case no.", row["case_no"])),
        code=codes["pickup_code"], qr=codes["pickup_qr"], where_zh=where_zh, where_en=where_en,
        bring_zh=BRING_ZH, bring_en=BRING_EN,
        until_zh=f"请于 {until:%Y年%m月%d日} 前领取" if until else "",
        until_en=f"Please collect by {until:%d %b %Y}" if until else "",
    )


def sms_text(hall: Hall, row: dict, codes: dict) -> str:
    """What the office texts the citizen: Chinese first, then English; the typed code only (no link)."""
    cfg = hall.config
    pzh, pen = pickup_place(cfg)
    until = from_iso(row["expires_at"]).astimezone(cfg.tz) if row["expires_at"] else None
    by_zh = f"请于{until:%m月%d日}前" if until else "请"
    by_en = f" by {until:%d %b}" if until else ""
    how_zh = {"locker": f"凭取件码在大厅自助机开启取件柜{row['locker_door']}号柜门领取",
              "post": "凭取件码在大厅自助机确认邮寄地址",
              "desk": f"凭取件码在大厅自助机取号后到{pzh}领取"}[row["method"]]
    how_en = {"locker": f"type it at a hall kiosk to open locker door {row['locker_door']}",
              "post": "type it at a hall kiosk to confirm your postal address",
              "desk": f"type it at a hall kiosk for a number, then collect at the {pen}"}[row["method"]]
    return (f"【{cfg.name_zh}】{mask_name(row['holder_name'])}您好，您的{row['licence_type']}（受理号{row['case_no']}）"
            f"已办结。取件码 {codes['pickup_code']}，{by_zh}{how_zh}，请携带本人身份证。"
            f" Your {row['licence_type']} (case {row['case_no']}) is ready. Pickup code {codes['pickup_code']}: "
            f"{how_en}{by_en}. Bring your ID card.")


def qr_png(payload: str, scale: int = 10) -> bytes:
    buf = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()


# ---- PNG ----

@lru_cache(maxsize=16)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT_BOLD if bold else FONT, size, index=SC_INDEX)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Wrap by pixel width; Chinese breaks anywhere, Latin words stay whole where they fit."""
    lines, line = [], ""
    for token in _tokens(text):
        trial = line + token
        if line and draw.textlength(trial, font=font) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line = trial
    if line:
        lines.append(line.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    out, word = [], ""
    for ch in text:
        if ch.isascii() and not ch.isspace():
            word += ch
            continue
        if word:
            out.append(word)
            word = ""
        out.append(ch)
    if word:
        out.append(word)
    return out


def render_png(text: NoticeText, width: int = 1000) -> bytes:
    margin, y = 60, 50
    img = Image.new("RGB", (width, 1500), "white")
    draw = ImageDraw.Draw(img)
    inner = width - 2 * margin

    def para(s: str, size: int, *, bold: bool = False, fill: str = "black", gap: int = 8) -> None:
        nonlocal y
        font = _font(size, bold)
        for ln in _wrap(draw, s, font, inner):
            draw.text((margin, y), ln, font=font, fill=fill)
            y += int(size * 1.35)
        y += gap

    para(f"{text.title_zh}  {text.title_en}", 46, bold=True)
    para(text.hall_zh, 26, fill="#333333", gap=0)
    para(text.hall_en, 22, fill="#555555", gap=18)
    for label, value in text.lines:
        para(f"{label}：{value}", 28, gap=2)
    y += 10
    qr = Image.open(io.BytesIO(qr_png(text.qr, scale=9))).convert("RGB")
    img.paste(qr, ((width - qr.width) // 2, y))
    y += qr.height + 10
    code_font = _font(64, True)
    code_w = draw.textlength(text.code, font=code_font)
    draw.text(((width - code_w) / 2, y), text.code, font=code_font, fill="black")
    y += 90
    para("取件码 Pickup code（可在自助机输入 type it at a kiosk）", 22, fill="#555555", gap=20)
    para("怎样领取 How to collect", 30, bold=True, gap=0)
    para(text.where_zh, 26, gap=0)
    para(text.where_en, 22, fill="#333333", gap=16)
    para("请携带 What to bring", 30, bold=True, gap=0)
    para(text.bring_zh, 26, gap=0)
    para(text.bring_en, 22, fill="#333333", gap=16)
    if text.until_zh:
        para(f"{text.until_zh}  {text.until_en}", 26, bold=True, fill="#b00000")
    img = img.crop((0, 0, width, min(img.height, y + 40)))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


# ---- PDF ----

def render_pdf(text: NoticeText) -> bytes:
    return render_pdf_pages([text])


def render_pdf_pages(texts: list[NoticeText]) -> bytes:
    """One PDF, one notice per A5 page (the desk prints a batch at once); the CJK face is embedded (subset)."""
    pdf = FPDF(format=(148, 210))  # A5 in mm (the named format warns about an old fpdf2 fix)
    pdf.set_auto_page_break(auto=True, margin=10)
    # One face only: fpdf2 parses the whole CJK collection for each face (about a second each).
    pdf.add_font("noto", "", FONT, collection_font_number=SC_INDEX)
    for text in texts:
        _pdf_page(pdf, text)
    return bytes(pdf.output())


def _pdf_page(pdf: FPDF, text: NoticeText) -> None:
    pdf.add_page()
    pdf.set_margins(12, 10, 12)
    pdf.set_xy(12, 10)
    w = pdf.epw

    def para(s: str, size: float, style: str = "", gap: float = 1.0) -> None:
        pdf.set_font("noto", style, size)
        pdf.multi_cell(w, size * 0.5, s, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    para(f"{text.title_zh}  {text.title_en}", 17, "", 1)
    para(f"{text.hall_zh}\n{text.hall_en}", 9, "", 3)
    for label, value in text.lines:
        para(f"{label}：{value}", 10, "", 0)
    pdf.ln(2)
    size = 50
    pdf.image(io.BytesIO(qr_png(text.qr, scale=8)), x=(pdf.w - size) / 2, w=size, h=size)
    pdf.set_font("noto", "", 24)
    pdf.cell(w, 11, text.code, align="C", new_x="LMARGIN", new_y="NEXT")
    para("取件码 Pickup code（可在自助机输入 type it at a kiosk）", 8, "", 3)
    para("怎样领取 How to collect", 12, "", 0)
    para(f"{text.where_zh}\n{text.where_en}", 9, "", 3)
    para("请携带 What to bring", 12, "", 0)
    para(f"{text.bring_zh}\n{text.bring_en}", 9, "", 3)
    if text.until_zh:
        para(f"{text.until_zh}  {text.until_en}", 11, "", 0)
