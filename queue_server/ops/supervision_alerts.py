"""Alerts the server works out from the live hall: waits over target, windows paused too long, no-show spikes.

Pure: takes plain figures, returns alert dicts in Chinese and English, worst first.
"""

from __future__ import annotations

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
    "help": ("自助机请求协助", "Help requested"),
    "printer_paper_out": ("打印机缺纸", "Printer out of paper"),
    "printer_offline": ("打印机离线", "Printer offline"),
    "printer_ok": ("打印机恢复", "Printer OK"),
    "camera_missing": ("扫码摄像头缺失", "Camera missing"),
    "device_error": ("设备故障", "Device error"),
    "storage_recovered": ("数据存储曾中断", "Storage was interrupted"),
    "shipping_stopped": ("向市级中心同步已停止", "Shipping to the city stopped"),
}


def device_alert(row: dict) -> dict:
    zh, en = DEVICE_ALERT_TEXT.get(row["kind"], (row["kind"], row["kind"]))
    level = "red" if row["kind"] in ("help", "printer_paper_out", "printer_offline", "shipping_stopped") else "amber"
    message = row.get("message") or ""
    mzh, _, men = message.partition(" / ")  # the server's own alerts say it in both languages
    return {"kind": row["kind"], "level": level, "id": row["id"], "at": row["at"], "source": row["source"],
            "zh": f"{zh}：{row['source']} {mzh}".strip(),
            "en": f"{en}: {row['source']} {men or message}".strip()}
