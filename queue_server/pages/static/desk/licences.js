// The licence desk: register, import a CSV (bad rows by line), print notices as one PDF, queue the ready SMS,
// postal state, and licences not collected after the hold period.
"use strict";
const $ = (id) => document.getElementById(id);
Hall.tz = document.body.dataset.tz;
Hall.onUnauthorized = () => location.reload();
const selected = new Set();
const SMS = {none: ["未发送", "Not sent"], pending: ["排队中", "Queued"], sent: ["已发送", "Sent"],
             failed: ["发送失败", "Failed"]};
const LIC = {pending: ["未办结", "Pending"], ready: ["待领取", "Ready"], redeemed: ["已取号", "Redeemed"],
             collected: ["已领取", "Collected"], post_confirmed: ["已确认邮寄", "Post confirmed"],
             opening: ["开柜中", "Opening"]};
const METHOD = {desk: ["窗口", "Desk"], locker: ["智能柜", "Locker"], post: ["邮寄", "Post"]};
const POSTAL = {none: ["未寄出", "Not posted"], labelled: ["已填运单", "Waybill set"], posted: ["已寄出", "Posted"],
                delivered: ["已签收", "Delivered"], returned: ["已退回", "Returned"]};
const EVENT = {posted: ["已寄出", "Posted"], delivered: ["已签收", "Delivered"], returned: ["已退回", "Returned"]};
const FIELD = {case_no: "受理号", licence_type: "证照名称", holder_name: "持证人", id_last4: "身份证后4位",
               phone_last4: "手机后4位", method: "领取方式", expires_at: "有效期", locker_door: "柜门号",
               post_address: "邮寄地址", ready: "是否办结", phone: "手机号"};
const WHY = {missing_field: "缺少", bad_field: "格式不对", unknown_field: "未知字段", duplicate: "已登记过",
             bad_row: "单元格多于列数"};
const two = (pair, code) => pair ? `${pair[0]} <small>${pair[1]}</small>` : Hall.esc(code);

function say(text, kind = "ok") { Hall.toast(text, kind, 6000); }

// ---- register ----
$("reg-method").addEventListener("change", (ev) => {
  for (const el of document.querySelectorAll(".only-locker")) el.classList.toggle("hidden", ev.target.value !== "locker");
  for (const el of document.querySelectorAll(".only-post")) el.classList.toggle("hidden", ev.target.value !== "post");
});
$("register-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const form = ev.target, body = {};
  for (const el of form.elements) {
    if (!el.name || el.closest(".hidden")) continue;
    if (el.type === "checkbox") body[el.name] = el.checked;
    else if (el.value.trim()) body[el.name] = el.value.trim();
  }
  $("register-error").textContent = "";
  const r = await Hall.api("POST", "/api/v1/licences", body);
  if (!r.ok) { $("register-error").textContent = Hall.errorText(r); return; }
  const done = $("register-done");
  done.innerHTML = `已登记 Registered：${Hall.esc(body.case_no)} · 取件码 Pickup code
    <span class="code-big" id="new-code">${Hall.esc(r.data.pickup_code)}</span>`;
  done.classList.remove("hidden");
  form.reset();
  $("reg-method").dispatchEvent(new Event("change"));
  refresh();
});

// ---- import ----
$("import-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const file = $("import-file").files[0];
  if (!file) return;
  const data = new FormData();
  data.append("file", file);
  $("import-error").textContent = "";
  let res, body = null;
  try {
    res = await fetch("/api/v1/licences/import", {method: "POST", body: data, credentials: "same-origin",
                                                  headers: {"X-CSRF-Token": Hall.csrf()}});
    body = await res.json();
  } catch (e) {
    $("import-error").textContent = Hall.errorText({status: 0});
    return;
  }
  if (!res.ok) { $("import-error").textContent = Hall.errorText({status: res.status, data: body}); return; }
  $("import-result").classList.remove("hidden");
  $("import-summary").innerHTML = `已导入 <b id="import-created">${body.created}</b> 行 <small>imported</small>，
    有误 <b id="import-rejected" class="${body.rejected ? "red" : ""}">${body.rejected}</b> 行 <small>rejected</small>`;
  $("import-errors").querySelector("tbody").innerHTML = body.errors.map((e) =>
    `<tr data-line="${e.line}"><td class="num">第 ${e.line} 行</td>
     <td>${e.field ? `${FIELD[e.field] || ""} <small>${Hall.esc(e.field)}</small>` : ""}</td>
     <td>${WHY[e.error] || "有误"} <small>${Hall.esc(e.message)}</small></td></tr>`).join("");
  $("import-errors").classList.toggle("hidden", !body.errors.length);
  refresh();
});

// ---- list ----
function smsCell(l) {
  const s = l.sms;
  const ready = l.state === "ready" || l.state === "redeemed";
  const can = document.body.dataset.sms === "1" && ready && s.state !== "pending";
  const label = s.state === "none" ? "发送短信 <small>Send SMS</small>" : "再次发送 <small>Send again</small>";
  return `<span class="badge" data-sms-state="${s.state}">${two(SMS[s.state], s.state)}</span>
    ${s.to ? `<small>${Hall.esc(s.to)}</small>` : ""}
    ${can ? `<div class="postal-form"><input data-phone placeholder="手机号 Mobile" inputmode="tel" maxlength="20">
      <button class="btn mid" data-sms="${l.id}" type="button">${label}</button></div>` : ""}`;
}

