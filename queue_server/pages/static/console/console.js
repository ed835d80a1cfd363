// Staff console: sign on at a window, then call / recall / start / finish / no-show / transfer / pause / resume.
// Every ticket action carries the ticket id this page shows, so a stale page cannot act on a moved-on window.
// Live events are applied, not answered with a reload: window events change the window in place, queue events
// of this window's zones fetch only the queue part (GET /api/v1/console/{n}/queue: next five, counts, no-shows,
// help requests), alert events change the help banners. The whole view is read again on load, after this
// page's own action, on a reconnect and after a gap in the event ids.
"use strict";
const $ = (id) => document.getElementById(id);
Hall.onUnauthorized = () => location.reload();  // an expired session: the server shows the sign-in form
const C = {hall: null, windowNo: null, view: null, offsetMs: 0, zones: {}, queueSeq: 0};
const KEYS = {n: "call-next", r: "recall", s: "start", f: "finish", x: "no-show", t: "transfer", p: "pause",
              u: "resume"};

function say(text, kind = "error") { Hall.toast(text, kind, kind === "ok" ? 4000 : 0); }
function unsay() { $("message").classList.add("hidden"); }

function zoneName(code) {
  const z = C.zones[code];
  return z ? `${z.name_zh} ${z.name_en}` : code;
}

async function loadHall() {
  const r = await Hall.api("GET", "/api/v1/hall");
  if (!r.ok) { say(Hall.errorText(r)); return false; }
  C.hall = r.data;
  Hall.tz = r.data.timezone;
  for (const z of r.data.zones) C.zones[z.code] = z;
  $("transfer-zone").innerHTML = r.data.zones.map(
    (z) => `<option value="${Hall.esc(z.code)}">${Hall.esc(z.prefix)} · ${Hall.esc(z.name_zh)} ${Hall.esc(z.name_en)}</option>`
  ).join("");
  return true;
}

function showPicker(windows) {
  C.windowNo = null;
  $("console").classList.add("hidden");
  $("signoff-btn").classList.add("hidden");
  $("window-label").textContent = "";
  $("state-label").textContent = "";
  $("picker").classList.remove("hidden");
  $("picker-grid").innerHTML = windows.map((w) => {
    const taken = w.state !== "closed" && w.staff !== CONSOLE_USER;
    const who = taken ? `${Hall.esc(w.staff)} 使用中 in use` : Hall.state(w.state);
    return `<button class="btn" data-window="${w.number}" ${taken ? "disabled" : ""}>
      <b>${w.number}</b>${w.zones.map((z) => Hall.esc(C.zones[z] ? C.zones[z].name_zh : z)).join(" / ")}
      <br><small>${who}</small></button>`;
  }).join("");
}

async function start() {
  if (!(await loadHall())) return;
  const mine = C.hall.windows.find((w) => w.staff === CONSOLE_USER && w.state !== "closed");
  if (mine) { C.windowNo = mine.number; await refresh(); } else showPicker(C.hall.windows);
  Hall.live(["called", "recalled", "started", "finished", "no_show", "transferred", "issued", "cancelled",
             "requeued", "window", "alert", "config_changed"], onEvent, (up) => {
    $("conn").style.color = up ? "#9be39f" : "#ffb4ab";
    $("conn").title = up ? "实时连接 Live" : "连接中断，正在重连 Reconnecting";
  }, () => (C.windowNo === null ? refreshPicker() : refreshSoon()), {gaps: true});
}

