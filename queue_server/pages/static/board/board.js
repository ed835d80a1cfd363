/* Wall board and window screen: draw what HallBoardFold (board_fold.js) folds from /api/v1/board snapshots and
   /api/v1/events. The stream, fetches and clock are hall.js's (Hall.live, Hall.api, Hall.clock). */
(function () {
  "use strict";
  const body = document.body;
  const mode = body.dataset.mode;                       // "board" | "window"
  const zonesParam = body.dataset.zones || "";
  const windowNo = body.dataset.window ? parseInt(body.dataset.window, 10) : null;
  const history = parseInt(body.dataset.history || "8", 10);
  const capEm = parseFloat(body.dataset.capEm || "0.733");  // the font's cap-height per em (board_layout.py)
  const margin = parseFloat(body.dataset.margin || "1.05");  // pixel rounding of the ink (board_layout.py)
  const pageMs = parseInt(body.dataset.pageS || "8", 10) * 1000;
  const KINDS = HallBoardFold.QUEUE_KINDS.concat(["recalled", "started", "window", "config_changed"]);
  if (body.dataset.tz) Hall.tz = body.dataset.tz;  // the hall's clock, not the device's

  const fold = HallBoardFold.create({zones: zonesParam ? zonesParam.split(",") : null,
                                     windows: windowNo === null ? null : [windowNo], history});
  let online = false, zonePage = 0;
  // First time each ticket number reached the page (for tests and the latency benchmark).
  window.boardShown = {};
  window.boardState = fold;
  window.boardSnapshots = 0;  // snapshots read: one per (re)connect, never per event (tests read it)

  const $ = (id) => document.getElementById(id);
  const esc = Hall.esc;
  function snapshotUrl() {
    const q = [];
    if (zonesParam) q.push("zones=" + encodeURIComponent(zonesParam));
    if (windowNo !== null) q.push("windows=" + windowNo);
    return "/api/v1/board" + (q.length ? "?" + q.join("&") : "");
  }

  // ---- drawing ----
  function text(id, value) { const el = $(id); if (el && el.textContent !== value) el.textContent = value; }
  function html(el, value) { if (el.innerHTML !== value) el.innerHTML = value; }
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
    $("current-window").dataset.cap = c ? "24" : "40";  // a window number is read from 10 m; the idle line from 6 m
    text("current-zh", c ? "请 " + c.number + " 号到 " + c.window + " 号窗口办理" : "");
    text("current-en", c ? "Number " + c.number + ", please go to window " + c.window : "");
    $("recall-tag").hidden = !(c && c.kind === "recalled");
    $("current").classList.toggle("idle", !c);
    if (c) markShown(c.number);
    const list = $("recent");
    const rows = view.recent.map((r) => {
      markShown(r.number);
      const tag = r.kind === "recalled" ? '<span class="r-tag"><span>重呼</span><span>Recall</span></span>' : "";
      return '<li class="recent-row' + (tag ? " recall" : "") + '"><span class="r-number fit" data-cap="24">' +
        esc(r.number) + '</span><span class="r-arrow">→</span><span class="r-window" data-cap="24">' + esc(r.window) +
        "</span>" + (tag || '<span class="r-unit"><span>号窗口</span><span>Window</span></span>') + "</li>";
    });
    if (!rows.length) rows.push('<li class="recent-row none"><span class="fit">暂无叫号 No calls yet</span></li>');
    while (rows.length < history) rows.push('<li class="recent-row empty"></li>');
    html(list, rows.join(""));
    list.style.setProperty("--half", String(Math.ceil(history / 2)));
    renderZones(view);
  }

  // The zones of this page (they rotate when they do not all fit at the readable size).
  function zoneRows() {
    const portrait = innerHeight > innerWidth;
    return parseInt(portrait ? body.dataset.rowsPortrait : body.dataset.rowsLandscape, 10) || 3;
  }
  function renderZones(view) {
    const perPage = zoneRows(), pages = Math.max(1, Math.ceil(view.zones.length / perPage));
    zonePage %= pages;
    text("zone-page", pages > 1 ? (zonePage + 1) + " / " + pages : "");
    const names = {};
    fold.zones.forEach((z) => { names[z.zone] = z; });
    const shown = view.zones.slice(zonePage * perPage, zonePage * perPage + perPage);
    const zones = $("zones");
    zones.dataset.page = String(zonePage);
    zones.dataset.pages = String(pages);
    html(zones, shown.map((z) => {
      const n = names[z.zone];
      const next = z.next.length ? z.next.join(" ") : "—";
      return '<div class="zone" data-zone="' + esc(z.zone) + '">' +
        '<div class="z-cell z-name"><span class="z-zh fit" data-cap="40">' + esc(n.prefix) + " " + esc(n.name_zh) +
        '</span><span class="z-en fit" data-cap="40">' + esc(n.name_en) + "</span></div>" +
        '<div class="z-cell z-count"><span class="z-n" data-cap="40">' + z.waiting + '</span><span class="z-unit">' +
        '<span class="fit" data-cap="40">人等候</span><span class="fit" data-cap="40">waiting</span></span></div>' +
        '<div class="z-cell z-wait"><span class="z-wait-zh fit" data-cap="40">' + esc(z.wait_zh) +
        '</span><span class="z-wait-en fit" data-cap="40">' + esc(z.wait_en) + "</span></div>" +
        '<div class="z-cell z-next"><span class="z-label fit" data-cap="40">请准备 Get ready</span>' +
        '<span class="z-numbers fit" data-cap="40">' + esc(next) + "</span></div></div>";
    }).join(""));
  }
  function nextZonePage() {
    if (mode !== "board") return;
    zonePage += 1;
    renderZones(fold.view());
    fitAll();
  }

  // The window's own screen: every state in Chinese and English, and who serves here (name and 工号).
  const PAUSED_DEFAULT = "暂停服务 Paused";
  function renderWindow(view) {
    const w = view.windows.find((x) => x.number === windowNo) || {state: "closed", ticket: null};
    $("ws-main").dataset.state = w.state;
    let lines;
    if (w.state === "paused") {
      const reason = w.pause_reason && w.pause_reason !== PAUSED_DEFAULT ? w.pause_reason : "";
      lines = ["暂停服务", "Paused", reason ? "暂停原因：" + reason + "，请到其他窗口办理" : "请到其他窗口办理",
               "Please go to another window"];
    } else if (w.state === "closed") {
      lines = ["暂未开放", "Closed", "本窗口暂未开放，请到其他窗口办理", "This window is closed; please go to another window"];
    } else if (w.ticket) {
      lines = [w.ticket, "", "请 " + w.ticket + " 号到本窗口办理", "Number " + w.ticket + ", please come to this window"];
      markShown(w.ticket);
    } else {
      lines = ["—", "", "请等候叫号", "Please wait for your number"];
    }
    text("ws-number", lines[0]);
    text("ws-number-en", lines[1]);
    $("ws-number-en").hidden = !lines[1];
    text("ws-zh", lines[2]);
    text("ws-en", lines[3]);
    const staff = w.state !== "closed" && w.staff_name;
    $("ws-staff").hidden = !staff;
    text("ws-staff-name", staff ? w.staff_name : "");
    text("ws-staff-no", staff && w.staff_no ? w.staff_no : "—");
  }

  // Long names: shrink the font until the text fits its box, but never below the readability rule of an element
  // marked data-cap="40" (6 m) or "24" (10 m): cap-height >= 1/cap of the screen's shorter side. Below that it
  // ends in an ellipsis (CSS) rather than shrinking.
  function fitAll() { document.querySelectorAll(".fit").forEach(fit); }
  function fit(el) {
    el.style.fontSize = "";
    let size = parseFloat(getComputedStyle(el).fontSize), n = 0;
    const cap = parseFloat(el.dataset.cap || "0");
    const min = cap ? Math.min(innerWidth, innerHeight) / cap / capEm * margin : size * 0.45;
    // Width only: CJK fonts' tall ascenders overflow their line box vertically by design.
    while (el.scrollWidth > el.clientWidth + 1 && size * 0.92 >= min && n++ < 30) {
      size *= 0.92;
      el.style.fontSize = size + "px";
    }
  }
  window.addEventListener("resize", () => render());

  function tick() {
    if ($("clock")) {
      text("clock", Hall.clock());
      text("date", Hall.date());
    }
    body.classList.toggle("flashing", Date.now() < fold.flashUntil);
  }

  // ---- network: events are applied; a snapshot is read only when the stream (re)opens (Hall.live calls
  // resync then) or an event shows a gap (fold.apply's refresh). ----
  function refresh() {
    return Hall.api("GET", snapshotUrl()).then((r) => {
      if (!r.ok) return;
      window.boardSnapshots += 1;
      fold.resync(r.data, Date.now());
      if (r.data.hall && r.data.hall.timezone) Hall.tz = r.data.hall.timezone;
      render();
    });
  }

  let resyncing = null;
  function resync() {  // at most one snapshot read at a time
    if (!resyncing) resyncing = refresh().finally(() => { resyncing = null; });
    return resyncing;
  }
  Hall.live(KINDS, (kind, data, id) => {
    if (kind === "config_changed") { resync(); return; }  // the manager changed zones or windows: read it all
    const out = fold.apply(id, kind, data, Date.now());
    if (out.changed) render();
    if (out.refresh) resync();  // a gap: an event was missed
  }, (up) => { if (online !== up) { online = up; render(); } }, resync);

  tick();
  setInterval(tick, 250);
  setInterval(nextZonePage, pageMs);
  render();
})();
