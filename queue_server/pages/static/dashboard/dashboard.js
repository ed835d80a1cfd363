// Supervision dashboard: live hall, balancing (two-click moves and server proposals), bad-rating follow-ups,
// history with charts (Chart.js, served locally) and exports, the audit log (accounts: /admin/accounts). Manager only.
// The live hall applies the queue's events (counts, windows' tickets) as they come; it reads the whole hall
// again only on rare events (a window signed on or off, an alert, a rating), every 15 s (waits grow and the
// problems are ranked by the server), on a reconnect and after a gap in the event ids.
"use strict";
const $ = (id) => document.getElementById(id);
Hall.onUnauthorized = () => location.reload();  // an expired session: the server shows the sign-in form
const D = {hall: null, zones: {}, live: null, selected: null, tab: "live", charts: {}, users: [], followupSeq: 0,
           offsetMs: 0, liveSeq: 0, wantZone: null};
const REASONS = {attitude: "服务态度差 Attitude", efficiency: "效率低 Efficiency", come_back: "让再跑一次 Told to come back",
                 fees: "收费 Fees", other: "其他 Other"};
const AUDIT_LABELS = {
  "login": "登录 Sign in",
  "PUT /api/v1/windows/<int:no>/zones": "调整窗口板块 Window zones",
  "POST /api/v1/rebalance/accept": "采纳调度建议 Proposal accepted",
  "POST /api/v1/followups/<int:followup_id>/<action>": "差评跟进 Follow-up",
  "POST /api/v1/alerts/<int:alert_id>/resolve": "处理告警 Alert resolved",
  "GET /api/v1/stats/export.xlsx": "导出 Excel export",
  "GET /api/v1/stats/export-range.csv": "导出 CSV export",
  "GET /api/v1/stats/export.csv": "导出 CSV export",
  "POST /api/v1/windows/<int:no>/<action>": "窗口操作 Window action",
  "POST /api/v1/logout": "退出 Sign out",
  "POST /api/v1/users/<name>/disable": "停用账号 Account disabled",
  "POST /api/v1/users/<name>/enable": "启用账号 Account enabled",
  "POST /api/v1/users/<name>/password": "重设密码 Password set",
  "POST /api/v1/users/<name>/unlock": "解锁账号 Account unlocked",
  "POST /api/v1/users": "新建账号 Account added",
  "PUT /api/v1/users/<name>/role": "更改角色 Role changed",
  "PUT /api/v1/config": "修改大厅配置 Hall configuration changed",
  "POST /api/v1/config/versions/<int:vid>/revert": "恢复配置版本 Configuration version restored",
  "POST /api/v1/devices": "登记设备 Device registered",
  "POST /api/v1/devices/<name>/revoke": "吊销设备 Device revoked",
  "POST /api/v1/devices/<name>/rotate": "更换设备令牌 Device token renewed",
};
const SCORE_TEXT = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"};

function say(text, kind = "error") { Hall.toast(text, kind, kind === "ok" ? 4000 : 10000); }
const zn = (code) => (D.zones[code] ? D.zones[code].name_zh : code);
const zne = (code) => (D.zones[code] ? `${D.zones[code].name_zh} ${D.zones[code].name_en}` : code);

// ---- tabs ----
function showTab(tab) {
  D.tab = tab;
  $("message").classList.add("hidden");
  for (const b of document.querySelectorAll(".tab[data-tab]")) b.classList.toggle("active", b.dataset.tab === tab);
  for (const p of document.querySelectorAll(".panel")) p.classList.toggle("hidden", p.id !== `panel-${tab}`);
  ({live: loadLive, balance: loadBalance, followups: loadFollowups, history: loadHistory, audit: loadAudit})[tab]();
}
document.querySelectorAll(".tab[data-tab]").forEach((b) => b.addEventListener("click", () => showTab(b.dataset.tab)));