const refreshSoon = Hall.debounce(() => refresh(), 300);
const queueSoon = Hall.debounce(() => refreshQueue(), 300);
const QUEUE_KINDS = ["issued", "called", "cancelled", "requeued", "transferred", "no_show"];
// Does a queue event touch the zones this window serves (or its own no-shows)?
function touchesMyQueue(data) {
  const w = C.view && C.view.window;
  if (!w) return false;
  if (data.window === w.number) return true;
  const zones = [data.ticket && data.ticket.zone, data.from_zone, data.to_zone, ...Object.keys(data.waiting || {})];
  return zones.some((z) => z && w.zones.includes(z));
}
function applyWindowEvent(data) {
  const w = C.view.window;
  if (data.state === "closed") { refreshSoon(); return; }  // signed off elsewhere or by a manager: back to the picker
  const zonesBefore = w.zones.join(",");
  for (const k of ["state", "pause_reason", "staff"]) if (k in data) w[k] = data[k];
  if (data.state === "open" && !("pause_reason" in data)) w.pause_reason = null;
  if (data.zones) w.zones = data.zones;
  render();
  if (w.zones.join(",") !== zonesBefore) queueSoon();
}
function applyHelpEvent(a) {
  if (!a || a.kind !== "help" || !C.view) return;
  const list = C.view.help || (C.view.help = []);
  const i = list.findIndex((h) => h.id === a.id);
  if (a.resolved_by) { if (i >= 0) list.splice(i, 1); } else if (i >= 0) {
    if (a.taken_by) { list[i].taken_by = a.taken_by; list[i].taken_at = a.taken_at; }
  } else {  // a new request: the queue part says whether its kiosk stands near this window
    queueSoon();
    return;
  }
  renderHelp();
}
function onEvent(kind, data) {
  if (kind === "config_changed") {  // the manager's admin page changed matters, guides or zones: read them again
    loadHall().then(() => (C.windowNo === null ? refreshPicker() : refresh()));
    return;
  }
  if (C.windowNo === null) {
    if (kind === "window") refreshPicker();
    return;
  }
  if (!C.view) return;
  const w = C.view.window;
  if (kind === "alert") { applyHelpEvent(data.alert); return; }
  if (kind === "window") {
    if (data.window === w.number) applyWindowEvent(data);
    return;
  }
  if (data.window === w.number && data.ticket) {
    // Our own action's event: the page already shows it. Anything else at this window (its button box):
    // read the whole view, the current ticket's guide with it.
    const t = w.ticket;
    const same = t ? t.id === data.ticket.id && t.state === data.ticket.state
      : ["finished", "no_show", "transferred"].includes(kind);
    if (!same) { refreshSoon(); return; }
  }
  if (QUEUE_KINDS.includes(kind) && touchesMyQueue(data)) {
    for (const [zone, n] of Object.entries(data.waiting || {})) {  // the counts at once; the rest in a moment
      const z = C.view.zones.find((x) => x.zone === zone);
      if (z) z.waiting = n;
    }
    renderQueues();
    queueSoon();
  }
}
async function refreshPicker() {
  const r = await Hall.api("GET", "/api/v1/windows");
  if (r.ok && C.windowNo === null) showPicker(r.data);
}

async function refresh() {
  if (C.windowNo === null) return;
  const r = await Hall.api("GET", `/api/v1/console/${C.windowNo}`);
  if (r.status === 403 || r.status === 401) {
    // signed off elsewhere, or a manager closed the window: back to choosing one
    say(`${Hall.errorText(r)}`, "warn");
    C.windowNo = null;
    await refreshPicker();
    return;
  }
  if (!r.ok) { say(Hall.errorText(r)); return; }
  C.view = r.data;
  C.queueSeq++;  // an older queue answer on its way must not overwrite this one
  C.offsetMs = new Date(r.data.now).getTime() - Date.now();
  C.licence = null;
  const t = r.data.window.ticket;
  if (t && t.extra && t.extra.licence_id) {
    // A pickup ticket carries a licence: the desk sees which one to fetch and hands it over here.
    const l = await Hall.api("GET", `/api/v1/windows/${C.windowNo}/licence`);
    if (l.ok) C.licence = l.data.licence;
  }
  render();
}

// Only the queue part: what events of this window's zones change.
async function refreshQueue() {
  if (C.windowNo === null || !C.view) return;
  const seq = ++C.queueSeq, no = C.windowNo;
  const r = await Hall.api("GET", `/api/v1/console/${no}/queue`);
  if (seq !== C.queueSeq || no !== C.windowNo || !C.view) return;
  if (r.status === 403 || r.status === 401) { refreshSoon(); return; }
  if (!r.ok) return;
  Object.assign(C.view, r.data);
  C.offsetMs = new Date(r.data.now).getTime() - Date.now();
  renderQueues();
  renderHelp();
}

const HOW = {
  desk: "请从证照柜取出 Fetch it from the licence cabinet",
  locker: "已放入智能柜 In a locker",
  post: "邮寄 By post",
};

