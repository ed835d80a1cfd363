"""Alerts the server works out from the live hall: waits over target, windows paused too long, no-show spikes.

Pure: takes plain figures, returns alert dicts in Chinese and English, worst first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

PAUSED_TOO_LONG_S = 15 * 60
NO_SHOW_SPIKE_MIN = 3  # no-shows within the look-back before a spike is flagged …
NO_SHOW_SPIKE_RATE = 0.3  # … and at least this share of the tickets called in it
NO_SHOW_LOOKBACK_S = 30 * 60


@dataclass(frozen=True)
class CallCounts:
    called: int
    no_shows: int


def computed_alerts(zones: list[dict], windows: list[dict], now_s: float,
                    no_shows_by_window: dict[int, CallCounts]) -> list[dict]:
    out = []
    for z in zones:
        if z["waiting"] and z["oldest_wait_s"] > z["target_wait_s"]:
            over = round((z["oldest_wait_s"] - z["target_wait_s"]) / 60)
            out.append({"kind": "wait_over_target", "level": "red", "zone": z["zone"],
                        "zh": f"{z['name_zh']}：最久等待已超目标 {over} 分钟（{z['waiting']} 人在等）",
                        "en": f"{z['name_en']}: oldest wait {over} min over target ({z['waiting']} waiting)"})
    for w in windows:
        if w["state"] == "paused" and w.get("state_since_s") is not None:
            paused = now_s - w["state_since_s"]
            if paused > PAUSED_TOO_LONG_S:
                mins, why = round(paused / 60), w.get("pause_reason") or ""
                out.append({"kind": "paused_too_long", "level": "amber", "window": w["number"],
                            "zh": f"{w['number']}号窗口已暂停 {mins} 分钟（{why}）",
                            "en": f"Window {w['number']} paused for {mins} min"})
    for number, c in sorted(no_shows_by_window.items()):
        if c.no_shows >= NO_SHOW_SPIKE_MIN and c.called and c.no_shows / c.called >= NO_SHOW_SPIKE_RATE:
            out.append({"kind": "no_show_spike", "level": "amber", "window": number,
                        "zh": f"{number}号窗口半小时内过号 {c.no_shows} 次（共叫 {c.called} 次），请检查叫号广播",
                        "en": f"Window {number}: {c.no_shows} no-shows of {c.called} calls in 30 min;"
                              " check the calling"})
    order = {"red": 0, "amber": 1}
    return sorted(out, key=lambda a: order.get(a["level"], 2))


DEVICE_ALERT_TEXT = {
    "help": ("群众请求帮办", "A citizen asks for help"),
    "printer_paper_out": ("打印机缺纸", "Printer out of paper"),
    "printer_offline": ("打印机离线", "Printer offline"),
    "printer_ok": ("打印机恢复", "Printer OK"),
    "camera_missing": ("扫码摄像头不可用", "QR camera not available"),
    "device_error": ("设备故障", "Device error"),
    "storage_recovered": ("数据存储曾中断", "Storage was interrupted"),
    "shipping_stopped": ("向市级中心同步已停止", "Shipping to the city stopped"),
    "catalogue_zone_missing": ("市级事项目录有本厅缺少的板块", "The city's catalogue needs a zone this hall lacks"),
    "catalogue_refused": ("市级事项目录未能应用", "The city's catalogue could not be applied"),
}
# Kinds whose own words say everything: the device's message (often "<device>: the same words", or a camera
# name such as "none") is not shown. A help request keeps a message of its own, not the kiosk's stock words.
SELF_EXPLAINED = frozenset({"printer_paper_out", "printer_ok", "camera_missing"})
STOCK_HELP = ("帮办", "asks for help")
# The hall's own services that raise alerts, named for a reader (any other source is a device).
SERVICE_SOURCES = {"server": ("服务器 server", "Server server"), "shipper": ("市级同步 shipper", "City link shipper"),
                   "catalogue": ("市级事项目录", "City catalogue")}
RED_KINDS = frozenset({"help", "printer_paper_out", "printer_offline", "shipping_stopped"})
KIND_ORDER = ("help", "printer_paper_out", "printer_offline", "shipping_stopped", "device_error", "camera_missing",
              "storage_recovered", "catalogue_refused", "catalogue_zone_missing")


def clean_message(source: str, message: str) -> tuple[str, str]:
    """A device's message as (zh, en) without its own name in front (kiosks prefix it, sometimes twice)."""
    text = (message or "").strip()
    prefix = f"{source}:"
    while source and text.startswith(prefix):
        text = text[len(prefix):].strip()
    zh, sep, en = text.partition(" / ")  # the hall's own messages say it in both languages
    return (zh.strip(), en.strip()) if sep else (text, text)


def device_alert(row: dict) -> dict:
    """One open device alert, in clean words: what is wrong (and the device's detail only where it adds one)."""
    zh, en = DEVICE_ALERT_TEXT.get(row["kind"], (row["kind"], row["kind"]))
    mzh, men = ("", "") if row["kind"] in SELF_EXPLAINED else clean_message(row["source"], row.get("message") or "")
    if row["kind"] == "help" and any(w in mzh + men for w in STOCK_HELP):
        mzh, men = "", ""
    try:
        taken_by = json.loads(row.get("data") or "{}").get("taken_by")
    except (ValueError, AttributeError):
        taken_by = None
    zh, en = (f"{zh}（{mzh}）" if mzh else zh), (f"{en} ({men})" if men else en)
    if taken_by:  # someone said "我去处理" on a console
        zh, en = f"{zh}，{taken_by} 已前往处理", f"{en}, {taken_by} is on it"
    return {"kind": row["kind"], "level": "red" if row["kind"] in RED_KINDS else "amber", "id": row["id"],
            "at": row["at"], "source": row["source"], "taken_by": taken_by, "zh": zh, "en": en}


def device_lines(rows: list[dict]) -> list[dict]:
    """Open device alerts folded to one line per device: its troubles, worst first, since the earliest and
    as of the latest; `ids` resolves them all at once. Red lines before amber, then the newest first."""
    by_source: dict[str, list[dict]] = {}
    for r in rows:
        by_source.setdefault(r["source"], []).append(device_alert(r))
    out = []
    for source, alerts in by_source.items():
        alerts.sort(key=lambda a: KIND_ORDER.index(a["kind"]) if a["kind"] in KIND_ORDER else len(KIND_ORDER))
        seen: dict[str, dict] = {}
        for a in alerts:  # the same trouble reported twice is one
            seen.setdefault(a["kind"], a)
        kinds = list(seen.values())
        device, device_en = SERVICE_SOURCES.get(source, ("设备 " + source, "Device " + source))
        out.append({
            "kind": kinds[0]["kind"], "kinds": [a["kind"] for a in kinds], "level": kinds[0]["level"],
            "id": max(a["id"] for a in alerts), "ids": sorted(a["id"] for a in alerts), "source": source,
            "at": max(a["at"] for a in alerts), "since": min(a["at"] for a in alerts),
            "zh": f"{device}：" + "；".join(a["zh"] for a in kinds),
            "en": f"{device_en}: " + "; ".join(a["en"] for a in kinds),
        })
    out.sort(key=lambda line: line["at"], reverse=True)
    return sorted(out, key=lambda line: line["level"] != "red")  # stable: newest first within a level
