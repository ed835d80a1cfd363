"""The city's day as a table (CSV and xlsx): one row per hall and zone."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

HEADER = ("区域 region", "大厅 hall", "编码 code", "日期 day", "板块 zone", "等候 waiting", "预计 estimate_s",
          "P90 等候 p90_wait_s", "目标 target_s", "超目标 over_target", "开窗 windows_open", "满意率 satisfaction_%",
          "差评待办 followups_open", "差评超期 followups_overdue", "未到 no_shows", "设备告警 devices_alerting",
          "最新事件 last_event_at", "延迟 lag_s")


def rows(days: list[dict]) -> list[list]:
    out = []
    for h in days:
        for z in h["zones"] or [{}]:
            out.append([h["region"], h["name"], h["code"], h["day"], z.get("code"), z.get("waiting"),
                        z.get("estimate_s"), z.get("p90_wait_s"), z.get("target_s"), z.get("over_target"),
                        h["windows_open"], h["satisfaction"], h["followups_open"], h["followups_overdue"],
                        h["no_shows"], h["devices_alerting"], h["last_event_at"], h["lag_s"]])
    return out


def to_csv(days: list[dict]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEADER)
    w.writerows(rows(days))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # the BOM lets spreadsheet programs read the Chinese


def to_xlsx(days: list[dict]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "city"
    ws.append(HEADER)
    for r in rows(days):
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