function renderLicence() {
  const l = C.licence;
  $("licence").classList.toggle("hidden", !l);
  if (!l) return;
  const rows = [
    `<b>${Hall.esc(l.licence_type)}</b> · 案号 <small>Case</small> <b>${Hall.esc(l.case_no)}</b>`,
    `持证人 <small>Holder</small> <b>${Hall.esc(l.holder_name)}</b> · ${Hall.esc(HOW[l.method] || l.method)}`,
  ];
  $("licence-info").innerHTML = rows.map((x) => `<div>${x}</div>`).join("");
  const done = l.state === "collected";
  $("handover-form").classList.toggle("hidden", done);
  $("licence-done").classList.toggle("hidden", !done);
  if (done) {
    const at = new Date(l.collected_at).toLocaleTimeString("zh-CN", {hour: "2-digit", minute: "2-digit", timeZone: Hall.tz});
    $("licence-done").textContent = `已交付 ${at}，请点“办结” · Handed over at ${at}: press Finish`;
  }
}

// Green channel classes and appointments, in words and in colour (the same badges in the next-five list).
const PRIORITY = {
  elderly: ["老年人", "Elderly"], disabled: ["残疾人", "Disabled"], veteran: ["军人优先", "Veteran"],
  pregnant: ["孕妇", "Pregnant"], talent: ["人才卡", "Talent card"],
};
function tags(t) {
  const out = [];
  if (t.priority === "appointment") {
    const when = t.due_at ? ` ${Hall.hm(t.due_at)}` : "";
    out.push(`<span class="tag tag-appt">预约${when} <small>Appointment</small></span>`);
  } else if (t.priority) {
    const p = PRIORITY[t.priority] || [t.priority, t.priority];
    out.push(`<span class="tag tag-green">绿色通道 · ${Hall.esc(p[0])} <small>Priority: ${Hall.esc(p[1])}</small></span>`);
  }
  if (t.transfers) out.push('<span class="tag tag-moved">转办 <small>Transferred</small></span>');
  if (t.requeued) out.push('<span class="tag tag-moved">过号重排 <small>Rejoined</small></span>');
  return out.join(" ");
}

// Why an action cannot be done now, in both languages; null when it can.
function whyNot(action) {
  const v = C.view, w = v.window, t = w.ticket, state = t ? t.state : null;
  const paused = w.state === "paused";
  const none = "当前没有叫到的号码，请先按“叫号” · No ticket at this window: press Call next first";
  if (action === "resume") return paused ? null : "窗口未暂停 · This window is not paused";
  if (action === "call-next") {
    if (paused) return "窗口已暂停：请先按“恢复” · The window is paused: press Resume first";
    if (t) return `${t.number} 还在本窗口：请先办结、转办或过号 · ${t.number} is still here: finish, transfer or mark it a no-show first`;
    return null;
  }
  if (action === "pause") {
    if (paused) return "窗口已暂停 · The window is already paused";
    if (t) return `请先办结或转办 ${t.number} 再暂停 · Finish or transfer ${t.number} before pausing`;
    return null;
  }
  if (!t) return none;
  if (action === "recall" || action === "start") {
    return state === "called" ? null : `${t.number} 已在办理中 · ${t.number} is already being served`;
  }
  if (action === "finish") {
    return state === "serving" ? null : "请先按“开始办理” · Press Start first: the citizen has not been received yet";
  }
  if (action === "no-show") {
    if (state !== "called") return `${t.number} 已在办理中，不能过号 · ${t.number} is being served: not a no-show`;
    const need = v.rules.recalls_before_no_show;
    if ((t.recalls || 0) < need) {
      return `过号前请先重呼 ${need} 次（已重呼 ${t.recalls || 0} 次） · Recall ${need}× before a no-show (recalled ${t.recalls || 0}×)`;
    }
    return null;
  }
  return null;  // transfer: any current ticket
}

