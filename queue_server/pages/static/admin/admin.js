// Hall content admin (/admin): the live configuration from GET /api/v1/config, edited section by section and
// saved whole with PUT /api/v1/config (the server checks it with the hall file's own rules; a refusal names the
// field, shown next to it). Every save is a version; the versions tab shows each diff and restores any version.
// Kiosks, boards and consoles take a saved change at once (the config_changed event).
"use strict";
const $ = (id) => document.getElementById(id);
Hall.onUnauthorized = () => location.reload();  // a session that ended: the server shows the sign-in form
const A = {cfg: null, version: null, work: {}, dirty: {}, tab: "matters", hall: null, editing: null, draft: null};

function say(text, kind = "error") { Hall.toast(text, kind, kind === "ok" ? 5000 : 12000); }
const clone = (x) => JSON.parse(JSON.stringify(x));
const esc = Hall.esc;

// ---- what each section edits (paths into the configuration data; fields of a row or of a table) ----
const T = (key, zh, en, kind, extra) => Object.assign({key, zh, en, kind: kind || "text"}, extra || {});
const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const SECTIONS = {
  bundles: [{table: "bundles", title: ["一件事（一链办理）", "One-thing bundles"], fields: [
    T("code", "编码", "Code"), T("name_zh", "名称（中文）", "Name (zh)"), T("name_en", "名称（英文）", "Name (en)"),
    T("zone", "板块", "Zone", "zone"), T("matters", "包含事项（按办理顺序，空格分隔）", "Matters in order", "list"),
    T("promised_days", "承诺时限（工作日）", "Promised days", "int"),
    T("notes_zh", "说明（中文）", "Notes (zh)", "textarea"), T("notes_en", "说明（英文）", "Notes (en)", "textarea")],
    after: "bundle-merged"}],
  materials: [{table: "materials", dict: true, title: ["材料目录", "Materials catalogue"], fields: [
    T("id", "编号", "ID"), T("zh", "中文名称", "Name (zh)"), T("en", "英文名称", "Name (en)")]}],
  zones: [{table: "zones", title: ["业务板块", "Zones"], fields: [
    T("code", "编码", "Code"), T("prefix", "号码字母", "Prefix"),
    T("kind", "类型", "Kind", "select", {options: ["front", "pickup", "consult", "chain"]}),
    T("name_zh", "名称（中文）", "Name (zh)"), T("name_en", "名称（英文）", "Name (en)"),
    T("target_wait_s", "目标等待（分钟）", "Target wait (min)", "min"),
    T("service_s", "平均办理（分钟）", "Mean service (min)", "min"), T("icon", "图标", "Icon")]}],
  windows: [{table: "windows", title: ["窗口及其板块（第一个为主板块）", "Windows and their zones (first = home)"], fields: [
    T("number", "窗口号", "Number", "int"), T("zones", "办理板块（空格分隔）", "Zones served", "list"),
    T("label_zh", "标签（中文）", "Label (zh)"), T("label_en", "标签（英文）", "Label (en)")]}],
  lists: [
    {object: "rules", title: ["绿色通道与时限", "Green channel and time limits"], fields: [
      T("priority_classes", "绿色通道类别（空格分隔）", "Green-channel classes", "list"),
      T("follow_up_working_days", "差评回访期限（工作日）", "Bad-rating follow-up (working days)", "int"),
      T("licence_hold_days", "证照留存天数", "Licence hold (days)", "int")]},
    {table: "rules.pause_reasons", title: ["暂停原因", "Pause reasons"], fields: [
      T("code", "编码", "Code"), T("zh", "中文", "Chinese"), T("en", "英文", "English")]},
    {table: "rules.rating_reasons", title: ["差评原因", "Bad-rating reasons"], fields: [
      T("code", "编码", "Code"), T("zh", "中文", "Chinese"), T("en", "英文", "English")]}],
  notices: [
    {object: "hall", title: ["大厅公告", "Hall notice"], fields: [
      T("notice_zh", "公告（中文）", "Notice (zh)", "textarea"), T("notice_en", "公告（英文）", "Notice (en)", "textarea")]},
    {object: "public", title: ["投诉电话", "Complaints line"], fields: [
      T("complaint_zh", "中文", "Chinese"), T("complaint_en", "英文", "English")]}],
  opening: [
    {object: "opening", title: ["办公时间", "Opening hours"], fields: [
      T("enforce", "只在办公时间内取号", "Numbers only within the hours", "bool"),
      T("makeup_day_as", "调休上班日按星期几的时间", "A 调休 working day keeps the hours of", "select", {options: WEEKDAYS})]},
    {table: "opening.sessions", title: ["时段（节假日与调休见日历文件）", "Sessions (holidays: the calendar file)"], fields: [
      T("days", "星期（mon…sun）", "Weekdays", "list"), T("open", "开始", "Open"), T("close", "结束", "Close"),
      T("last_ticket", "停止取号", "Last ticket"), T("zones", "板块（空=全部）", "Zones (none = all)", "list"),
      T("kind", "类型", "Kind", "select", {options: ["regular", "extended", "appointments"]})]}],
};
const KIND_WORDS = {front: "前台 front", pickup: "出件 pickup", consult: "咨询 consult", chain: "一链 chain",
  regular: "常规 regular", extended: "延时服务 extended", appointments: "仅预约 appointments"};