function postalCell(l) {
  const p = l.postal;
  if (!p) return "–";
  if (l.state !== "post_confirmed") return `<small>待市民确认地址 Awaiting address confirmation</small>`;
  const parts = [`<span class="badge" data-postal-state="${p.state}">${two(POSTAL[p.state], p.state)}</span>`];
  if (p.waybill) parts.push(`<small>运单 Waybill ${Hall.esc(p.waybill)}</small>`);
  const forms = [];
  if (p.next.includes("waybill")) {
    forms.push(`<input data-waybill placeholder="运单号 Waybill no." maxlength="40">
      <button class="btn mid" data-postal="waybill" data-id="${l.id}" type="button">保存运单 <small>Save</small></button>`);
  }
  for (const e of p.next.filter((x) => x !== "waybill")) {
    forms.push(`<button class="btn mid" data-postal="${e}" data-id="${l.id}" type="button">${two(EVENT[e], e)}</button>`);
  }
  if (forms.length) parts.push(`<div class="postal-form">${forms.join("")}</div>`);
  return parts.join(" ");
}

function row(l) {
  return `<tr data-id="${l.id}" data-case="${Hall.esc(l.case_no)}">
    <td><input type="checkbox" data-pick="${l.id}" ${selected.has(l.id) ? "checked" : ""} aria-label="选择 select"></td>
    <td>${Hall.esc(l.case_no)}</td><td>${Hall.esc(l.licence_type)}</td><td>${Hall.esc(l.holder_name)}</td>
    <td>${two(METHOD[l.method], l.method)}</td><td data-state="${l.state}">${two(LIC[l.state], l.state)}</td>
    <td>${smsCell(l)}</td><td>${postalCell(l)}</td></tr>`;
}

let listed = [];
async function refresh() {
  const q = new URLSearchParams();
  if ($("search").value.trim()) q.set("q", $("search").value.trim());
  if ($("state-filter").value) q.set("state", $("state-filter").value);
  const [list, old] = await Promise.all([Hall.api("GET", `/api/v1/licences/overview?${q}`),
                                         Hall.api("GET", "/api/v1/licences/uncollected")]);
  if (!list.ok) { say(Hall.errorText(list), "error"); return; }
  listed = list.data.licences;
  $("licences-table").querySelector("tbody").innerHTML = listed.map(row).join("");
  $("no-licences").classList.toggle("hidden", listed.length > 0);
  if (old.ok) {
    const rows = old.data.licences;
    $("uncollected-table").querySelector("tbody").innerHTML = rows.map((l) => `<tr data-id="${l.id}">
      <td>${Hall.esc(l.case_no)}</td><td>${Hall.esc(l.licence_type)}</td><td>${Hall.esc(l.holder_name)}</td>
      <td>${Hall.esc(Hall.time(l.ready_at))}</td><td class="num">${l.days_waiting}</td>
      <td>${l.reason === "returned" ? "邮寄退回 <small>Returned by post</small>" : "超期未取 <small>Not collected</small>"}</td>
      <td>${smsCell(l)}</td></tr>`).join("");
    $("no-uncollected").classList.toggle("hidden", rows.length > 0);
  }
  showSelected();
}

function showSelected() {
  $("selected-count").textContent = selected.size ? `(${selected.size})` : "";
  $("print-btn").disabled = selected.size === 0;
}

document.addEventListener("change", (ev) => {
  const id = ev.target.dataset && ev.target.dataset.pick;
  if (!id) return;
  if (ev.target.checked) selected.add(Number(id)); else selected.delete(Number(id));
  showSelected();
});
$("select-all").addEventListener("click", () => {
  for (const l of listed) selected.add(l.id);
  for (const box of document.querySelectorAll("[data-pick]")) box.checked = true;
  showSelected();
});
$("print-btn").addEventListener("click", () => {
  // One PDF, one notice per page; a link with `download` saves it (the session cookie goes along).
  const a = document.createElement("a");
  a.href = `/api/v1/licences/notices.pdf?ids=${[...selected].join(",")}`;
  a.download = `pickup-notices-${selected.size}.pdf`;
  document.body.appendChild(a);
  a.click();
  a.remove();
});
$("search").addEventListener("input", Hall.debounce(refresh, 300));
$("state-filter").addEventListener("change", refresh);

document.addEventListener("click", async (ev) => {
  const btn = ev.target.closest("button");
  if (!btn) return;
  if (btn.dataset.sms) {
    const phone = btn.parentElement.querySelector("[data-phone]").value.trim();
    btn.disabled = true;
    const r = await Hall.api("POST", `/api/v1/licences/${btn.dataset.sms}/sms`, phone ? {phone} : {});
    btn.disabled = false;
    if (!r.ok) { say(Hall.errorText(r), "error"); return; }
    say(`短信已排队，将由短信服务发送至 ${r.data.to}。The SMS is queued for ${r.data.to}.`);
    refresh();
  } else if (btn.dataset.postal) {
    const body = {event: btn.dataset.postal};
    if (body.event === "waybill") body.waybill = btn.parentElement.querySelector("[data-waybill]").value.trim();
    const r = await Hall.api("POST", `/api/v1/licences/${btn.dataset.id}/postal`, body);
    if (!r.ok) { say(Hall.errorText(r), "error"); return; }
    say(`邮寄状态：${POSTAL[r.data.state][0]} Postal state: ${POSTAL[r.data.state][1]}`);
    refresh();
  } else if (btn.id === "logout-btn") {
    Hall.logout();
  }
});
// What others change (the SMS worker sending, a kiosk confirming an address) shows on the next round.
// Not while the clerk is typing a number into a row (a redraw would drop it).
const typing = () => [...document.querySelectorAll("[data-phone], [data-waybill]")].some((el) => el.value);
setInterval(() => { if (!document.hidden && !typing()) refresh(); }, 10000);
refresh();