// ---- live hall ----
async function loadLive() {
  const seq = ++D.liveSeq;
  const r = await Hall.api("GET", "/api/v1/supervision/live");
  if (seq !== D.liveSeq) return;  // a newer read is on its way
  if (!r.ok) { say(Hall.errorText(r)); return; }
  D.live = r.data;
  D.offsetMs = new Date(r.data.now).getTime() - Date.now();
  renderLive();
  if (D.tab === "balance") renderBalanceWindows();
}

function windowCard(w, selectable) {
  const t = w.ticket;
  const state = w.state === "paused" ? `暂停 Paused${w.pause_reason ? " · " + Hall.esc(w.pause_reason) : ""}` : Hall.state(w.state);
  const chips = w.zones.map((z, i) => `<span class="chip ${i === 0 ? "home" : ""}">${Hall.esc(zn(z))}</span>`).join("");
  const began = t && (t.started_at || t.called_at);
  const service = began ? (Date.now() + D.offsetMs - new Date(began).getTime()) / 1000 : null;
  const ticket = t ? `<div><span class="win-ticket">${Hall.esc(t.number)}</span> ${Hall.state(t.state)} · ${Hall.dur(service)}</div>` : "";
  const outlined = selectable ? D.selected === w.number : D.shownWindow === w.number;
  return `<button type="button" class="win ${w.state} ${outlined ? "selected" : ""}"
      data-window="${w.number}"><div class="win-no">${w.number} 号 <small>${state}</small></div>
      <div>${w.staff ? Hall.esc(w.staff) : '<span class="muted">无人 nobody</span>'}</div>${ticket}<div>${chips}</div></button>`;
}

// Open and paused windows first (by number), closed ones after.
function byOpenFirst(windows) {
  return [...windows].sort((a, b) => ((a.state === "closed") - (b.state === "closed")) || a.number - b.number);
}

function renderProblems() {
  const list = D.live.problems || [];
  $("no-problems").classList.toggle("hidden", list.length > 0);
  $("problems").innerHTML = list.map((p, i) => {
    const a = p.action;
    const btn = a ? `<button class="btn ${i === 0 ? "btn-primary" : ""}" type="button" data-fix="${i}">${Hall.esc(a.zh)} <small>${Hall.esc(a.en)}</small></button>` : "";
    return `<li class="${p.level}" data-kind="${p.kind}"${p.zone ? ` data-zone="${p.zone}"` : ""}>
      <span class="rank">${i + 1}</span><span class="what">${Hall.esc(p.zh)}<br><small>${Hall.esc(p.en)}</small></span>${btn}</li>`;
  }).join("");
}

function renderAlerts() {
  const v = D.live;
  $("alerts").innerHTML = v.alerts.map((a) => {
    const ids = a.ids || (a.id ? [a.id] : []);
    let when = '<span class="when">现在 <small>now</small></span>';
    if (a.at) {
      const [zh, en] = Hall.ago(a.since || a.at, D.offsetMs);
      when = `<span class="when">${Hall.hm(a.since || a.at)} · ${zh} <small>${en}</small></span>`;
    }
    return `<li class="${a.level}" data-kind="${a.kind}">${when}<span>${Hall.esc(a.zh)}<br>
      <small>${Hall.esc(a.en)}</small></span>${ids.length ? `<button class="btn btn-small" data-resolve="${ids.join(",")}">已处理 <small>Resolve</small></button>` : ""}</li>`;
  }).join("");
  $("no-alerts").classList.toggle("hidden", v.alerts.length > 0);
  $("kpi-alerts").textContent = v.alerts.length;
  $("kpi-alerts-box").classList.toggle("bad", v.alerts.length > 0);
}

function renderWindows() {
  const v = D.live;
  const sorted = byOpenFirst(v.windows);
  const open = sorted.filter((w) => w.state !== "closed"), closed = sorted.filter((w) => w.state === "closed");
  $("kpi-open").textContent = `${open.length}/${v.windows.length}`;
  $("live-windows").innerHTML = open.map((w) => windowCard(w, false)).join("");
  $("no-open-windows").classList.toggle("hidden", open.length > 0);
  $("closed-fold").classList.toggle("hidden", closed.length === 0);
  $("closed-summary").innerHTML = `关闭的窗口 ${closed.length} 个 <small>Closed windows: ${closed.length} (click to show)</small>`;
  $("closed-windows").innerHTML = $("closed-fold").open ? closed.map((w) => windowCard(w, false)).join("") : "";
}