function at(obj, path) { return path.split(".").reduce((o, k) => (o ? o[k] : undefined), obj); }
function blankRow(fields) {
  const row = {};
  for (const f of fields) row[f.key] = f.kind === "int" || f.kind === "min" ? 0 : f.kind === "bool" ? false
    : f.kind === "list" ? [] : f.kind === "select" ? f.options[0] : f.kind === "zone" ? "" : "";
  return row;
}
function rowsOf(work, block) {
  const v = at(work, block.table);
  if (!block.dict) return v;
  if (!work.__materials) work.__materials = Object.entries(v).map(([id, m]) => ({id, zh: m.zh, en: m.en}));
  return work.__materials;
}

function input(f, value, path) {
  const attrs = `data-path="${esc(path)}" data-kind="${f.kind}" aria-label="${esc(f.zh)} ${esc(f.en)}"`;
  if (f.kind === "bool") return `<input type="checkbox" ${attrs} ${value ? "checked" : ""}>`;
  if (f.kind === "textarea") return `<textarea rows="2" ${attrs}>${esc(value)}</textarea>`;
  if (f.kind === "select" || f.kind === "zone") {
    const opts = f.kind === "zone" ? A.cfg.zones.map((z) => z.code) : f.options;
    return `<select ${attrs}>${opts.map((o) => `<option value="${esc(o)}" ${o === value ? "selected" : ""}>${esc(
      f.kind === "zone" ? zoneName(o) : KIND_WORDS[o] || o)}</option>`).join("")}</select>`;
  }
  if (f.kind === "int") return `<input type="number" ${attrs} value="${esc(value)}">`;
  if (f.kind === "min") return `<input type="number" step="1" ${attrs} value="${esc(Math.round(value / 60))}">`;
  if (f.kind === "list") return `<input ${attrs} value="${esc((value || []).join(" "))}">`;
  return `<input ${attrs} value="${esc(value)}">`;
}
function readInput(el) {
  const k = el.dataset.kind;
  if (k === "bool") return el.checked;
  if (k === "int") return el.value === "" ? 0 : Number(el.value);
  if (k === "min") return Math.round(Number(el.value || 0) * 60);
  if (k === "list") return el.value.split(/[\s,，、]+/).filter(Boolean);
  return el.value;
}
function zoneName(code) {
  const z = A.cfg.zones.find((x) => x.code === code);
  return z ? `${z.name_zh} ${z.name_en}` : code;
}

