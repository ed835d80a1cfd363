"""The dashboard's "problems now": what is wrong in the hall, worst first, each with the action that fixes it.

Pure: takes the live figures (zones, windows, device alert lines, balancing proposals) and returns a ranked
list. The rank (`score`) orders kinds first, then how bad each one is:

1. a zone with people waiting and no open window serving it (nobody will ever be called): 1000 + waiting;
2. a kiosk's help request: 900;
3. a printer out of paper or offline (nobody can take a number there): 800;
4. a call not answered for STALE_CALL_S (the window should recall or mark a no-show): 500 + minutes;
5. zones whose estimate is over target, by estimate ÷ target (80 min against 10 is 8.0, far above 23 against
   20 at 1.15): 100 × ratio;
6. other device trouble (camera, device error, storage that was interrupted): 50;
7. a kiosk or wall display that dropped off (no event stream for minutes): 700 + minutes, after the printers.
"""

from __future__ import annotations

STALE_CALL_S = 5 * 60


def _move_for(zone: str, proposals: list[dict]) -> dict | None:
    p = next((p for p in proposals if p["to_zone"] == zone), None)
    if p is None:
        return None
    return {"kind": "accept_move", "window": p["window"], "zones": p["to_zones"],
            "zh": f"采纳：{p['window']}号窗口改办此板块", "en": f"Accept: window {p['window']} serves it"}


def _open_window(zone: str) -> dict:
    return {"kind": "open_window", "zone": zone, "zh": "调派窗口", "en": "Assign a window"}


def problems(zones: list[dict], windows: list[dict], device_lines: list[dict], proposals: list[dict],
             now_s: float, offline: list[dict] = ()) -> list[dict]:
    """`offline`: the kiosks and displays that dropped off today (core/device_presence.py)."""
    out: list[dict] = []
    for z in zones:
        if not z["waiting"]:
            continue
        name_zh, name_en, n = z["name_zh"], z["name_en"], z["waiting"]
        if not z.get("open_windows"):
            out.append({"kind": "no_window", "score": 1000 + n, "level": "red", "zone": z["zone"],
                        "zh": f"{name_zh}：{n} 人等候，没有开放的窗口办理",
                        "en": f"{name_en}: {n} waiting and no open window serves it",
                        "action": _move_for(z["zone"], proposals) or _open_window(z["zone"])})
            continue
        target = max(1, z["target_wait_s"])
        ratio = z["estimated_wait_s"] / target
        if ratio > 1:
            est, tgt = round(z["estimated_wait_s"] / 60), round(target / 60)
            out.append({"kind": "over_target", "score": round(100 * ratio, 1), "ratio": round(ratio, 1),
                        "level": "red" if ratio >= 2 else "amber", "zone": z["zone"],
                        "zh": f"{name_zh}：预计等待 {est} 分钟，目标 {tgt} 分钟（{ratio:.1f} 倍），{n} 人等候",
                        "en": f"{name_en}: estimate {est} min against a {tgt}-min target ({ratio:.1f}×), {n} waiting",
                        "action": _move_for(z["zone"], proposals) or _open_window(z["zone"])})
    for w in windows:
        t = w.get("ticket")
        if not t or t["state"] != "called" or not w.get("called_at_s"):
            continue
        waited = now_s - w["called_at_s"]
        if waited >= STALE_CALL_S:
            mins = round(waited / 60)
            out.append({"kind": "stale_call", "score": 500 + mins, "level": "amber", "window": w["number"],
                        "zh": f"{w['number']}号窗口：{t['number']} 叫号已 {mins} 分钟仍未开始办理（请重呼或过号）",
                        "en": f"Window {w['number']}: {t['number']} called {mins} min ago and not started"
                              " (recall or mark a no-show)",
                        "action": {"kind": "show_window", "window": w["number"],
                                   "zh": "查看窗口", "en": "Show window"}})
    for line in device_lines:
        kinds = set(line["kinds"])
        if "help" in kinds:
            score, action = 900, {"kind": "resolve", "ids": line["ids"], "zh": "已处理", "en": "Mark done"}
        elif kinds & {"printer_paper_out", "printer_offline"}:
            score, action = 800, {"kind": "resolve", "ids": line["ids"], "zh": "已加纸/已修复", "en": "Fixed"}
        elif line["kind"] == "storage_recovered":
            continue  # a past outage, not a problem now: it stays in the alerts list
        else:
            score, action = 50, {"kind": "resolve", "ids": line["ids"], "zh": "已修复", "en": "Fixed"}
        out.append({"kind": "device", "score": score, "level": line["level"], "source": line["source"],
                    "at": line["since"], "zh": line["zh"], "en": line["en"], "action": action})
    for d in offline:
        mins = round((now_s - d["since_s"]) / 60)
        what_zh, what_en = ("自助机", "Kiosk") if d["kind"] == "kiosk" else ("显示屏", "Display")
        where_zh = f"（{d['window']}号窗口旁）" if d.get("window") else ""
        where_en = f" (by window {d['window']})" if d.get("window") else ""
        out.append({"kind": "device_offline", "score": 700 + min(mins, 99), "level": "red", "source": d["name"],
                    "zh": f"{what_zh} {d['name']}{where_zh}离线已 {mins} 分钟，请检查电源和网络",
                    "en": f"{what_en} {d['name']}{where_en} offline for {mins} min: check its power and network",
                    "action": None})
    return sorted(out, key=lambda p: -p["score"])