function renderZones() {
  const v = D.live;
  $("kpi-waiting").textContent = v.zones.reduce((a, z) => a + z.waiting, 0);
  $("zones-table").tBodies[0].innerHTML = v.zones.map((z) => {
    const over = z.waiting > 0 && (z.oldest_wait_s > z.target_wait_s || z.estimated_wait_s > z.target_wait_s);
    return `<tr class="${over ? "over" : ""}" data-zone="${z.zone}"><td>${Hall.esc(z.prefix)} · ${Hall.esc(z.name_zh)} <small>${Hall.esc(z.name_en)}</small></td>
      <td class="num">${z.waiting}</td><td class="num ${z.waiting && z.oldest_wait_s > z.target_wait_s ? "red" : ""}">${Hall.minutes(z.oldest_wait_s)}</td>
      <td class="num ${z.estimated_wait_s > z.target_wait_s ? "red" : ""}">${Hall.minutes(z.estimated_wait_s)}</td>
      <td class="num">${Hall.minutes(z.target_wait_s)}</td></tr>`;
  }).join("");
}

function renderLive() {
  const v = D.live;
  $("kpi-satisfaction").textContent = v.satisfaction.ratings ? Hall.pct(v.satisfaction.satisfaction_rate) : "暂无评价 none yet";
  $("kpi-satisfaction").classList.toggle("kpi-none", !v.satisfaction.ratings);
  $("kpi-followups").textContent = v.open_followups;
  $("kpi-followups-box").classList.toggle("bad", v.open_followups > 0);
  const fc = $("followup-count");
  fc.textContent = v.open_followups;
  fc.classList.toggle("hidden", !v.open_followups);
  renderProblems();
  renderZones();
  renderAlerts();
  renderWindows();
}
$("closed-fold").addEventListener("toggle", () => { if (D.live) renderWindows(); });

// Applying a queue event: the zone counts it carries and the window's current ticket.
const LEAVES = ["finished", "no_show", "transferred"];
function applyQueueEvent(kind, data) {
  const v = D.live;
  if (!v) return;
  const before = v.zones.map((z) => z.waiting > 0).join();
  for (const [zone, n] of Object.entries(data.waiting || {})) {
    const z = v.zones.find((x) => x.zone === zone);
    if (z) z.waiting = n;
  }
  // Events without counts: a transfer or a requeue adds one to a queue, a cancel takes one away.
  const step = {transferred: 1, requeued: 1, cancelled: -1}[kind];
  const zone = kind === "transferred" ? data.to_zone : data.ticket && data.ticket.zone;
  const z = step && !data.waiting && v.zones.find((x) => x.zone === zone);
  if (z) z.waiting = Math.max(0, z.waiting + step);
  // A queue that starts or empties may start or end a problem (nobody to call it): ranked again by the server.
  if (v.zones.map((x) => x.waiting > 0).join() !== before) liveSoon();
  const w = data.window !== undefined && v.windows.find((x) => x.number === data.window);
  if (w && data.ticket) w.ticket = LEAVES.includes(kind) ? null : data.ticket;
  renderZones();
  renderWindows();
  if (D.tab === "balance") renderBalanceWindows();
}

