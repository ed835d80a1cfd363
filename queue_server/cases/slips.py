"""What the window prints for a case: the 受理回执 (receipt with the progress QR), the 容缺受理承诺书 (pledge with
the supply deadline) and the 一次性告知单 (one-time notice of what is missing). Pure text: the same slip goes to
the window's receipt printer (printing.py) and into a PDF (slip_pdf.py)."""

from __future__ import annotations

from dataclasses import dataclass

from queue_server.cases.states import LABELS


@dataclass(frozen=True)
class Slip:
    kind: str  # "receipt" | "pledge" | "notice"
    title_zh: str
    title_en: str
    hall_zh: str
    hall_en: str
    lines: tuple[str, ...]  # printed left-aligned, one item a line
    qr: str = ""  # the progress lookup URL (receipt only)
    qr_caption: str = ""
    signature: bool = False  # a line for the applicant's signature


def _mask_name(name: str | None) -> str:
    if not name:
        return "—"
    return name[:1] + "*" * max(1, len(name) - 1)


def _materials(items: list[dict]) -> list[str]:
    return [f"  {i}. {m['zh']} {m['en']}" for i, m in enumerate(items, start=1)]


def receipt(case: dict, *, hall_zh: str, hall_en: str, promised_days: int, url: str, pickup_zh: str,
            pickup_en: str) -> Slip:
    """`case`: store.staff_view of an accepted case."""
    zh, en = LABELS[case["state"]]
    lines = [
        f"受理编号 Case no.: {case['case_no']}",
        f"事项 Matter: {case['matter_zh']}", f"  {case['matter_en']}",
        f"申请人 Applicant: {_mask_name(case['applicant_name'])}  {case['id_masked'] or ''}".rstrip(),
        f"受理时间 Accepted: {case['accepted_day']}  窗口 Window {case['window']}",
        f"承诺时限 Time limit: {promised_days} 个工作日 working days",
        f"承诺办结日期 Due by: {case['due_day']}",
        f"状态 State: {zh} {en}",
        "已收材料 Materials received:", *_materials(case["provided"]),
    ]
    if case["missing_aux"]:
        lines += [f"待补正材料（{case['supply_due_day']}前补齐）To supply by {case['supply_due_day']}:",
                  *_materials(case["missing_aux"])]
    lines += [f"办结后领取 Collect at: {pickup_zh} {pickup_en}",
              "凭短信取件码到自助机取号领取 Use the pickup code texted to you at a kiosk"]
    return Slip("receipt", "受理回执", "Acceptance receipt", hall_zh, hall_en, tuple(lines), qr=url,
                qr_caption="扫码或在自助机“办件查询”查看进度 Scan to follow your case")


def pledge(case: dict, *, hall_zh: str, hall_en: str) -> Slip:
    lines = [
        f"受理编号 Case no.: {case['case_no']}",
        f"事项 Matter: {case['matter_zh']} {case['matter_en']}",
        f"本人承诺于 {case['supply_due_day']} 前补齐以下材料：",
        f"I promise to supply these materials by {case['supply_due_day']}:",
        *_materials(case["missing_aux"]),
        "逾期未补齐的，承担相应责任，已作出的决定可依法撤销。",
        "If I do not, the decision may be withdrawn as the law provides.",
    ]
    return Slip("pledge", "容缺受理承诺书", "Pledge to supply materials", hall_zh, hall_en, tuple(lines),
                signature=True)


def notice(cases: list[dict], *, hall_zh: str, hall_en: str, reason_zh: str, reason_en: str) -> Slip:
    """One notice for a refusal (all matters of the ticket): exactly what is missing, nothing else to guess."""
    first = cases[0]
    lines = [f"编号 No.: {first['case_no']}", f"日期 Date: {first['accepted_day']}  窗口 Window {first['window']}",
             f"不予受理原因 Reason: {reason_zh} {reason_en}"]
    if first.get("refusal_note"):
        lines.append(f"说明 Note: {first['refusal_note']}")
    for c in cases:
        missing = c["missing_main"] + c["missing_aux"]
        lines.append(f"事项 Matter: {c['matter_zh']} {c['matter_en']}")
        if missing:
            lines += ["还需提交以下材料 Please bring:", *_materials(missing)]
        else:
            lines.append("材料齐全 Materials complete")
    lines += ["材料备齐后可到任一综合窗口办理，无需重新咨询。",
              "Bring them to any comprehensive window; you need not ask again."]
    return Slip("notice", "一次性告知单", "One-time notice", hall_zh, hall_en, tuple(lines))
