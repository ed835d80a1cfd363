"""A case slip as PDF (A5, Noto Sans CJK), for windows without a receipt printer and for the records."""

from __future__ import annotations

import io

from fpdf import FPDF

from queue_server.cases.slips import Slip
from queue_server.pickups.notice import FONT, SC_INDEX, qr_png


def render_pdf(slip: Slip) -> bytes:
    pdf = FPDF(format=(148, 210))
    pdf.set_auto_page_break(auto=True, margin=10)
    pdf.add_font("noto", "", FONT, collection_font_number=SC_INDEX)
    pdf.add_page()
    pdf.set_margins(12, 10, 12)
    w = pdf.epw

    def para(s: str, size: float, gap: float = 1.0) -> None:
        pdf.set_font("noto", "", size)
        pdf.multi_cell(w, size * 0.5, s, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    para(f"{slip.title_zh}  {slip.title_en}", 17, 1)
    para(f"{slip.hall_zh}\n{slip.hall_en}", 9, 3)
    for line in slip.lines:
        para(line, 10, 0.5)
    if slip.qr:
        pdf.ln(2)
        size = 40
        pdf.image(io.BytesIO(qr_png(slip.qr, scale=6)), x=(pdf.w - size) / 2, w=size, h=size)
        para(slip.qr_caption, 8, 2)
    if slip.signature:
        pdf.ln(6)
        para("申请人签字 Signature: ____________________    日期 Date: ____________", 10)
    return bytes(pdf.output())
