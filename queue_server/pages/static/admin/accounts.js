// Accounts and devices (/admin/accounts), manager only: list, add, disable and enable, set a password, change a
// role (each ends or changes the user's sessions at once, server side); devices with their last request, a new
// token (rotate) with the setup code a new box reads, revoke.
"use strict";
const $ = (id) => document.getElementById(id);
Hall.onUnauthorized = () => location.reload();
const esc = Hall.esc;
const ROLE = {manager: "管理员 Manager", staff: "工作人员 Staff"};
const KIND = {kiosk: "自助取号机 Kiosk", display: "大屏 Display", button: "叫号器 Button", pad: "评价器 Rating pad",
              backoffice: "后台 Back office"};

function say(text, kind = "error") { Hall.toast(text, kind, kind === "ok" ? 5000 : 12000); }

async function loadUsers() {
  const r = await Hall.api("GET", "/api/v1/users");
  if (!r.ok) { say(Hall.errorText(r)); return; }
  $("users-table").tBodies[0].innerHTML = r.data.map((u) => {
    let state = u.disabled_at ? '<span class="badge badge-closed">已停用 Disabled</span>' : '<span class="badge badge-open">正常 Active</span>';
    if (u.locked_for_s) state += ` <span class="badge badge-red">已锁定 Locked ${u.locked_for_s} s</span>`;
    else if (u.failures) state += ` <span class="badge badge-paused">密码错误 ${u.failures} 次 · ${u.failures} wrong password(s)</span>`;
    const name = esc(u.username);
    const toggle = u.disabled_at ? '<button class="btn" type="button" data-act="enable">启用 <small>Enable</small></button>'
      : '<button class="btn" type="button" data-act="disable">停用 <small>Disable</small></button>';
    const unlock = u.failures ? '<button class="btn" type="button" data-act="unlock">解锁 <small>Unlock</small></button>' : "";
    return `<tr data-user="${name}"><td>${name}</td>
      <td><select data-act="role" aria-label="角色 Role">${Object.entries(ROLE).map(([k, v]) =>
        `<option value="${k}" ${k === u.role ? "selected" : ""}>${v}</option>`).join("")}</select></td>
      <td>${state}</td><td class="num">${u.sessions}</td><td>${toggle} ${unlock}</td>
      <td><input type="password" class="new-password" autocomplete="new-password" minlength="6" aria-label="新密码 New password">
        <button class="btn" type="button" data-act="password">重设 <small>Set</small></button></td></tr>`;
  }).join("");
}
$("users-table").addEventListener("click", async (ev) => {
  const b = ev.target.closest("button[data-act]");
  if (!b) return;
  const row = b.closest("tr");
  const user = row.dataset.user, act = b.dataset.act;
  const body = act === "password" ? {password: row.querySelector(".new-password").value} : undefined;
  const r = await Hall.api("POST", `/api/v1/users/${encodeURIComponent(user)}/${act}`, body);
  if (!r.ok) say(Hall.errorText(r));
  else {
    const ended = r.data.sessions_ended ? `，已结束 ${r.data.sessions_ended} 个会话 · ${r.data.sessions_ended} session(s) ended` : "";
    say(`${user}：${b.textContent.trim()}${ended}`, "ok");
  }
  await loadUsers();
});
$("users-table").addEventListener("change", async (ev) => {
  if (ev.target.dataset.act !== "role") return;
  const user = ev.target.closest("tr").dataset.user;
  const r = await Hall.api("PUT", `/api/v1/users/${encodeURIComponent(user)}/role`, {role: ev.target.value});
  if (!r.ok) say(Hall.errorText(r)); else say(`${user}：${ROLE[ev.target.value]}`, "ok");
  await loadUsers();
});
$("user-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const r = await Hall.api("POST", "/api/v1/users", {username: $("new-username").value.trim(),
    password: $("new-password").value, role: $("new-role").value});
  $("user-error").textContent = r.ok ? "" : Hall.errorText(r);
  if (!r.ok) return;
  say(`已新建账号 ${r.data.username} · Account ${r.data.username} added`, "ok");
  $("new-username").value = ""; $("new-password").value = "";
  await loadUsers();
});

async function loadDevices() {
  const r = await Hall.api("GET", "/api/v1/devices");
  if (!r.ok) { say(Hall.errorText(r)); return; }
  $("devices-table").tBodies[0].innerHTML = r.data.map((d) => {
    const seen = d.last_seen_at ? `${Hall.time(d.last_seen_at)} <small>${Hall.ago(d.last_seen_at).join(" ")}</small>` : '<span class="muted">从未 Never</span>';
    const state = d.revoked_at ? '<span class="badge badge-closed">已吊销 Revoked</span>' : '<span class="badge badge-open">有效 Active</span>';
    return `<tr data-device="${esc(d.name)}"><td>${esc(d.name)}</td><td>${KIND[d.kind] || esc(d.kind)}</td>
      <td>${d.window === null ? "–" : d.window}</td><td>${seen}</td><td>${state}</td>
      <td><button class="btn" type="button" data-act="rotate">${d.revoked_at ? "重新启用（新令牌） <small>New token</small>" : "更换令牌 <small>New token</small>"}</button>
        ${d.revoked_at ? "" : '<button class="btn" type="button" data-act="revoke">吊销 <small>Revoke</small></button>'}</td></tr>`;
  }).join("");
}
function showSetup(d) {
  $("setup-title").innerHTML = `${esc(d.name)} 的设置码 <small>Setup code of ${esc(d.name)}</small>`;
  $("setup-qr").innerHTML = d.setup_qr_svg;  // made by the server (segno), not from anyone's text
  $("setup-text").textContent = d.setup;
  $("setup-box").classList.remove("hidden");
  $("setup-box").scrollIntoView({block: "center"});
}
$("setup-close").addEventListener("click", () => {
  $("setup-box").classList.add("hidden");
  $("setup-text").textContent = ""; $("setup-qr").innerHTML = "";
});
$("devices-table").addEventListener("click", async (ev) => {
  const b = ev.target.closest("button[data-act]");
  if (!b) return;
  const name = b.closest("tr").dataset.device;
  if (b.dataset.act === "revoke" && b.dataset.armed !== "1") {  // a second click confirms (no browser dialog)
    b.dataset.armed = "1";
    b.innerHTML = "确认吊销？ <small>Click again to revoke</small>";
    b.classList.add("btn-danger");
    return;
  }
  const r = await Hall.api("POST", `/api/v1/devices/${encodeURIComponent(name)}/${b.dataset.act}`);
  if (!r.ok) { say(Hall.errorText(r)); return; }
  if (b.dataset.act === "rotate") showSetup(r.data);
  else say(`${name}：已吊销，令牌立即失效 · revoked, its token no longer works`, "ok");
  await loadDevices();
});
$("device-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const w = $("new-device-window").value;
  const r = await Hall.api("POST", "/api/v1/devices", {name: $("new-device").value.trim(), kind: $("new-device-kind").value,
    window: w ? Number(w) : undefined});
  $("device-error").textContent = r.ok ? "" : Hall.errorText(r);
  if (!r.ok) return;
  $("new-device").value = ""; $("new-device-window").value = "";
  showSetup(r.data);
  await loadDevices();
});
$("logout-btn").addEventListener("click", () => Hall.logout());
loadUsers();
loadDevices();