// ---- sections (everything but matters): a working copy per section, written as the clerk types ----
function renderSection(tab) {
  const work = A.work[tab] || (A.work[tab] = clone(A.cfg));
  const html = SECTIONS[tab].map((block, bi) => {
    const head = `<h2>${esc(block.title[0])} <small>${esc(block.title[1])}</small></h2>`;
    if (block.object) {
      const obj = at(work, block.object);
      return `<div class="card block">${head}<div class="form-grid">${block.fields.map((f) =>
        `<label class="${f.kind === "textarea" ? "wide" : ""}${f.kind === "bool" ? " check" : ""}">${esc(f.zh)} <small>${esc(f.en)}</small>
          ${input(f, obj[f.key], `${block.object}.${f.key}`)}<span class="field-error"></span></label>`).join("")}</div></div>`;
    }
    const rows = rowsOf(work, block);
    const body = rows.map((row, i) => `<tr data-row="${i}">${block.fields.map((f) => {
      const path = block.dict ? `materials.${row.id}.${f.key}` : `${block.table}[${i}].${f.key}`;
      return `<td>${input(f, row[f.key], path)}<span class="field-error"></span></td>`;
    }).join("")}${block.after ? `<td class="merged">${mergedList(row.code)}</td>` : ""}
      <td><button class="btn btn-small" type="button" data-remove="${bi}:${i}">删除 <small>Remove</small></button></td></tr>`).join("");
    return `<div class="card block">${head}<table class="edit-table" data-block="${bi}"><thead><tr>${block.fields.map(
      (f) => `<th>${esc(f.zh)} <small>${esc(f.en)}</small></th>`).join("")}${block.after
      ? "<th>合并后的材料清单 <small>Merged materials list</small></th>" : ""}<th></th></tr></thead><tbody>${body}</tbody></table>
      <button class="btn" type="button" data-add="${bi}">＋ 添加一行 <small>Add a row</small></button></div>`;
  }).join("");
  // the codes that list fields take, with their names (clerks type codes, and see what they mean)
  const hint = ["windows", "bundles", "opening"].includes(tab) ? `<p class="muted codes-hint">板块编码 <small>Zone codes</small>：${
    A.cfg.zones.map((z) => `<b>${esc(z.code)}</b> ${esc(z.name_zh)}`).join(" · ")}</p>` : "";
  $(`${tab}-body`).innerHTML = hint + html;
  $(`${tab}-error`).classList.add("hidden");
}
function mergedList(code) {
  const b = A.hall && A.hall.bundles.find((x) => x.code === code);
  if (!b) return "";
  return `<ol>${b.materials.map((m) => `<li>${esc(m.zh)}</li>`).join("")}</ol>`;
}
function onSectionInput(ev) {
  const el = ev.target.closest("[data-path]");
  if (!el) return;
  const tab = A.tab;
  const work = A.work[tab];
  const tr = el.closest("tr[data-row]");
  const key = el.dataset.path.split(".").pop();
  if (tr) {
    const block = SECTIONS[tab][Number(el.closest("table").dataset.block)];
    rowsOf(work, block)[Number(tr.dataset.row)][key] = readInput(el);
  } else {
    const objPath = el.dataset.path.slice(0, el.dataset.path.lastIndexOf("."));
    at(work, objPath)[key] = readInput(el);
  }
  A.dirty[tab] = true;
  clearErrors($(`panel-${tab}`));
}
function onSectionClick(ev) {
  const tab = A.tab;
  const work = A.work[tab];
  const add = ev.target.closest("[data-add]");
  const remove = ev.target.closest("[data-remove]");
  if (add) {
    const block = SECTIONS[tab][Number(add.dataset.add)];
    rowsOf(work, block).push(blankRow(block.fields));
  } else if (remove) {
    const [bi, i] = remove.dataset.remove.split(":").map(Number);
    rowsOf(work, SECTIONS[tab][bi]).splice(i, 1);
  } else return;
  A.dirty[tab] = true;
  renderSection(tab);
}
function finished(work) {
  const out = clone(work);
  if (out.__materials) {
    out.materials = {};
    for (const m of out.__materials) out.materials[m.id] = {zh: m.zh, en: m.en};
    delete out.__materials;
  }
  return out;
}

