// Shared by the console, rating, dashboard and board pages: API calls, live events, formatting.
// The session is an HttpOnly cookie that the server sets at sign-in and clears at sign-out; no script
// here can read it. Writes carry the page's CSRF token (meta csrf-token) as X-CSRF-Token.
"use strict";
const Hall = {
  async logout() {
    await Hall.api("POST", "/api/v1/logout");
    location.reload();
  },
  csrf() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : null;
  },
  // fetch wrapper: never throws; answers {ok, status, data}
  async api(method, path, body, headers) {
    const opts = {method, headers: Object.assign({}, headers || {}), credentials: "same-origin"};
    const csrf = Hall.csrf();
    if (csrf && method !== "GET") opts.headers["X-CSRF-Token"] = csrf;
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    try {
      const res = await fetch(path, opts);
      let data = null;
      const type = res.headers.get("Content-Type") || "";
      if (type.includes("json")) data = await res.json();
      if (res.status === 401 && Hall.onUnauthorized && !path.endsWith("/login")) Hall.onUnauthorized(data);
      return {ok: res.ok, status: res.status, data};
    } catch (e) {
      return {ok: false, status: 0, data: {error: "offline", message: "服务器无法连接 Cannot reach the server"}};
    }
  },
  // The page's #message banner ("ok" or "error"), hidden again after `ms` (none: it stays until replaced).
  toast(text, kind, ms) {
    const m = document.getElementById("message");
    m.className = `banner toast banner-${kind}`;
    m.textContent = text;
    clearTimeout(Hall.toast.timer);
    if (ms) Hall.toast.timer = setTimeout(() => m.classList.add("hidden"), ms);
  },
  errorText(r) {
    if (r.status === 0) return "无法连接服务器，请检查网络。Cannot reach the server; check the network.";
    const why = (r.data && r.data.message) || `Error ${r.status}`;
    const zh = {401: "请先登录", 403: "无权进行此操作", 404: "未找到", 409: "当前状态不允许此操作",
                429: "尝试过于频繁，请稍后再试", 503: "服务器繁忙，请稍后再试"}[r.status] || "操作未完成";
    return `${zh}：${why}`;
  },
  // Every kind of event the server logs (staff streams carry them all, in id order).
  KINDS: ["issued", "called", "recalled", "started", "finished", "no_show", "transferred", "cancelled", "requeued",
          "window", "rated", "alert", "appointment", "licence", "followup", "config_changed"],
  // Server-sent events; the browser reconnects by itself (resuming with Last-Event-ID). onEvent(kind, data, id).
  // resync() runs each time the stream opens: what happened before the first open (while the page was
  // loading its state) is not replayed, so the page reads its state again there. When the browser gives up
  // on the stream (an error answer, not a dropped connection) it is opened again after a pause.
  // opts.gaps (staff pages, whose stream carries every event): ids are watched across all kinds and a jump
  // (an event the page never saw) runs resync() too, so the page can apply events instead of refetching.
  live(kinds, onEvent, onStatus, resync, opts) {
    const es = new EventSource("/api/v1/events");
    const gaps = !!(opts && opts.gaps);
    let last = null;
    const watched = gaps ? [...new Set([...Hall.KINDS, ...kinds])] : kinds;
    for (const k of watched) {
      es.addEventListener(k, (ev) => {
        const id = parseInt(ev.lastEventId, 10);
        const jumped = gaps && last !== null && id > last + 1;
        if (gaps && !isNaN(id)) last = Math.max(last === null ? id : last, id);
        if (jumped) { if (resync) resync("gap"); return; }
        if (!kinds.includes(k)) return;
        let data = {};
        try { data = JSON.parse(ev.data); } catch (e) { /* keep {} */ }
        onEvent(k, data, id);
      });
    }
    es.onopen = () => {
      if (onStatus) onStatus(true);
      if (resync) resync("open");
    };
    es.onerror = () => {
      if (onStatus) onStatus(false);
      if (es.readyState === EventSource.CLOSED) setTimeout(() => Hall.live(kinds, onEvent, onStatus, resync, opts), 2000);
    };
    return es;
  },
  // "3 分钟前 3 min ago" from an ISO time and the server's clock offset (ms).
  ago(iso, offsetMs) {
    if (!iso) return ["", ""];
    const s = Math.max(0, (Date.now() + (offsetMs || 0) - new Date(iso).getTime()) / 1000);
    if (s < 60) return ["刚刚", "just now"];
    const m = Math.round(s / 60);
    if (m < 60) return [`${m} 分钟前`, `${m} min ago`];
    const h = Math.floor(m / 60), r = m % 60;
    return [`${h} 小时${r ? ` ${r} 分钟` : ""}前`, `${h} h${r ? ` ${r} min` : ""} ago`];
  },
  hm(iso) {
    if (!iso) return "";
    return new Date(iso).toLocaleTimeString("zh-CN", {hour12: false, hour: "2-digit", minute: "2-digit", timeZone: Hall.tz});
  },
  esc(text) {
    return String(text === null || text === undefined ? "" : text).replace(/[&<>"']/g,
      (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
  },
  dur(seconds) {
    if (seconds === null || seconds === undefined || isNaN(seconds)) return "–";
    const s = Math.max(0, Math.round(seconds));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const two = (n) => String(n).padStart(2, "0");
    return h ? `${h}:${two(m)}:${two(r)}` : `${m}:${two(r)}`;
  },
  minutes(seconds) {
    if (seconds === null || seconds === undefined) return "–";
    return `${Math.round(seconds / 60)}`;
  },
  pct(rate) {
    return rate === null || rate === undefined ? "–" : `${(rate * 100).toFixed(1)}%`;
  },
  onUnauthorized: null,  // pages with a sign-in set this (e.g. reload to the sign-in form when a session expires)
  tz: undefined,  // the hall's time zone once a page has read GET /api/v1/hall
  time(iso) {
    if (!iso) return "";
    return new Date(iso).toLocaleString("zh-CN", {hour12: false, month: "2-digit", day: "2-digit", hour: "2-digit",
                                                  minute: "2-digit", timeZone: Hall.tz});
  },
  clock(offsetMs) {  // offsetMs: the server's clock ahead of this device's (pages that know it)
    return new Date(Date.now() + (offsetMs || 0)).toLocaleTimeString("zh-CN", {hour12: false, timeZone: Hall.tz});
  },
  // "2026-11-22 星期日 Sun" in the hall's time zone (the browser's until a page sets Hall.tz).
  date() {
    const parts = {};
    for (const p of new Intl.DateTimeFormat("en-CA", {year: "numeric", month: "2-digit", day: "2-digit",
                                                      weekday: "short", timeZone: Hall.tz}).formatToParts(new Date())) {
      parts[p.type] = p.value;
    }
    const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    return `${parts.year}-${parts.month}-${parts.day} 星期${"日一二三四五六".charAt(days.indexOf(parts.weekday))} ${parts.weekday}`;
  },
  debounce(fn, ms) {
    let t = null;
    return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
  },
  STATES: {
    open: ["在岗", "Open"], paused: ["暂停", "Paused"], closed: ["关闭", "Closed"],
    waiting: ["等待中", "Waiting"], transferred: ["已转办", "Transferred"], called: ["已叫号", "Called"],
    serving: ["办理中", "Serving"], done: ["已办结", "Done"], no_show: ["过号", "No-show"],
    cancelled: ["已取消", "Cancelled"],
  },
  state(code) {
    const s = Hall.STATES[code];
    return s ? `${s[0]} ${s[1]}` : code;
  },
};
