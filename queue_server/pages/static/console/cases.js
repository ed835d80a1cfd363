// The console's 受理 panel: while a ticket is served, the clerk checks the materials against the matter's
// list and accepts the case (容缺: the materials the matter's guide marks deferrable may follow against a signed
// pledge) or refuses it
// (the one-time notice lists exactly what is missing). The window's printer prints the slips; the PDFs are
// linked as well. Loaded before console.js, which calls CaseDesk.render(C) after each render.
"use strict";
const CaseDesk = (() => {
  const el = (id) => document.getElementById(id);
  let C = null;
  // The matter's guide marks each material 主件 or 辅件, and whether it may follow under a 容缺 pledge.
  const marks = (m) => `<span class="badge">${m.main === false ? "辅件 supporting" : "主件 main"}</span>` +
    (m.deferrable ? ' <span class="badge badge-deferrable">可容缺 may follow</span>' : "");

  let shownFor = null;  // the ticket whose cases the result box shows

  function render(state) {
    C = state;
    const g = C.view && C.view.guide;
    const serving = C.view && C.view.window.ticket;
    el("case-open").classList.toggle("hidden", !(g && serving));
    if (!serving || serving.id !== shownFor) el("case-result").classList.add("hidden");
  }

  function open() {
    const g = C.view.guide;
    el("case-matter").textContent = `${g.name_zh} ${g.name_en}`;
    el("case-materials").innerHTML = g.materials.map((m) =>
      `<li><label><input type="checkbox" data-material="${Hall.esc(m.id)}" checked> ${Hall.esc(m.zh)}
        <small>${Hall.esc(m.en)}</small> ${marks(m)}</label></li>`).join("");
    el("case-deficiency-row").classList.toggle("hidden", !g.deficiency_allowed);
    el("case-deficiency").checked = false;
    el("case-reason").innerHTML = (C.view.rules.refusal_reasons || []).map((r) =>
      `<option value="${Hall.esc(r.code)}">${Hall.esc(r.zh)} ${Hall.esc(r.en)}</option>`).join("");
    el("case-result").classList.add("hidden");
    el("case-dialog").showModal();
  }

  function provided() {
    return [...document.querySelectorAll("#case-materials [data-material]")]
      .filter((b) => b.checked).map((b) => b.dataset.material);
  }

  function applicant() {
    const out = {};
    const name = el("case-name").value.trim(), id = el("case-id").value.trim(), phone = el("case-phone").value.trim();
    if (name) out.applicant_name = name;
    if (id) out.id_number = id;
    if (phone) out.phone = phone;
    return out;
  }

  function showResult(data, refused) {
    const lines = data.cases.map((c) => {
      const links = Object.entries(c.slips).map(([k, url]) =>
        `<a href="${Hall.esc(url)}" target="_blank" data-slip="${k}">${{receipt: "受理回执 Receipt", pledge: "承诺书 Pledge",
          notice: "一次性告知单 Notice"}[k]} (PDF)</a>`).join(" · ");
      const missing = (refused ? c.missing_main.concat(c.missing_aux) : c.missing_aux)
        .map((m) => `${Hall.esc(m.zh)}`).join("、");
      return `<div class="case-line" data-case="${c.id}"><b>${Hall.esc(c.case_no)}</b>
        <span class="badge case-state" data-state="${c.state}">${Hall.esc(c.state_zh)} ${Hall.esc(c.state_en)}</span>
        ${c.due_day ? `承诺办结 Due ${Hall.esc(c.due_day)}` : ""}
        ${missing ? `<div>${refused ? "缺少 Missing" : "待补正 To supply"}：${missing}</div>` : ""}<div>${links}</div></div>`;
    });
    const p = data.printing;
    const printed = p.error === "no_printer" ? "本窗口未配置打印机，请打印 PDF · No printer at this window: print the PDF"
      : p.error ? `打印失败 Printing failed: ${Hall.esc(p.error)}` : `已打印 ${p.printed} 张 Printed ${p.printed}`;
    el("case-result").innerHTML = lines.join("") + `<div class="muted" id="case-printing">${printed}</div>`;
    el("case-result").classList.remove("hidden");
  }

  async function send(refuse) {
    const no = C.windowNo;
    const body = Object.assign(applicant(), {provided: provided()});
    if (refuse) body.reason = el("case-reason").value;
    else body.deficiency = el("case-deficiency").checked;
    const r = await Hall.api("POST", `/api/v1/windows/${no}/${refuse ? "case-refusals" : "cases"}`, body);
    if (!r.ok) {
      const missing = r.data && r.data.missing;
      say(Hall.errorText(r) + (missing ? ` (${missing.join(", ")})` : ""));
      return;
    }
    el("case-dialog").close();
    shownFor = C.view.window.ticket.id;
    showResult(r.data, refuse);
    say(refuse ? "已不予受理，一次性告知单已出 · Refused; notice printed" : "已受理 · Case accepted", "ok");
  }

  el("case-open").addEventListener("click", open);
  el("case-accept").addEventListener("click", () => send(false));
  el("case-refuse").addEventListener("click", () => send(true));
  return {render};
})();
