/* Wall board and window screen: fold /api/v1/board snapshots and /api/v1/events into the page.
   The same rules as display/presenter.py: every event id is folded in once; a recall is a new event. */
(function () {
  "use strict";
  var body = document.body;
  var mode = body.dataset.mode;                       // "board" | "window"
  var zonesParam = body.dataset.zones || "";
  var windowNo = body.dataset.window ? parseInt(body.dataset.window, 10) : null;
  var history = parseInt(body.dataset.history || "8", 10);
  var FLASH_MS = 6000, REFRESH_DEBOUNCE_MS = 2000, REFRESH_EVERY_MS = 30000, RETRY_MS = 2000;
  var QUEUE_KINDS = ["issued", "called", "cancelled", "requeued", "transferred", "finished", "no_show"];
  var KINDS = QUEUE_KINDS.concat(["recalled", "started", "window", "alert"]);

  var state = {calls: [], zones: [], windows: {}, zoneFilter: null, lastId: 0, seen: {}, online: false,
               flashUntil: 0, synced: false};
  // First time each ticket number reached the page (for tests and the latency benchmark).
  window.boardShown = {};
  window.boardState = state;

  function $(id) { return document.getElementById(id); }
  function snapshotUrl() {
    var q = [];
    if (zonesParam) q.push("zones=" + encodeURIComponent(zonesParam));
    if (windowNo !== null) q.push("windows=" + windowNo);
    return "/api/v1/board" + (q.length ? "?" + q.join("&") : "");
  }
  function minutes(s) { return s > 0 ? Math.max(1, Math.round(s / 60)) : 0; }
  function waitZh(z) {
    return z.waiting === 0 ? "无需等候" : z.estimated_wait_s > 0 ? "约 " + minutes(z.estimated_wait_s) + " 分钟" : "稍候";
  }
  function waitEn(z) {
    return z.waiting === 0 ? "no wait" : z.estimated_wait_s > 0 ? "~" + minutes(z.estimated_wait_s) + " min" : "shortly";
  }
  function callWanted(c) {
    if (windowNo !== null && c.window !== windowNo) return false;
    return !state.zoneFilter || state.zoneFilter.indexOf(c.zone) >= 0;
  }

  // ---- folding ----
  function resync(snap) {
    state.hall = snap.hall || {};
    state.zones = snap.zones || [];
    if (zonesParam) state.zoneFilter = state.zones.map(function (z) { return z.zone; });
    state.windows = {};
    (snap.windows || []).forEach(function (w) {
      if (windowNo === null || w.number === windowNo) state.windows[w.number] = w;
    });
    var snapLast = snap.last_event_id || 0;
    var newerLive = state.calls.filter(function (c) { return c.id > snapLast; });
    var incoming = (snap.calls || []).filter(callWanted);
    var fresh = incoming.filter(function (c) { return !state.seen[c.id]; });
    incoming.forEach(function (c) { state.seen[c.id] = true; });
    var byId = {};
    incoming.concat(newerLive).forEach(function (c) { byId[c.id] = c; });
    var oldTop = state.calls.length ? state.calls[0].id : null;
    state.calls = Object.keys(byId).map(function (k) { return byId[k]; })
      .sort(function (a, b) { return b.id - a.id; }).slice(0, history + 1);
    if (state.synced && fresh.length && state.calls.length && state.calls[0].id !== oldTop) {
      state.flashUntil = Date.now() + FLASH_MS;
    }
    state.lastId = Math.max(state.lastId, snapLast);
    state.synced = true;
    render();
  }

  function apply(id, kind, data) {
    if (state.seen[id]) return;
    state.seen[id] = true;
    state.lastId = Math.max(state.lastId, id);
    var ticket = data.ticket || {}, win = data.window, changed = false;
    var waiting = data.waiting || {};
    state.zones.forEach(function (z) {
      if (waiting.hasOwnProperty(z.zone) && waiting[z.zone] !== z.waiting) {
        var pace = z.waiting ? z.estimated_wait_s / z.waiting : 0;
        z.estimated_wait_s = pace ? Math.round(pace * waiting[z.zone]) : (waiting[z.zone] ? z.estimated_wait_s : 0);
        z.waiting = waiting[z.zone];
        changed = true;
      }
    });
    if ((kind === "called" || kind === "recalled") && ticket.number) {
      var call = {id: id, kind: kind, number: ticket.number, zone: ticket.zone, window: win, at: data.at};
      if (callWanted(call)) {
        state.calls.unshift(call);
        state.calls = state.calls.slice(0, history + 1);
        state.flashUntil = Date.now() + FLASH_MS;
        changed = true;
      }
    }
    if (typeof win === "number" && (windowNo === null || win === windowNo)) {
      var w = state.windows[win];
      if (w || !state.zoneFilter) {
        w = w || {number: win, state: "open", ticket: null, pause_reason: null};
        if (kind === "called" || kind === "recalled") { w.ticket = ticket.number; w.state = "open"; }
        else if (kind === "finished" || kind === "no_show" || kind === "transferred") { w.ticket = null; }
        else if (kind === "window" && data.state) {
          w.state = data.state;
          w.pause_reason = data.state === "paused" ? data.pause_reason : null;
          if (data.state === "closed") w.ticket = null;
        }
        state.windows[win] = w;
        changed = true;
      }
    }
    if (changed) render();
    if (QUEUE_KINDS.indexOf(kind) >= 0 || kind === "window") requestRefresh(false);
  }

  // ---- drawing ----
  function text(id, value) { var el = $(id); if (el && el.textContent !== value) el.textContent = value; }
  function markShown(number) { if (number && !window.boardShown[number]) window.boardShown[number] = Date.now(); }

  function render() {
    var off = $("offline");
    off.hidden = state.online;
    body.dataset.online = state.online ? "1" : "0";
    body.classList.toggle("flashing", Date.now() < state.flashUntil);
    if (mode === "window") renderWindow(); else renderBoard();
    fitAll();
  }

  function renderBoard() {
    var c = state.calls[0];
    text("current-number", c ? c.number : "—");
    text("current-window", c ? c.window + " 号窗口 Window " + c.window : "请留意叫号 Please wait for your number");
    text("current-zh", c ? "请 " + c.number + " 号到 " + c.window + " 号窗口办理" : "");
    text("current-en", c ? "Number " + c.number + ", please go to window " + c.window : "");
    $("recall-tag").hidden = !(c && c.kind === "recalled");
    if (c) markShown(c.number);
    var list = $("recent");
    var rows = state.calls.slice(1, history + 1).map(function (r) {
      markShown(r.number);
      return '<li class="recent-row"><span class="r-number fit">' + esc(r.number) + '</span><span class="r-window fit">→ ' +
        esc(String(r.window)) + ' 号窗口 Window ' + esc(String(r.window)) + (r.kind === "recalled" ? " 重呼" : "") + "</span></li>";
    });
    while (rows.length < history) rows.push('<li class="recent-row empty"></li>');
    var html = rows.join("");
    if (list.innerHTML !== html) list.innerHTML = html;
    list.style.setProperty("--n", String(history));
    list.style.setProperty("--half", String(Math.ceil(history / 2)));
    var zones = $("zones");
    zones.dataset.count = String(state.zones.length);
    var zhtml = state.zones.map(function (z) {
      return '<div class="zone" data-zone="' + esc(z.zone) + '"><div class="z-name fit">' + esc(z.prefix) + " " +
        esc(z.name_zh) + '</div><div class="z-en fit">' + esc(z.name_en) + '</div><div class="z-wait fit">' +
        esc(waitZh(z)) + ' · ' + esc(waitEn(z)) + '</div><div class="z-count"><span class="z-n">' + z.waiting +
        '</span><span class="z-unit">人等候 waiting</span></div></div>';
    }).join("");
    if (zones.innerHTML !== zhtml) zones.innerHTML = zhtml;
  }

  function renderWindow() {
    var w = state.windows[windowNo] || {state: "closed", ticket: null};
    var main = $("ws-main");
    main.dataset.state = w.state;
    if (w.state === "paused") {
      text("ws-number", "暂停服务 / Paused");
      text("ws-zh", w.pause_reason && w.pause_reason !== "暂停服务 Paused" ? w.pause_reason : "请到其他窗口办理");
      text("ws-en", "Please go to another window");
    } else if (w.state === "closed") {
      text("ws-number", "—");
      text("ws-zh", "本窗口暂未开放");
      text("ws-en", "This window is closed");
    } else if (w.ticket) {
      text("ws-number", w.ticket);
      text("ws-zh", "请 " + w.ticket + " 号到本窗口办理");
      text("ws-en", "Number " + w.ticket + ", please come to this window");
      markShown(w.ticket);
    } else {
      text("ws-number", "—");
      text("ws-zh", "请等候叫号");
      text("ws-en", "Please wait for your number");
    }
  }

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (ch) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[ch];
    });
  }

  // Long names: shrink the font until the text fits its box (CSS ellipsis is the last resort).
  function fitAll() {
    var els = document.querySelectorAll(".fit");
    for (var i = 0; i < els.length; i++) fit(els[i]);
  }
  function fit(el) {
    el.style.fontSize = "";
    var size = parseFloat(getComputedStyle(el).fontSize), min = size * 0.45;
    var n = 0;
    // Width only: CJK fonts' tall ascenders overflow their line box vertically by design.
    while (el.scrollWidth > el.clientWidth + 1 && size > min && n++ < 30) {
      size *= 0.92;
      el.style.fontSize = size + "px";
    }
  }
  window.addEventListener("resize", fitAll);

  function tick() {
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    if ($("clock")) {
      text("clock", pad(now.getHours()) + ":" + pad(now.getMinutes()) + ":" + pad(now.getSeconds()));
      text("date", now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()) + " 星期" +
        "日一二三四五六".charAt(now.getDay()) + " " + ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][now.getDay()]);
    }
    body.classList.toggle("flashing", Date.now() < state.flashUntil);
  }

  // ---- network ----
  var source = null, refreshTimer = null, firstOpen = true;

  function setOnline(up) {
    if (state.online !== up) { state.online = up; render(); }
  }

  function fetchSnapshot() {
    return fetch(snapshotUrl(), {cache: "no-store"}).then(function (r) {
      if (!r.ok) throw new Error("board " + r.status);
      return r.json();
    });
  }

  function requestRefresh(now) {
    if (refreshTimer) return;
    refreshTimer = setTimeout(function () {
      fetchSnapshot().then(resync).catch(function () {}).then(function () { refreshTimer = null; });
    }, now ? 0 : REFRESH_DEBOUNCE_MS);
  }

  function connect() {
    fetchSnapshot().then(function (snap) {
      resync(snap);
      openStream();
    }).catch(function () {
      setOnline(false);
      setTimeout(connect, RETRY_MS);
    });
  }

  function openStream() {
    if (source) source.close();
    source = new EventSource("/api/v1/events?last_event_id=" + state.lastId);
    KINDS.forEach(function (kind) {
      source.addEventListener(kind, function (e) {
        apply(parseInt(e.lastEventId, 10), kind, e.data ? JSON.parse(e.data) : {});
      });
    });
    source.onopen = function () {
      setOnline(true);
      if (!firstOpen) fetchSnapshot().then(resync).catch(function () {});  // resync after a reconnect
      firstOpen = false;
    };
    source.onerror = function () {
      setOnline(false);
      if (source.readyState === EventSource.CLOSED) {  // the browser gave up: start over ourselves
        source = null;
        setTimeout(connect, RETRY_MS);
      }
    };
  }

  tick();
  setInterval(tick, 250);
  setInterval(function () { if (state.online) requestRefresh(true); }, REFRESH_EVERY_MS);
  render();
  connect();
})();