function render() {
  const v = C.view, w = v.window, t = w.ticket;
  $("picker").classList.add("hidden");
  $("console").classList.remove("hidden");
  $("signoff-btn").classList.remove("hidden");
  $("window-label").textContent = `${w.number} 号窗口 Window ${w.number}`;
  const st = $("state-label");
  const paused = w.state === "paused";
  st.textContent = Hall.state(w.state);
  st.className = `badge badge-${w.state}`;
  $("paused-banner").classList.toggle("hidden", !paused);
  document.body.classList.toggle("is-paused", paused);
  if (paused) {
    const since = w.state_since ? ` · 自 ${Hall.hm(w.state_since)} 起 since ${Hall.hm(w.state_since)}` : "";
    $("paused-reason").textContent = `原因 Reason：${w.pause_reason || "—"}${since}`;
  }
  $("ticket-none").classList.toggle("hidden", !!t);
  $("ticket-box").classList.toggle("hidden", !t);
  $("ticket-none-hint").textContent = paused ? "暂停中，不会叫号 · Paused: no one is called here"
    : "按“叫号”请下一位 · Press 叫号 Call next for the next citizen";
  if (t) {
    $("ticket-number").textContent = t.number;
    $("ticket-zone").textContent = zoneName(t.zone);
    $("ticket-state").textContent = Hall.state(t.state);
    $("ticket-tags").innerHTML = tags(t);
    const extra = [];
    if (t.recalls) extra.push(`已重呼 ${t.recalls} 次 Recalled ${t.recalls}×`);
    else if (t.state === "called" && v.rules.recalls_before_no_show > 0) extra.push("过号前请先重呼 Recall before no-show");
    if (t.transfers) extra.push(`转办自 From ${zoneName(t.original_zone)}`);
    if (t.note) extra.push(`备注 Note: ${t.note}`);
    $("ticket-extra").textContent = extra.join(" · ");
  }
  renderLicence();
  const g = v.guide;
  $("guide").classList.toggle("hidden", !g);
  if (g) {
    $("guide-name").innerHTML = `<b>${Hall.esc(g.name_zh)}</b> <small>${Hall.esc(g.name_en)}</small>`;
    $("guide-materials").innerHTML = g.materials.map(
      (m) => `<li>${Hall.esc(m.zh)} <small>${Hall.esc(m.en)}</small></li>`).join("");
    const days = g.promised_days === 0 ? "即办 On the spot" : `承诺 ${g.promised_days} 个工作日 Promised in ${g.promised_days} working day${g.promised_days === 1 ? "" : "s"}`;
    $("guide-terms").textContent = [days, g.fee_zh && `收费 Fee: ${g.fee_zh} ${g.fee_en}`].filter(Boolean).join(" · ");
    $("guide-notes").textContent = [g.notes_zh, g.notes_en].filter(Boolean).join(" ");
  }
  CaseDesk.render(C);  // cases.js: 受理 / 不予受理 for the ticket being served
  renderQueues();
  renderHelp();
  const m = v.mine;
  $("mine-served").textContent = m.served;
  $("mine-noshow").textContent = m.no_shows;
  $("mine-transfer").textContent = m.transferred;
  $("mine-service").textContent = Hall.dur(m.service_mean_s);
  $("mine-rating").textContent = m.ratings
    ? `今日评价 ${m.ratings} 条，满意率 ${Hall.pct(m.satisfaction_rate)} · Ratings today: ${m.ratings}, satisfied ${Hall.pct(m.satisfaction_rate)}`
    : "今日暂无评价 No ratings yet today";
  // Actions that cannot be done now look off but still answer a press or a key with the reason.
  for (const b of document.querySelectorAll("[data-action]")) {
    const why = whyNot(b.dataset.action);
    b.setAttribute("aria-disabled", why ? "true" : "false");
    b.classList.toggle("off", !!why);
    b.title = why || "";
  }
  tick();
}

