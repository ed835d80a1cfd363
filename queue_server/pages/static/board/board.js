/* Wall board and window screen: draw what HallBoardFold (board_fold.js) folds from /api/v1/board snapshots and
   /api/v1/events. The stream, fetches and clock are hall.js's (Hall.live, Hall.api, Hall.clock). */
(function () {
  "use strict";
  const body = document.body;
  const mode = body.dataset.mode;                       // "board" | "window"
  const zonesParam = body.dataset.zones || "";
  const windowNo = body.dataset.window ? parseInt(body.dataset.window, 10) : null;
  const history = parseInt(body.dataset.history || "8", 10);
  const REFRESH_DEBOUNCE_MS = 2000, REFRESH_EVERY_MS = 30000;
  const KINDS = HallBoardFold.QUEUE_KINDS.concat(["recalled", "started", "window", "alert", "config_changed"]);

  const fold = HallBoardFold.create({zones: zonesParam ? zonesParam.split(",") : null,
                                     windows: windowNo === null ? null : [windowNo], history});
  let online = false;
  // First time each ticket number reached the page (for tests and the latency benchmark).
  window.boardShown = {};
  window.boardState = fold;

  const $ = (id) => document.getElementById(id);
  function snapshotUrl() {
    const q = [];
    if (zonesParam) q.push("zones=" + encodeURIComponent(zonesParam));
    if (windowNo !== null) q.push("windows=" + windowNo);
    return "/api/v1/board" + (q.length ? "?" + q.join("&") : "");
  }

  // ---- drawing ----
  function text(id, value) { const el = $(id); if (el && el.textContent !== value) el.textContent = value; }
  function markShown(number) { if (number && !window.boardShown[number]) window.boardShown[number] = Date.now(); }

  function render() {
    $("offline").hidden = online;
    body.dataset.online = online ? "1" : "0";
    body.classList.toggle("flashing", Date.now() < fold.flashUntil);
    if (mode === "window") renderWindow(fold.view()); else renderBoard(fold.view());
    fitAll();
  }

  function renderBoard(view) {
    const c = view.current;
    text("current-number", c ? c.number : "—");
    text("current-window", c ? c.window + " 号窗口 Window " + c.window : "请留意叫号 Please wait for your number");
    text("current-zh", c ? "请 " + c.number + " 号到 " + c.window + " 号窗口办理" : "");
    text("current-en", c ? "Number " + c.number + ", please go to window " + c.window : "");
    $("recall-tag").hidden = !(c && c.kind === "recalled");
    if (c) markShown(c.number);
    const list = $("recent");
    const rows = view.recent.map((r) => {
      markShown(r.number);
      return '<li class="recent-row"><span class="r-number fit">' + Hall.esc(r.number) + '</span><span class="r-window fit">→ ' +
        Hall.esc(r.window) + " 号窗口 Window " + Hall.esc(r.window) + (r.kind === "recalled" ? " 重呼" : "") + "</span></li>";
    });
    while (rows.length < history) rows.push('<li class="recent-row empty"></li>');
    const html = rows.join("");
    if (list.innerHTML !== html) list.innerHTML = html;
    list.style.setProperty("--n", String(history));
    list.style.setProperty("--half", String(Math.ceil(history / 2)));
    const zones = $("zones");
    zones.dataset.count = String(view.zones.length);
    const names = {};
    fold.zones.forEach((z) => { names[z.zone] = z; });
    const zhtml = view.zones.map((z) => {
      const n = names[z.zone];
      return '<div class="zone" data-zone="' + Hall.esc(z.zone) + '"><div class="z-name fit">' + Hall.esc(n.prefix) + " " +
        Hall.esc(n.name_zh) + '</div><div class="z-en fit">' + Hall.esc(n.name_en) + '</div><div class="z-wait fit">' +
        Hall.esc(z.wait_zh) + " · " + Hall.esc(z.wait_en) + '</div><div class="z-count"><span class="z-n">' + z.waiting +
        '</span><span class="z-unit">人等候 waiting</span></div></div>';
    }).join("");
    if (zones.innerHTML !== zhtml) zones.innerHTML = zhtml;
  }

  function renderWindow(view) {
    const w = view.windows.find((x) => x.number === windowNo) || {state: "closed", ticket: null};
    $("ws-main").dataset.state = w.state;
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

  // Long names: shrink the font until the text fits its box (CSS ellipsis is the last resort).
  function fitAll() { document.querySelectorAll(".fit").forEach(fit); }
  function fit(el) {
    el.style.fontSize = "";
    let size = parseFloat(getComputedStyle(el).fontSize), n = 0;
    const min = size * 0.45;
    // Width only: CJK fonts' tall ascenders overflow their line box vertically by design.
    while (el.scrollWidth > el.clientWidth + 1 && size > min && n++ < 30) {
      size *= 0.92;
      el.style.fontSize = size + "px";
    }
  }
  window.addEventListener("resize", fitAll);

  function tick() {
    if ($("clock")) {
      text("clock", Hall.clock());
      text("date", Hall.date());
    }
    body.classList.toggle("flashing", Date.now() < fold.flashUntil);
  }

  // ---- network: Hall.live reads the snapshot again each time the stream opens ----
  let refreshTimer = null;
  function refresh() {
    return Hall.api("GET", snapshotUrl()).then((r) => {
      if (!r.ok) return;
      fold.resync(r.data, Date.now());
      render();
    });
  }
  function requestRefresh(soon) {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => refresh().then(() => { refreshTimer = null; }), soon ? 0 : REFRESH_DEBOUNCE_MS);
  }

  Hall.live(KINDS, (kind, data, id) => {
    if (kind === "config_changed") { refresh(); return; }  // the manager changed zones or windows: read it all
    const out = fold.apply(id, kind, data, Date.now());
    if (out.changed) render();
    if (out.refresh) requestRefresh(false);
  }, (up) => { if (online !== up) { online = up; render(); } }, refresh);

  tick();
  setInterval(tick, 250);
  setInterval(() => { if (online) requestRefresh(true); }, REFRESH_EVERY_MS);
  render();
})();
