// 好差评 rating pad beside each window (live: shows the ticket just finished there). Five faces; a bad rating asks
// a reason and an optional comment. The phone rates on its own page (static/phone/phone.js).
"use strict";
const $ = (id) => document.getElementById(id);
const PAD = RATE_MODE.mode === "pad";
const IDLE_AFTER_THANKS_MS = 5000;
const IDLE_AFTER_NO_TOUCH_MS = 90000;
const COLORS = {5: "#2e7d32", 4: "#7cb342", 3: "#f9a825", 2: "#ef6c00", 1: "#c62828"};
const R = {ticket: null, scale: null, score: null, reason: null, idleTimer: null, headers: {}};

function faceSvg(score) {
  // mouth from a smile (5) to a frown (1)
  const curve = {5: 16, 4: 8, 3: 0, 2: -8, 1: -14}[score];
  const c = COLORS[score];
  const brows = score === 1 ? '<path d="M18 20 L27 24 M46 20 L37 24" stroke="#fff" stroke-width="3"/>' : "";
  return `<svg viewBox="0 0 64 64" aria-hidden="true"><circle cx="32" cy="32" r="30" fill="${c}"/>
    <circle cx="22" cy="27" r="4" fill="#fff"/><circle cx="42" cy="27" r="4" fill="#fff"/>${brows}
    <path d="M18 ${44 - curve / 2} Q32 ${44 + curve} 46 ${44 - curve / 2}" stroke="#fff" stroke-width="4"
      fill="none" stroke-linecap="round"/></svg>`;
}

function show(name) {
  for (const s of document.querySelectorAll("section.pad")) s.classList.toggle("hidden", s.id !== `screen-${name}`);
  clearTimeout(R.idleTimer);
  if (PAD && (name === "rate" || name === "reason")) R.idleTimer = setTimeout(idle, IDLE_AFTER_NO_TOUCH_MS);
  if (PAD && name === "thanks") R.idleTimer = setTimeout(idle, IDLE_AFTER_THANKS_MS);
}
function idle() { R.ticket = null; show("idle"); }
function fail(text) { $("error-text").textContent = text; show("error"); }

function renderScale() {
  $("faces").innerHTML = R.scale.levels.map((l) =>
    `<button class="face" type="button" data-score="${l.score}">${faceSvg(l.score)}<b>${Hall.esc(l.zh)}</b>
      <small>${Hall.esc(l.en)}</small></button>`).join("");
  $("reasons").innerHTML = R.scale.reasons.map((r) =>
    `<button class="btn reason" type="button" data-reason="${r.code}">${Hall.esc(r.zh)}<br><small>${Hall.esc(r.en)}</small></button>`).join("");
}

function offer(ticket) {
  R.ticket = ticket;
  R.score = null;
  R.reason = null;
  $("rate-number").textContent = ticket.number;
  const matter = ticket.matter_zh ? `${ticket.matter_zh} ${ticket.matter_en}` : `${ticket.zone_zh} ${ticket.zone_en}`;
  $("rate-matter").textContent = `${matter} · ${ticket.window} 号窗口 Window ${ticket.window}`;
  $("rate-error").textContent = "";
  $("comment").value = "";
  $("contact").value = "";
  for (const b of document.querySelectorAll(".reason")) b.classList.remove("selected");
  $("reason-submit").disabled = true;
  show("rate");
}

async function submit() {
  const body = {score: R.score, reason: R.reason, comment: $("comment").value.trim() || null,
                contact: R.score <= 2 ? $("contact").value.trim() || null : null};
  const r = await Hall.api("POST", "/api/v1/ratings", Object.assign({ticket_id: R.ticket.id}, body), R.headers);
  if (r.ok) {
    $("thanks-followup").classList.toggle("hidden", !r.data.followup_id);
    show("thanks");
  } else if (r.data && r.data.error === "already_rated") {
    show(PAD ? "thanks" : "done");
  } else {
    const where = $("screen-reason").classList.contains("hidden") ? "rate-error" : "reason-error";
    $(where).textContent = Hall.errorText(r);
  }
}

$("faces").addEventListener("click", (ev) => {
  const b = ev.target.closest("[data-score]");
  if (!b || !R.ticket) return;
  R.score = Number(b.dataset.score);
  if (R.score <= 2) { $("reason-error").textContent = ""; show("reason"); } else submit();
});
$("reasons").addEventListener("click", (ev) => {
  const b = ev.target.closest("[data-reason]");
  if (!b) return;
  R.reason = b.dataset.reason;
  for (const x of document.querySelectorAll(".reason")) x.classList.toggle("selected", x === b);
  $("reason-submit").disabled = false;
  show("reason");  // restarts the no-touch timer
});
$("reason-back").addEventListener("click", () => show("rate"));
$("reason-submit").addEventListener("click", submit);
$("contact").addEventListener("input", Hall.debounce(() => { if (PAD) show("reason"); }, 500));
$("comment").addEventListener("input", Hall.debounce(() => { if (PAD) show("reason"); }, 500));

async function checkPad() {
  const r = await Hall.api("GET", `/api/v1/ratings/pad/${RATE_MODE.window}`, undefined, R.headers);
  if (r.status === 401 || r.status === 403) {
    fail(`此评价器尚未授权：请用窗口评价器的设备令牌打开 /rate/window/${RATE_MODE.window}?device=令牌，或由该窗口工作人员登录。
      This pad is not authorised: open it once with ?device=TOKEN (the window's pad/button device) or sign in as the window's staff.`);
    return;
  }
  if (!r.ok) { fail(Hall.errorText(r)); return; }
  if (r.data.ticket && (!R.ticket || R.ticket.id !== r.data.ticket.id)) offer(r.data.ticket);
  else if (!r.data.ticket && $("screen-loading").offsetParent !== null) idle();
}

async function startPad() {
  const params = new URLSearchParams(location.search);
  const key = `hall_pad_token_${RATE_MODE.window}`;
  if (params.get("device")) {
    localStorage.setItem(key, params.get("device"));
    history.replaceState(null, "", location.pathname);  // the token does not stay in the address bar
  }
  const token = localStorage.getItem(key);
  if (token) R.headers = {Authorization: `Bearer ${token}`};
  $("idle-window").textContent = `${RATE_MODE.window} 号窗口`;
  await checkPad();
  Hall.live(["finished", "rated"], (kind, data) => {
    if (data.window !== RATE_MODE.window) return;
    if (kind === "finished") checkPad();
    if (kind === "rated" && R.ticket && data.ticket && data.ticket.number === R.ticket.number
        && !$("screen-thanks").offsetParent) idle();  // rated on the phone meanwhile
  }, null, checkPad);
}


(async () => {
  const s = await Hall.api("GET", "/api/v1/ratings/scale");
  if (!s.ok) { fail(Hall.errorText(s)); return; }
  R.scale = s.data;
  renderScale();
  startPad();
})();