function renderQueues() {
  const v = C.view;
  if (!v) return;
  $("queues").innerHTML = v.zones.map((z) => {
    const over = z.waiting && z.oldest_wait_s > z.target_wait_s;
    return `<li><span>${Hall.esc(z.prefix)} · ${Hall.esc(z.name_zh)} <small>${Hall.esc(z.name_en)}</small></span>
      <span class="${over ? "red" : ""}">${z.waiting} 人等候 waiting · 最久 oldest ${Hall.minutes(z.oldest_wait_s)} 分 min</span></li>`;
  }).join("");
  const next = v.next || [];
  $("next-empty").classList.toggle("hidden", next.length > 0);
  $("next-list").innerHTML = next.map((t) => {
    const matter = t.matter ? `${Hall.esc(t.matter.name_zh)} <small>${Hall.esc(t.matter.name_en)}</small>`
      : `<span class="muted">${Hall.esc(zoneName(t.zone))}</span>`;
    const waited = t.waited_s === null ? "" : `已等 ${Hall.minutes(t.waited_s)} 分 <small>waited ${Hall.minutes(t.waited_s)} min</small>`;
    return `<li data-ticket="${t.id}"><b class="next-no">${Hall.esc(t.number)}</b>
      <span class="next-what">${tags(t)} ${matter}</span><span class="next-wait">${waited}</span></li>`;
  }).join("");
  const ns = v.no_shows || [];
  $("noshow-card").classList.toggle("hidden", ns.length === 0);
  $("noshow-list").innerHTML = ns.map((n) => `<li><span><b>${Hall.esc(n.number)}</b>
      <small>可重排至 ${Hall.hm(n.requeue_until)} · until ${Hall.hm(n.requeue_until)}</small></span>
      <button class="btn" type="button" data-requeue="${n.id}" data-number="${Hall.esc(n.number)}">重新排队 <small>Rejoin queue</small></button></li>`).join("");
}

function renderHelp() {
  const list = (C.view && C.windowNo !== null && C.view.help) || [];
  $("help-banners").innerHTML = list.map((h) => {
    const [agoZh, agoEn] = Hall.ago(h.at, C.offsetMs);
    const where = Hall.esc(h.source);
    if (h.taken_by) {
      const mine = h.taken_by === CONSOLE_USER;
      return `<div class="help-banner taken" data-help="${h.id}"><span><b class="help-tag">求助 Help</b> 自助机 ${where} 的求助：<b>${mine ? "您" : Hall.esc(h.taken_by)}</b> 已前往处理
        <small>Help at kiosk ${where}: ${mine ? "you are" : Hall.esc(h.taken_by) + " is"} on it</small></span>
        ${mine ? `<button class="btn btn-small" type="button" data-help-done="${h.id}">已处理完 <small>Done</small></button>` : ""}</div>`;
    }
    return `<div class="help-banner" data-help="${h.id}"><span><b class="help-tag">求助 Help</b> 自助机 <b>${where}</b> 有群众请求帮办（${agoZh}）
      <small>A citizen asks for help at kiosk ${where} (${agoEn})</small></span>
      <button class="btn btn-primary" type="button" data-help-take="${h.id}">我去处理 <small>I'll go</small></button></div>`;
  }).join("");
}

function tick() {
  const t = C.view && C.view.window.ticket;
  if (!t) return;
  const since = t.started_at || t.called_at;
  const now = Date.now() + C.offsetMs;
  const elapsed = (now - new Date(since).getTime()) / 1000;
  $("timer").textContent = Hall.dur(elapsed);
  // over half again the matter's usual service time: the timer turns red
  const usual = C.view.guide && C.view.guide.service_s;
  $("timer").classList.toggle("over", !!(t.started_at && usual && elapsed > usual * 1.5));
  $("timer-label").textContent = t.started_at ? "办理用时 Service time" : "叫号后等待到场 Since called";
}
setInterval(tick, 1000);
setInterval(() => { if (C.windowNo !== null) refreshQueue(); }, 30000);  // waits grow even when nothing happens

async function act(action, body) {
  unsay();
  const path = `/api/v1/windows/${C.windowNo}/${action}`;
  const t = C.view && C.view.window.ticket;
  const payload = Object.assign({}, body || {});
  if (t && ["recall", "start", "finish", "no-show", "transfer"].includes(action)) payload.ticket_id = t.id;
  const r = await Hall.api("POST", path, payload);
  if (r.status === 204) say("暂无等候的号码。No one is waiting for this window's zones.", "warn");
  else if (r.status === 409 && r.data && r.data.error === "stale") {
    say(`页面已过期，已为您刷新，请核对当前号码后再操作。This page was out of date and has been refreshed: check the current ticket and try again. (${r.data.message})`, "warn");
  } else if (!r.ok) say(Hall.errorText(r));
  else if (action === "call-next") say(`已叫号 Called ${r.data.number}`, "ok");
  else if (action === "transfer") say(`${r.data.number} 已转办 transferred → ${zoneName(r.data.zone)}`, "ok");
  await refresh();
  return r;
}