$("problems").addEventListener("click", async (ev) => {
  const b = ev.target.closest("[data-fix]");
  if (!b) return;
  const p = D.live.problems[Number(b.dataset.fix)];
  const a = p.action;
  if (a.kind === "accept_move") {
    const r = await Hall.api("POST", "/api/v1/rebalance/accept", {window: a.window, zones: a.zones});
    if (!r.ok) { say(Hall.errorText(r)); return; }
    say(`已采纳 Accepted: ${a.window} 号窗口现办理 Window ${a.window} now serves ${a.zones.map(zne).join(" / ")}`, "ok");
  } else if (a.kind === "resolve") {  // one line per device: all its open alerts
    for (const id of a.ids) {
      const r = await Hall.api("POST", `/api/v1/alerts/${id}/resolve`);
      if (!r.ok) { say(Hall.errorText(r)); break; }
    }
  } else if (a.kind === "show_window") {  // only the window's clerk can recall or mark it: show where it is
    D.shownWindow = a.window;  // outlined until another window is shown
    renderWindows();
    const card = $("live-windows").querySelector(`[data-window="${a.window}"]`);
    if (card) card.scrollIntoView({block: "center"});
    return;
  } else if (a.kind === "open_window") {
    D.wantZone = a.zone;
    showTab("balance");
    say(`请点击一个窗口，再把“${zn(a.zone)}”设为主板块或兼办板块 · Click a window, then make ${zne(a.zone)} its home or an extra zone`, "warn");
    return;
  }
  loadLive();
});

$("alerts").addEventListener("click", async (ev) => {
  const b = ev.target.closest("[data-resolve]");
  if (!b) return;
  for (const id of b.dataset.resolve.split(",")) {  // one line per device: all its open alerts
    const r = await Hall.api("POST", `/api/v1/alerts/${id}/resolve`);
    if (!r.ok) { say(Hall.errorText(r)); break; }
  }
  loadLive();
});

// ---- balancing ----
async function loadBalance() {
  if (!D.live) await loadLive();
  renderBalanceWindows();
  loadProposals();
}
async function loadProposals() {
  const r = await Hall.api("GET", "/api/v1/rebalance/proposals");
  if (!r.ok) { say(Hall.errorText(r)); return; }
  $("proposals").innerHTML = r.data.proposals.length ? r.data.proposals.map((p, i) =>
    `<div class="proposal"><span>${Hall.esc(p.zh)}<br><small>${Hall.esc(p.en)}</small></span>
     <button class="btn btn-primary btn-small" data-accept="${i}">采纳 Accept</button></div>`).join("")
    : '<p class="muted">当前各板块均衡，无调度建议 Queues are balanced: no moves proposed</p>';
  D.proposals = r.data.proposals;
}
$("proposals").addEventListener("click", async (ev) => {
  const b = ev.target.closest("[data-accept]");
  if (!b) return;
  const p = D.proposals[Number(b.dataset.accept)];
  const r = await Hall.api("POST", "/api/v1/rebalance/accept", {window: p.window, zones: p.to_zones});
  if (!r.ok) { say(Hall.errorText(r)); return; }
  say(`已采纳 Accepted: ${p.zh}`, "ok");
  await loadLive();
  loadProposals();
});
$("proposals-refresh").addEventListener("click", loadProposals);

