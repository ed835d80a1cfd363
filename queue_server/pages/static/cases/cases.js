// The back office's case list: deadlines coloured as on the dashboard; staff mark 容缺 materials supplied,
// managers move cases on (审批中 / 已办结 / 不予许可, the same idempotent call the approval system makes) or
// import the approval system's CSV. Every change is an event on the server with who and when.
"use strict";
const $ = (id) => document.getElementById(id);
Hall.onUnauthorized = () => location.reload();
const ROLE = document.querySelector("main").dataset.role;
const LEVEL = {red: "badge-red", yellow: "badge-paused", ok: "badge-open"};

function say(text, kind = "error") { Hall.toast(text, kind); }

function actions(c) {
  const out = [];
  if (c.state === "pending_supply") out.push(["supplied", "补正完成 Supplied"]);
  if (ROLE === "manager") {
    if (["accepted", "pending_supply"].includes(c.state)) out.push(["in_review", "审批中 Review"]);
    if (["accepted", "in_review"].includes(c.state)) out.push(["done", "办结 Approve"]);
    if (["accepted", "pending_supply", "in_review"].includes(c.state)) out.push(["denied", "不予许可 Deny"]);
  }
  return out.map(([a, label]) =>
    `<button class="btn btn-small" type="button" data-act="${a}" data-case="${c.id}" data-no="${Hall.esc(c.case_no)}">${label}</button>`).join(" ");
}

async function load() {
  const state = $("state-filter").value;
  const r = await Hall.api("GET", "/api/v1/cases" + (state ? `?state=${state}` : ""));
  if (!r.ok) { say(Hall.errorText(r)); return; }
  const rows = r.data.cases;
  $("no-cases").classList.toggle("hidden", rows.length > 0);
  $("cases-table").querySelector("tbody").innerHTML = rows.map((c) => `<tr data-case="${c.id}" data-state="${c.state}">
    <td>${Hall.esc(c.case_no)}</td><td>${Hall.esc(c.matter_zh)} <small>${Hall.esc(c.department)}</small></td>
    <td>${c.window}</td><td><span class="badge">${Hall.esc(c.state_zh)} ${Hall.esc(c.state_en)}</span></td>
    <td>${c.due_day ? `<span class="badge ${LEVEL[c.level] || ""}" data-level="${c.level || ""}">${c.due_day}</span>` : ""}</td>
    <td>${c.missing_aux.map((m) => Hall.esc(m.zh)).join("、")}${c.supply_due_day && c.missing_aux.length ? ` <small>(${c.supply_due_day})</small>` : ""}</td>
    <td>${actions(c)}</td></tr>`).join("");
}

$("cases-table").addEventListener("click", async (ev) => {
  const b = ev.target.closest("[data-act]");
  if (!b) return;
  const r = b.dataset.act === "supplied"
    ? await Hall.api("POST", `/api/v1/cases/${b.dataset.case}/supplied`, {})
    : await Hall.api("POST", "/api/v1/case-states", {case_no: b.dataset.no, state: b.dataset.act});
  if (!r.ok) say(Hall.errorText(r));
  else say(`${b.dataset.no}：已更新 updated`, "ok");
  await load();
});
$("state-filter").addEventListener("change", load);
if ($("csv-file")) {
  $("csv-file").addEventListener("change", async () => {
    const file = $("csv-file").files[0];
    if (!file) return;
    const res = await fetch("/api/v1/case-states/import", {method: "POST", body: await file.arrayBuffer(),
      credentials: "same-origin", headers: {"Content-Type": "text/csv", "X-CSRF-Token": Hall.csrf()}});
    const data = await res.json();
    if (!res.ok) say(data.message || `Error ${res.status}`);
    else say(`已导入 Imported: ${data.changed} 更新 changed, ${data.unchanged} 未变 unchanged, ${data.rejected} 错误 rejected`,
      data.rejected ? "warn" : "ok");
    $("csv-file").value = "";
    await load();
  });
}
$("logout-btn").addEventListener("click", () => Hall.logout());
load();