// ---- saving: the whole configuration, checked by the server; a refusal is shown by its field ----
async function save(config, panel, errorBox) {
  clearErrors(panel);
  A.saving = true;  // this page's own change comes back as an event too: not "changed elsewhere"
  const r = await Hall.api("PUT", "/api/v1/config", {config, base_version: A.version}).finally(() => { A.saving = false; });
  if (r.ok) {
    await load();
    say(r.data.changed ? `已保存为第 ${r.data.version} 版，已在自助机、大屏和工作台生效 · Saved as version ${r.data.version}; kiosks, boards and consoles show it now`
      : "没有变化 · Nothing changed", "ok");
    return true;
  }
  if (r.status === 409 && r.data && r.data.error === "version_moved") {
    await load();
    say("配置已被他人更改，已重新读取；请再做一次修改 · Someone else changed the configuration: read again, make your change once more");
    return false;
  }
  showError(panel, errorBox, r);
  return false;
}
function clearErrors(panel) {
  for (const e of panel.querySelectorAll(".field-error")) e.textContent = "";
  for (const e of panel.querySelectorAll(".invalid")) e.classList.remove("invalid");
}
function showError(panel, errorBox, r) {
  const field = r.data && r.data.field;
  const text = Hall.errorText(r);
  let el = field ? panel.querySelector(`[data-path="${CSS.escape(field)}"]`) : null;
  if (!el && field) el = panel.querySelector(`[data-error-for="${CSS.escape(field.split(".").pop())}"]`);
  if (el) {
    const slot = el.classList.contains("field-error") ? el : el.parentElement.querySelector(".field-error");
    if (slot) slot.textContent = r.data.message;
    el.classList.add("invalid");
    el.scrollIntoView({block: "center"});
    if (el.focus) el.focus();
  }
  errorBox.textContent = text;
  errorBox.classList.remove("hidden");
}