function renderBalanceWindows() {
  if (!D.live) return;
  $("balance-windows").innerHTML = byOpenFirst(D.live.windows).map((w) => windowCard(w, true)).join("");
  const w = D.live.windows.find((x) => x.number === D.selected);
  $("zone-editor").classList.toggle("hidden", !w);
  $("zone-editor-hint").classList.toggle("hidden", !!w);
  if (!w) return;
  // a manager may sign off a window left open (end of day, staff gone home) once it has no ticket
  $("signoff-window").classList.toggle("hidden", w.state === "closed" || !!w.ticket);
  $("zone-editor-title").textContent = `${w.number} 号窗口 Window ${w.number}: ${w.zones.map(zne).join(" / ")}`;
  const zones = D.hall.zones;
  $("home-buttons").innerHTML = zones.map((z) => `<button type="button" class="btn ${w.zones[0] === z.code ? "current" : ""}"
      data-home="${z.code}" ${D.wantZone === z.code ? 'data-wanted="1"' : ""}>${Hall.esc(z.prefix)} ${Hall.esc(z.name_zh)} <small>${Hall.esc(z.name_en)}</small></button>`).join("");
  $("also-buttons").innerHTML = zones.filter((z) => z.code !== w.zones[0]).map((z) => `<button type="button"
      class="btn btn-small ${w.zones.includes(z.code) ? "current" : ""}" data-also="${z.code}" ${D.wantZone === z.code ? 'data-wanted="1"' : ""}>${Hall.esc(z.name_zh)}</button>`).join("");
}
$("balance-windows").addEventListener("click", (ev) => {
  const b = ev.target.closest("[data-window]");
  if (!b) return;
  D.selected = Number(b.dataset.window);
  renderBalanceWindows();
});
async function setZones(no, zones) {
  const r = await Hall.api("PUT", `/api/v1/windows/${no}/zones`, {zones, reason: "大厅调度 moved on the dashboard"});
  if (!r.ok) { say(Hall.errorText(r)); return; }
  say(`${no} 号窗口现办理 Window ${no} now serves: ${zones.map(zne).join(" / ")}`, "ok");
  await loadLive();
  loadProposals();
}
$("signoff-window").addEventListener("click", async () => {
  const r = await Hall.api("POST", `/api/v1/windows/${D.selected}/close`);
  if (!r.ok) { say(Hall.errorText(r)); return; }
  say(`${D.selected} 号窗口已签退 Window ${D.selected} signed off`, "ok");
  await loadLive();
});
$("zone-editor").addEventListener("click", (ev) => {
  const w = D.live.windows.find((x) => x.number === D.selected);
  const home = ev.target.closest("[data-home]");
  const also = ev.target.closest("[data-also]");
  if (home && home.dataset.home !== w.zones[0]) {
    // the new home zone goes first; the old home stays as overflow so nobody waiting there is stranded
    setZones(w.number, [home.dataset.home, ...w.zones.filter((z) => z !== home.dataset.home)]);
  } else if (also) {
    const z = also.dataset.also;
    setZones(w.number, w.zones.includes(z) ? w.zones.filter((x) => x !== z) : [...w.zones, z]);
  }
});