const ACTION_ZH = {"call-next": "叫号", recall: "重呼", start: "开始办理", finish: "办结", "no-show": "过号",
                   transfer: "转办", pause: "暂停", resume: "恢复"};
function openDialog(id) {
  const d = $(id);
  if (!d.open) d.showModal();
}
function trigger(action) {
  if (!C.view) return;
  const why = whyNot(action);
  if (why) {
    Hall.toast(`不能${ACTION_ZH[action]} · ${why}`, "warn", 6000);
    return;
  }
  if (action === "transfer") {
    const t = C.view.window.ticket;
    const sel = $("transfer-zone");
    const other = [...sel.options].find((o) => o.value !== t.zone);
    if (sel.value === t.zone && other) sel.value = other.value;
    $("transfer-note").value = "";
    openDialog("transfer-dialog");
  } else if (action === "pause") {
    $("pause-text").value = "";
    openDialog("pause-dialog");
  } else act(action);
}

document.querySelectorAll("[data-action]").forEach((b) => b.addEventListener("click", () => trigger(b.dataset.action)));
$("noshow-list").addEventListener("click", async (ev) => {
  const b = ev.target.closest("[data-requeue]");
  if (!b) return;
  const r = await Hall.api("POST", `/api/v1/tickets/${b.dataset.requeue}/requeue`);
  if (!r.ok) say(Hall.errorText(r));
  else say(`${b.dataset.number} 已重新排队 rejoined the queue`, "ok");
  await refreshQueue();
});
$("help-banners").addEventListener("click", async (ev) => {
  const take = ev.target.closest("[data-help-take]"), done = ev.target.closest("[data-help-done]");
  if (!take && !done) return;
  const id = (take || done).dataset[take ? "helpTake" : "helpDone"];
  const r = await Hall.api("POST", `/api/v1/alerts/${id}/${take ? "take" : "resolve"}`);
  if (!r.ok) say(Hall.errorText(r), "warn");
  else if (take) say("已告知同事您去处理 · Your colleagues see you are on it", "ok");
  await refreshQueue();
});
$("transfer-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  $("transfer-dialog").close();
  act("transfer", {zone: $("transfer-zone").value, note: $("transfer-note").value.trim() || null});
});
$("pause-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  $("pause-dialog").close();
  const reason = [$("pause-reason").value, $("pause-text").value.trim()].filter(Boolean).join(" · ");
  act("pause", {reason: reason || null});
});
$("handover-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  unsay();
  const l = C.licence;
  if (!l) return;
  const r = await Hall.api("POST", `/api/v1/licences/${l.id}/handover`,
    {id_last4: $("handover-id").value.trim().toUpperCase(), window: C.windowNo});
  $("handover-id").value = "";
  if (!r.ok) say(Hall.errorText(r));
  else say(`${l.licence_type} 已交付 handed over to ${l.holder_name}`, "ok");
  await refresh();
});
document.querySelectorAll("[data-close]").forEach((b) => b.addEventListener("click", () => b.closest("dialog").close()));
document.addEventListener("keydown", (ev) => {
  if (ev.ctrlKey || ev.altKey || ev.metaKey || C.windowNo === null) return;
  if (document.querySelector("dialog[open]")) return;
  if (["INPUT", "TEXTAREA", "SELECT"].includes(ev.target.tagName)) return;
  const action = KEYS[ev.key.toLowerCase()];
  if (action) { ev.preventDefault(); trigger(action); }
});
$("picker-grid").addEventListener("click", async (ev) => {
  const b = ev.target.closest("button[data-window]");
  if (!b) return;
  const no = Number(b.dataset.window);
  const r = await Hall.api("POST", `/api/v1/windows/${no}/open`);
  if (!r.ok) { say(Hall.errorText(r)); await refreshPicker(); return; }
  unsay();
  C.windowNo = no;
  await refresh();
});
$("signoff-btn").addEventListener("click", async () => {
  const r = await Hall.api("POST", `/api/v1/windows/${C.windowNo}/close`);
  if (!r.ok) { say(Hall.errorText(r)); return; }
  say("已签退。Signed off.", "ok");
  C.windowNo = null;
  await refreshPicker();
});
$("logout-btn").addEventListener("click", () => Hall.logout());
start();