// ---- matters: a table, and an editor for one matter with its 一次告知 guide ----
function renderMatters() {
  const zf = $("matter-zone-filter");
  if (zf.options.length === 1) {
    zf.insertAdjacentHTML("beforeend", A.cfg.zones.map((z) => `<option value="${esc(z.code)}">${esc(zoneName(z.code))}</option>`).join(""));
  }
  const rows = A.cfg.matters.map((m, i) => [m, i]).filter(([m]) => !zf.value || m.zone === zf.value);
  $("matters-table").tBodies[0].innerHTML = rows.map(([m, i]) => `<tr data-code="${esc(m.code)}">
    <td>${esc(m.code)}</td><td>${esc(m.name_zh)}<br><small>${esc(m.name_en)}</small></td><td>${esc(zoneName(m.zone))}</td>
    <td class="num">${m.legal_days} / ${m.promised_days}</td><td class="num">${m.materials.length}</td><td>${esc(m.fee_zh)}</td>
    <td><button class="btn" type="button" data-edit="${i}">编辑 <small>Edit</small></button>
        <button class="btn" type="button" data-delete="${i}">删除 <small>Delete</small></button></td></tr>`).join("");
}
function openMatter(index) {
  const blank = {code: "", zone: (A.cfg.zones.find((z) => z.kind === "front") || A.cfg.zones[0]).code, name_zh: "",
    name_en: "", common: false, service_s: 600, legal_days: 0, promised_days: 0, fee_zh: "不收费", fee_en: "Free",
    materials: [], notes_zh: "", notes_en: "", conditions_zh: "", conditions_en: "", legal_basis_zh: "",
    legal_basis_en: "", optional_materials: [], deferrable_materials: [], produces: [], department: ""};
  A.editing = index;
  A.draft = {matter: clone(index === null ? blank : A.cfg.matters[index]), materials: clone(A.cfg.materials)};
  const m = A.draft.matter;
  const i = index === null ? A.cfg.matters.length : index;
  $("matter-editor-title").innerHTML = index === null ? "新增事项 <small>New matter</small>"
    : `编辑事项 ${esc(m.code)} <small>Edit matter</small>`;
  const zone = $("matter-form").querySelector('[data-key="zone"]');
  zone.innerHTML = A.cfg.zones.map((z) => `<option value="${esc(z.code)}">${esc(zoneName(z.code))}</option>`).join("");
  for (const el of $("matter-form").querySelectorAll("[data-key]")) {
    const key = el.dataset.key;
    el.dataset.path = `matters[${i}].${key === "service_min" ? "service_s" : key}`;
    if (!el.parentElement.querySelector(".field-error")) el.insertAdjacentHTML("afterend", '<span class="field-error"></span>');
    if (el.type === "checkbox") el.checked = !!m[key];
    else if (key === "service_min") el.value = Math.round(m.service_s / 60);
    else el.value = m[key];
  }
  for (const e of $("matter-form").querySelectorAll("[data-error-for]")) {
    e.dataset.path = `matters[${i}].${e.dataset.errorFor}`;
  }
  clearErrors($("matter-editor"));
  $("matter-error").classList.add("hidden");
  renderMatterMaterials();
  $("matter-editor").classList.remove("hidden");
  $("matter-form").querySelector('[data-key="code"]').focus();
}
function renderMatterMaterials() {
  const m = A.draft.matter;
  const cat = A.draft.materials;
  $("matter-materials").tBodies[0].innerHTML = m.materials.map((id, j) => `<tr data-material="${esc(id)}">
    <td>${esc(cat[id] ? cat[id].zh : id)}<br><small>${esc(cat[id] ? cat[id].en : "")}</small></td>
    <td><select data-material-kind="${j}"><option value="main">主件 Main</option>
      <option value="optional" ${m.optional_materials.includes(id) ? "selected" : ""}>辅件 Supporting</option></select></td>
    <td><label class="check"><input type="checkbox" data-material-defer="${j}" ${m.deferrable_materials.includes(id) ? "checked" : ""}> 可容缺 <small>Deferrable</small></label></td>
    <td><button class="btn btn-small" type="button" data-material-up="${j}" ${j ? "" : "disabled"}>↑</button>
        <button class="btn btn-small" type="button" data-material-remove="${j}">移除 <small>Remove</small></button></td></tr>`).join("")
    || '<tr><td colspan="4" class="muted">尚无材料 No materials yet</td></tr>';
  $("material-pick").innerHTML = Object.entries(cat).filter(([id]) => !m.materials.includes(id))
    .map(([id, x]) => `<option value="${esc(id)}">${esc(x.zh)} · ${esc(x.en)}</option>`).join("");
  $("matter-produces").innerHTML = m.produces.map((id, j) => `<span class="chip">${esc(cat[id] ? cat[id].zh : id)}
    <small>${esc(cat[id] ? cat[id].en : "")}</small> <button class="btn btn-small" type="button" data-produces-remove="${j}">移除 <small>Remove</small></button></span>`).join("")
    || '<span class="muted">无 None</span>';
  $("produces-pick").innerHTML = Object.entries(cat).filter(([id]) => !m.produces.includes(id))
    .map(([id, x]) => `<option value="${esc(id)}">${esc(x.zh)} · ${esc(x.en)}</option>`).join("");
}
function readMatterForm() {
  const m = A.draft.matter;
  for (const el of $("matter-form").querySelectorAll("[data-key]")) {
    const key = el.dataset.key;
    if (el.type === "checkbox") m[key] = el.checked;
    else if (key === "service_min") m.service_s = Math.max(1, Math.round(Number(el.value || 0) * 60));
    else if (el.type === "number") m[key] = el.value === "" ? 0 : Number(el.value);
    else m[key] = el.value.trim();
  }
  return m;
}
$("matter-materials").addEventListener("change", (ev) => {
  const m = A.draft.matter;
  const kind = ev.target.dataset.materialKind, defer = ev.target.dataset.materialDefer;
  if (kind !== undefined) {
    const id = m.materials[Number(kind)];
    m.optional_materials = m.optional_materials.filter((x) => x !== id);
    if (ev.target.value === "optional") m.optional_materials.push(id);
  }
  if (defer !== undefined) {
    const id = m.materials[Number(defer)];
    m.deferrable_materials = m.deferrable_materials.filter((x) => x !== id);
    if (ev.target.checked) m.deferrable_materials.push(id);
  }
});
$("matter-materials").addEventListener("click", (ev) => {
  const m = A.draft.matter;
  const rm = ev.target.closest("[data-material-remove]"), up = ev.target.closest("[data-material-up]");
  if (rm) {
    const id = m.materials.splice(Number(rm.dataset.materialRemove), 1)[0];
    m.optional_materials = m.optional_materials.filter((x) => x !== id);
    m.deferrable_materials = m.deferrable_materials.filter((x) => x !== id);
  } else if (up) {
    const j = Number(up.dataset.materialUp);
    [m.materials[j - 1], m.materials[j]] = [m.materials[j], m.materials[j - 1]];
  } else return;
  renderMatterMaterials();
});
$("matter-produces").addEventListener("click", (ev) => {
  const b = ev.target.closest("[data-produces-remove]");
  if (!b) return;
  A.draft.matter.produces.splice(Number(b.dataset.producesRemove), 1);
  renderMatterMaterials();
});
$("produces-add").addEventListener("click", () => {
  const id = $("produces-pick").value;
  if (id) { A.draft.matter.produces.push(id); renderMatterMaterials(); }
});
$("material-add").addEventListener("click", () => {
  const id = $("material-pick").value;
  if (id) { A.draft.matter.materials.push(id); renderMatterMaterials(); }
});
$("new-material-add").addEventListener("click", () => {
  const id = $("new-material-id").value.trim(), zh = $("new-material-zh").value.trim(), en = $("new-material-en").value.trim();
  if (!id || !zh || !en) { say("新材料需要编号、中文和英文名称 · A new material needs an id, a Chinese and an English name"); return; }
  A.draft.materials[id] = {zh, en};
  A.draft.matter.materials.push(id);
  for (const f of ["new-material-id", "new-material-zh", "new-material-en"]) $(f).value = "";
  renderMatterMaterials();
});
$("matter-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const m = readMatterForm();
  const config = clone(A.cfg);
  config.materials = A.draft.materials;
  if (A.editing === null) config.matters.push(m); else config.matters[A.editing] = m;
  if (await save(config, $("matter-editor"), $("matter-error"))) $("matter-editor").classList.add("hidden");
});
$("matter-cancel").addEventListener("click", () => $("matter-editor").classList.add("hidden"));
$("matter-add").addEventListener("click", () => openMatter(null));
$("matter-zone-filter").addEventListener("change", renderMatters);
$("matters-table").addEventListener("click", async (ev) => {
  const edit = ev.target.closest("[data-edit]"), del = ev.target.closest("[data-delete]");
  if (edit) openMatter(Number(edit.dataset.edit));
  if (del) {
    const i = Number(del.dataset.delete);
    if (del.dataset.armed !== "1") {  // a second click confirms (no browser dialog)
      del.dataset.armed = "1";
      del.innerHTML = "确认删除？ <small>Click again to delete</small>";
      del.classList.add("btn-danger");
      return;
    }
    const config = clone(A.cfg);
    config.matters.splice(i, 1);
    const box = document.createElement("p");
    if (!(await save(config, $("panel-matters"), box))) say(box.textContent);
  }
});