// ---- follow-ups ----
async function loadFollowups() {
  if (!D.users.length) {
    const u = await Hall.api("GET", "/api/v1/users");
    if (u.ok) D.users = u.data;
  }
  const state = $("followup-filter").value;
  const seq = ++D.followupSeq;
  const r = await Hall.api("GET", `/api/v1/followups${state ? "?state=" + state : ""}`);
  if (seq !== D.followupSeq) return;  // a newer load is on its way; an older answer must not overwrite it
  if (!r.ok) { say(Hall.errorText(r)); return; }
  const options = D.users.map((u) => `<option value="${Hall.esc(u.username)}">${Hall.esc(u.username)} (${u.role})</option>`).join("");
  renderFollowupRows(r.data.map((f) => [String(f.id), `<tr data-followup="${f.id}">
    <td>${Hall.time(f.rated_at)}</td><td><b>${Hall.esc(f.number)}</b><br><small>${f.source}</small></td>
    <td>${f.window} 号<br>${Hall.esc(f.staff || "")}</td>
    <td class="score-${f.score}">${SCORE_TEXT[f.score]} (${f.score})</td>
    <td>${Hall.esc(REASONS[f.reason] || f.reason || "")}<br>${Hall.esc(f.comment || "")}
      ${f.contact ? `<br>电话 Tel: ${Hall.esc(f.contact)}` : ""}
      ${f.notes.length ? `<ul class="notes">${f.notes.map((n) => `<li>${Hall.time(n.at)} ${Hall.esc(n.author)}: ${Hall.esc(n.text)}</li>`).join("")}</ul>` : ""}</td>
    <td class="${f.overdue ? "red" : ""}">${Hall.time(f.due_at)}${f.overdue ? "<br>已超期 Overdue" : ""}</td>
    <td>${{open: "待处理 Open", assigned: `已指派 Assigned: ${Hall.esc(f.assignee)}`, closed: `已关闭 Closed: ${Hall.esc(f.outcome || "")}`}[f.state]}</td>
    <td>${f.state === "closed" ? "" : `<div class="followup-actions">
      <select data-field="assignee">${options}</select><button class="btn btn-small" data-act="assign">指派 Assign</button></div>
      <div class="followup-actions"><input data-field="text" placeholder="备注 Note"><button class="btn btn-small" data-act="note">记录 Add note</button></div>
      <div class="followup-actions"><input data-field="outcome" placeholder="处理结果 Outcome"><button class="btn btn-small btn-primary" data-act="close">关闭 Close</button></div>`}</td>
  </tr>`]));
  $("no-followups").classList.toggle("hidden", r.data.length > 0);
}
// Only the rows that changed are redrawn: a reload that brings nothing new (the echo of this manager's own
// action, coming back on the event stream) must not swap a button out from under a click in progress.
function renderFollowupRows(rows) {
  const body = $("followups-table").tBodies[0];
  const same = body.rows.length === rows.length
    && rows.every(([id], i) => body.rows[i].dataset.followup === id);
  if (same && rows.every(([, html], i) => body.rows[i].dataset.html === html)) return;
  const typed = typedFollowupFields();
  const made = (html) => {
    const t = document.createElement("tbody");
    t.innerHTML = html;
    t.rows[0].dataset.html = html;
    return t.rows[0];
  };
  if (same) {
    rows.forEach(([, html], i) => { if (body.rows[i].dataset.html !== html) body.rows[i].replaceWith(made(html)); });
  } else {
    body.replaceChildren(...rows.map(([, html]) => made(html)));
  }
  restoreFollowupFields(typed);
}
const FOLLOWUP_FIELD = {assign: "assignee", note: "text", close: "outcome"};
function followupField(id, field) {
  return $("followups-table").querySelector(`tr[data-followup="${id}"] [data-field="${field}"]`);
}
// Another manager's note or a new rating reloads the table; what this manager is typing must survive it.
function typedFollowupFields() {
  const focused = document.activeElement;
  return [...$("followups-table").querySelectorAll("[data-field].dirty")].map((el) => ({
    id: el.closest("tr").dataset.followup, field: el.dataset.field, value: el.value, focus: el === focused,
    caret: el.selectionStart,
  }));
}
function restoreFollowupFields(typed) {
  for (const t of typed) {
    const el = followupField(t.id, t.field);
    if (!el) continue;  // closed meanwhile
    el.value = t.value;
    el.classList.add("dirty");
    if (t.focus) {
      el.focus();
      if (t.caret != null && el.setSelectionRange) el.setSelectionRange(t.caret, t.caret);
    }
  }
}
for (const kind of ["input", "change"]) $("followups-table").addEventListener(kind, (ev) => ev.target.classList.add("dirty"));
$("followup-filter").addEventListener("change", loadFollowups);
$("followups-table").addEventListener("click", async (ev) => {
  const b = ev.target.closest("[data-act]");
  if (!b) return;
  const row = b.closest("tr");
  const used = FOLLOWUP_FIELD[b.dataset.act];  // each action sends one field, named as the API names it
  const input = followupField(row.dataset.followup, used);
  const body = {[used]: input ? input.value.trim() : ""};
  const r = await Hall.api("POST", `/api/v1/followups/${row.dataset.followup}/${b.dataset.act}`, body);
  if (!r.ok) { say(Hall.errorText(r)); return; }
  say("已保存 Saved", "ok");
  // Done with: forget it in the row as it is now (a live reload may have redrawn it while we waited).
  const done = followupField(row.dataset.followup, used);
  if (done) { done.classList.remove("dirty"); if (done.tagName === "INPUT") done.value = ""; }
  loadFollowups();
  loadLive();
});

