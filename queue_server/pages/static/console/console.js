// Staff console: sign on at a window, then call / recall / start / finish / no-show / transfer / pause / resume.
// Every ticket action carries the ticket id this page shows, so a stale page cannot act on a moved-on window.
"use strict";
const $ = (id) => document.getElementById(id);
Hall.onUnauthorized = () => location.reload();  // an expired session: the server shows the sign-in form
const C = {hall: null, windowNo: null, view: null, offsetMs: 0, zones: {}};
const KEYS = {n: "call-next", r: "recall", s: "start", f: "finish", x: "no-show", t: "transfer", p: "pause",
              u: "resume"};

function say(text, kind) {
  const m = $("message");
  m.className = `banner toast banner-${kind || "error"}`;
  m.textContent = text;
  clearTimeout(say.timer);
  if (kind === "ok") say.timer = setTimeout(() => m.classList.add("hidden"), 4000);
}
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
             "requeued", "window", "rated"], onEvent, (up) => {
    $("conn").style.color = up ? "#9be39f" : "#ffb4ab";
    $("conn").title = up ? "实时连接 Live" : "连接中断，正在重连 Reconnecting";
  }, () => (C.windowNo === null ? refreshPicker() : refreshSoon()));
}

const refreshSoon = Hall.debounce(() => refresh(), 300);
// Only events about this window or the zones it serves refresh the console (a busy hall sends many).
function concernsMe(data) {
  const w = C.view && C.view.window;
  if (!w) return true;
  if (data.window === w.number) return true;
  const zones = [data.ticket && data.ticket.zone, data.from_zone, data.to_zone];
  return zones.some((z) => z && w.zones.includes(z));
}
function onEvent(kind, data) {
  if (C.windowNo === null) {
    if (kind === "window") refreshPicker();
    return;
  }
  if (concernsMe(data)) refreshSoon();
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

function render() {
  const v = C.view, w = v.window, t = w.ticket;
  $("picker").classList.add("hidden");
  $("console").classList.remove("hidden");
  $("signoff-btn").classList.remove("hidden");
  $("window-label").textContent = `${w.number} 号窗口 Window ${w.number}`;
  const st = $("state-label");
  st.textContent = w.state === "paused" ? `暂停 Paused · ${w.pause_reason || ""}` : Hall.state(w.state);
  st.className = `badge badge-${w.state}`;
  $("ticket-none").classList.toggle("hidden", !!t);
  $("ticket-box").classList.toggle("hidden", !t);
  if (t) {
    $("ticket-number").textContent = t.number;
    $("ticket-zone").textContent = zoneName(t.zone);
    $("ticket-state").textContent = Hall.state(t.state);
    const extra = [];
    if (t.priority) extra.push(`绿色通道 Priority: ${t.priority}`);
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
    const days = g.promised_days === 0 ? "即办 On the spot" : `承诺 ${g.promised_days} 个工作日 Promised in ${g.promised_days} working days`;
    $("guide-terms").textContent = [days, g.fee_zh && `收费 Fee: ${g.fee_zh} ${g.fee_en}`].filter(Boolean).join(" · ");
    $("guide-notes").textContent = [g.notes_zh, g.notes_en].filter(Boolean).join(" ");
  }
  $("queues").innerHTML = v.zones.map((z) => {
    const over = z.waiting && z.oldest_wait_s > z.target_wait_s;
    return `<li><span>${Hall.esc(z.prefix)} · ${Hall.esc(z.name_zh)} <small>${Hall.esc(z.name_en)}</small></span>
      <span class="${over ? "red" : ""}">${z.waiting} 人等候 waiting · 最久 oldest ${Hall.minutes(z.oldest_wait_s)} 分 min</span></li>`;
  }).join("");
  const m = v.mine;
  $("mine-served").textContent = m.served;
  $("mine-noshow").textContent = m.no_shows;
  $("mine-transfer").textContent = m.transferred;
  $("mine-service").textContent = Hall.dur(m.service_mean_s);
  $("mine-rating").textContent = m.ratings
    ? `今日评价 ${m.ratings} 条，满意率 ${Hall.pct(m.satisfaction_rate)} · Ratings today: ${m.ratings}, satisfied ${Hall.pct(m.satisfaction_rate)}`
    : "今日暂无评价 No ratings yet today";
  const paused = w.state === "paused", state = t ? t.state : null;
  const enable = {
    "call-next": !paused && !t, recall: state === "called", start: state === "called", finish: state === "serving",
    "no-show": state === "called" && t.recalls >= v.rules.recalls_before_no_show, transfer: !!t, pause: !paused && !t, resume: paused,
  };
  for (const b of document.querySelectorAll(".actions .btn")) b.disabled = !enable[b.dataset.action];
  $("btn-pause").classList.toggle("hidden", paused);
  $("btn-resume").classList.toggle("hidden", !paused);
  tick();
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
setInterval(() => { if (C.windowNo !== null) refresh(); }, 30000);  // waits grow even when nothing happens

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

function openDialog(id) {
  const d = $(id);
  if (!d.open) d.showModal();
}
function trigger(action) {
  const b = document.querySelector(`.actions .btn[data-action="${action}"]`);
  if (!b || b.disabled || b.classList.contains("hidden")) return;
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

document.querySelectorAll(".actions .btn").forEach((b) => b.addEventListener("click", () => trigger(b.dataset.action)));
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
