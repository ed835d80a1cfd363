// The wait rule of queue_server/core/waits.py, for pages that recompute waits between snapshots.
// Both are tested against tests/cases/waits.json: change them together.
"use strict";
const HallWaits = {
  duration(seconds) {
    const minutes = Math.max(1, Math.floor((seconds + 30) / 60));
    const hours = Math.floor(minutes / 60), rest = minutes % 60;
    if (!hours) return [`约 ${minutes} 分钟`, `about ${minutes} min`];
    return [`约 ${hours} 小时` + (rest ? ` ${rest} 分钟` : ""), `about ${hours} h` + (rest ? ` ${rest} min` : "")];
  },
  // [zh, en] for a ticket with `ahead` before it; idle: a serving window stands idle; open: one is open.
  phrase(ahead, seconds, idle, open) {
    if (seconds === null || seconds === undefined) return ["—", "—"];
    if (!open) return ["暂无窗口办理", "no window open"];
    if (ahead <= 0 && idle) return ["无需等候", "no wait"];
    if (seconds < 60) return ["即将叫号", "called soon"];
    const [zh, en] = HallWaits.duration(seconds);
    return ahead <= 0 ? [`下一位 · ${zh}`, `next · ${en}`] : [zh, en];
  },
  // A zone of GET /api/v1/board (ahead: its waiting count).
  ofZone(z) {
    return HallWaits.phrase(z.waiting || 0, z.estimated_wait_s, (z.idle_windows || 0) > 0,
                            (z.open_windows === undefined ? 1 : z.open_windows) > 0);
  },
};