// ---- history ----
function rangeQuery() { return `from=${$("from").value}&to=${$("to").value}`; }
// An empty chart says so in words instead of drawing blank axes.
function emptyChart(id, empty, words) {
  const note = document.querySelector(`[data-empty-for="${id}"]`);
  note.textContent = words;
  note.classList.toggle("hidden", !empty);
  $(id).classList.toggle("hidden", empty);
}
function chart(id, config) {
  if (D.charts[id]) D.charts[id].destroy();
  config.options = Object.assign({responsive: true, maintainAspectRatio: false, animation: false}, config.options || {});
  D.charts[id] = new Chart($(id), config);
}
async function loadHistory() {
  if (!$("from").value) { $("from").value = D.live ? D.live.day : ""; $("to").value = $("from").value; }
  $("export-xlsx").href = `/api/v1/stats/export.xlsx?${rangeQuery()}`;
  $("export-csv").href = `/api/v1/stats/export-range.csv?${rangeQuery()}`;
  const r = await Hall.api("GET", `/api/v1/stats/range?${rangeQuery()}`);
  if (!r.ok) { say(Hall.errorText(r)); return; }
  const s = r.data, t = s.total;
  $("h-tickets").textContent = t.tickets;
  $("h-served").textContent = t.served;
  $("h-wait").textContent = t.wait_mean_s === null ? "–" : (t.wait_mean_s / 60).toFixed(1);
  $("h-noshow").textContent = t.tickets ? Hall.pct(t.no_show_rate) : "–";
  $("h-satisfaction").textContent = Hall.pct(s.satisfaction.satisfaction_rate);
  const min = (v) => (v === null ? null : +(v / 60).toFixed(1));
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  chart("chart-hours", {type: "bar", data: {labels: s.arrivals_per_hour.map((h) => h.hour),
    datasets: [{label: "取号 Tickets", data: s.arrivals_per_hour.map((h) => h.tickets), backgroundColor: "#0b4f9c"}]}});
  chart("chart-waits", {type: "bar", data: {labels: s.zones.map((z) => z.name_zh), datasets: [
    {label: "平均 Mean", data: s.zones.map((z) => min(z.wait_mean_s)), backgroundColor: "#5b8fd1"},
    {label: "P90", data: s.zones.map((z) => min(z.wait_p90_s)), backgroundColor: "#c62828"}]}});
  const matters = s.matters.filter((m) => m.service_mean_s !== null).sort((a, b) => b.service_mean_s - a.service_mean_s).slice(0, 12);
  chart("chart-matters", {type: "bar", data: {labels: matters.map((m) => m.name_zh), datasets: [
    {label: "平均办理 Mean service", data: matters.map((m) => min(m.service_mean_s)), backgroundColor: "#2e7d32"}]},
    options: {indexAxis: "y"}});
  chart("chart-windows", {type: "bar", data: {labels: s.windows.map((w) => `${w.window}号`), datasets: [
    {label: "办结 Served", data: s.windows.map((w) => w.served), backgroundColor: "#0b4f9c"},
    {label: "过号 No-shows", data: s.windows.map((w) => w.no_shows), backgroundColor: "#ef6c00"}]}});
  const counts = s.satisfaction.counts;
  chart("chart-ratings", {type: "doughnut", data: {labels: [5, 4, 3, 2, 1].map((k) => SCORE_TEXT[k]),
    datasets: [{data: [5, 4, 3, 2, 1].map((k) => counts[k]),
      backgroundColor: ["#2e7d32", "#7cb342", "#f9a825", "#ef6c00", "#c62828"]}]},
    options: {plugins: {legend: {position: "right"}}}});
  const none = "所选日期暂无数据 No data for these days";
  emptyChart("chart-hours", !s.arrivals_per_hour.some((h) => h.tickets), none);
  emptyChart("chart-waits", !s.zones.some((z) => z.wait_mean_s !== null), "暂无已叫号的等候 No calls yet, so no waits");
  emptyChart("chart-matters", matters.length === 0, "暂无办结的事项 No matter finished yet");
  emptyChart("chart-windows", !s.windows.some((w) => w.served || w.no_shows), "暂无窗口办件 No window has served anyone yet");
  emptyChart("chart-ratings", ![5, 4, 3, 2, 1].some((k) => counts[k]), "暂无评价 No ratings yet");
  $("no-staff").classList.toggle("hidden", s.staff.length > 0);
  renderZoneHistory(s);
  $("staff-table").tBodies[0].innerHTML = s.staff.map((p) => `<tr><td>${Hall.esc(p.staff)}</td><td class="num">${p.served}</td>
    <td class="num">${p.no_shows}</td><td class="num">${Hall.dur(p.service_mean_s)}</td>
    <td class="num">${Hall.pct(p.satisfaction_rate)} (${p.ratings})</td></tr>`).join("");
}
function renderZoneHistory(s) {
  $("no-zone-history").classList.toggle("hidden", s.zones.length > 0);
  const m = (v) => (v === null ? "–" : (v / 60).toFixed(1));
  $("zone-history-table").tBodies[0].innerHTML = s.zones.map((z) => `<tr><td>${Hall.esc(z.name_zh)} <small>${Hall.esc(z.name_en)}</small></td>
    <td class="num">${z.tickets}</td><td class="num">${z.served}</td><td class="num">${z.no_shows} (${Hall.pct(z.no_show_rate)})</td>
    <td class="num">${m(z.wait_mean_s)}</td><td class="num">${m(z.wait_p90_s)}</td><td class="num">${m(z.service_mean_s)}</td>
    <td class="num">${Hall.pct(z.satisfaction_rate)} (${z.ratings})</td></tr>`).join("");
}
$("history-form").addEventListener("submit", (ev) => { ev.preventDefault(); loadHistory(); });