// ---- versions: who, when, the diff; restore applies an old version as a new one ----
async function loadVersions() {
  const r = await Hall.api("GET", "/api/v1/config/versions");
  if (!r.ok) { say(Hall.errorText(r)); return; }
  $("versions-table").tBodies[0].innerHTML = r.data.versions.map((v) => `<tr data-version="${v.id}">
    <td class="num">${v.id}${v.id === r.data.live_version ? ' <span class="badge badge-open">现行 live</span>' : ""}</td>
    <td>${esc(Hall.time(v.at))}</td><td>${esc(v.who)}</td><td>${esc(v.source)}</td><td>${esc(v.summary)}</td>
    <td><button class="btn" type="button" data-diff="${v.id}">查看变化 <small>Diff</small></button>
      ${v.id === r.data.live_version ? "" : `<button class="btn" type="button" data-revert="${v.id}">恢复此版本 <small>Restore</small></button>`}</td></tr>`).join("");
}
$("versions-table").addEventListener("click", async (ev) => {
  const d = ev.target.closest("[data-diff]"), rv = ev.target.closest("[data-revert]");
  if (d) {
    const r = await Hall.api("GET", `/api/v1/config/versions/${d.dataset.diff}`);
    if (!r.ok) { say(Hall.errorText(r)); return; }
    $("diff-title").innerHTML = `第 ${r.data.id} 版的变化 <small>Changes of version ${r.data.id}</small>：${esc(r.data.summary)}`;
    $("diff-text").innerHTML = (r.data.diff || "（第一版 first version）").split("\n").map((line) =>
      `<span class="${line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : ""}">${esc(line)}</span>`).join("\n");
    $("diff-box").classList.remove("hidden");
  }
  if (rv) {
    A.saving = true;
    const r = await Hall.api("POST", `/api/v1/config/versions/${rv.dataset.revert}/revert`).finally(() => { A.saving = false; });
    if (!r.ok) { say(Hall.errorText(r)); return; }
    await load();
    say(`已恢复第 ${rv.dataset.revert} 版，作为第 ${r.data.version} 版生效 · Version ${rv.dataset.revert} restored as version ${r.data.version}`, "ok");
  }
});