// ---- audit ----
async function loadAudit() {
  const r = await Hall.api("GET", "/api/v1/audit");
  if (!r.ok) { say(Hall.errorText(r)); return; }
  $("no-audit").classList.toggle("hidden", r.data.entries.length > 0);
  // an entry cut by an older version is plain text, shown as it is
  const pairs = (o) => (typeof o === "string" ? o : o ? Object.entries(o).map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`).join(" · ") : "");
  $("audit-table").tBodies[0].innerHTML = r.data.entries.map((e) => {
    const label = AUDIT_LABELS[e.action] || "";
    const what = e.target && e.target.action ? ` · ${e.target.action}` : "";
    return `<tr><td>${Hall.time(e.at)}</td><td>${Hall.esc(e.actor)}</td>
      <td>${Hall.esc(label + what)}<br><small>${Hall.esc(e.action)}</small></td><td>${Hall.esc(pairs(e.target))}</td>
      <td>${Hall.esc(pairs(e.detail))}</td><td class="num">${e.status}</td></tr>`;
  }).join("");
}

// ---- start ----
const liveSoon = Hall.debounce(() => {
  if (D.tab === "live" || D.tab === "balance") loadLive();
}, 500);
(async () => {
  const r = await Hall.api("GET", "/api/v1/hall");
  if (!r.ok) { say(Hall.errorText(r)); return; }
  D.hall = r.data;
  Hall.tz = r.data.timezone;
  for (const z of r.data.zones) D.zones[z.code] = z;
  await loadLive();
  const queueKinds = ["issued", "called", "recalled", "started", "finished", "no_show", "transferred", "cancelled",
                      "requeued"];
  Hall.live([...queueKinds, "window", "alert", "rated", "followup", "config_changed"], async (kind, data) => {
    if (kind === "config_changed") {  // zones or windows changed on the admin page: their names too
      const h = await Hall.api("GET", "/api/v1/hall");
      if (h.ok) { D.hall = h.data; for (const z of h.data.zones) D.zones[z.code] = z; }
      liveSoon();
      return;
    }
    if (queueKinds.includes(kind)) applyQueueEvent(kind, data);
    else liveSoon();  // rare: a window signed on, off or moved, an alert, a rating
    if ((kind === "rated" || kind === "followup") && D.tab === "followups") loadFollowups();
  }, (up) => { $("conn").style.color = up ? "#9be39f" : "#ffb4ab"; }, () => {
    liveSoon();
    if (D.tab === "followups") loadFollowups();
  }, {gaps: true});
  setInterval(liveSoon, 15000);  // waits grow with time even when nothing happens
  const tickClock = () => { $("clock").textContent = Hall.clock(D.offsetMs); };  // the server's time
  tickClock();
  setInterval(tickClock, 1000);
})();
$("logout-btn").addEventListener("click", () => Hall.logout());