// ---- tabs, loading, live ----
function showTab(tab) {
  A.tab = tab;
  for (const b of document.querySelectorAll(".tab")) b.classList.toggle("active", b.dataset.tab === tab);
  for (const p of document.querySelectorAll(".panel")) p.classList.toggle("hidden", p.id !== `panel-${tab}`);
  render();
}
function render() {
  $("live-version").textContent = A.version;
  if (A.tab === "matters") renderMatters();
  else if (A.tab === "versions") loadVersions();
  else renderSection(A.tab);
}
async function load() {
  const [r, h] = await Promise.all([Hall.api("GET", "/api/v1/config"), Hall.api("GET", "/api/v1/hall")]);
  if (!r.ok) { say(Hall.errorText(r)); return; }
  A.cfg = r.data.config;
  A.version = r.data.version;
  if (h.ok) { A.hall = h.data; Hall.tz = h.data.timezone; }
  A.work = {};
  A.dirty = {};
  $("moved").classList.add("hidden");
  render();
}
for (const b of document.querySelectorAll(".tab")) b.addEventListener("click", () => showTab(b.dataset.tab));
for (const tab of Object.keys(SECTIONS)) {
  const panel = $(`panel-${tab}`);
  panel.addEventListener("input", onSectionInput);
  panel.addEventListener("change", onSectionInput);
  panel.addEventListener("click", onSectionClick);
}
document.addEventListener("click", async (ev) => {
  const s = ev.target.closest("[data-save]"), x = ev.target.closest("[data-reset]");
  if (s) await save(finished(A.work[s.dataset.save]), $(`panel-${s.dataset.save}`), $(`${s.dataset.save}-error`));
  if (x) { delete A.work[x.dataset.reset]; A.dirty[x.dataset.reset] = false; renderSection(x.dataset.reset); }
});
$("logout-btn").addEventListener("click", () => Hall.logout());
load().then(() => {
  Hall.live(["config_changed"], async (kind, data) => {
    if (A.saving || data.version <= A.version) return;
    if (Object.values(A.dirty).some(Boolean) || !$("matter-editor").classList.contains("hidden")) {
      $("moved").classList.remove("hidden");  // keep what the clerk is typing; a save will say it moved
      return;
    }
    await load();
  }, (up) => { $("conn").style.color = up ? "#9be39f" : "#ffb4ab"; });
});
