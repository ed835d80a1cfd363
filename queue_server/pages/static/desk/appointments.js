// The appointment desk: a caller on the phone picks a slot (days × slots, places left), is booked and told the
// code; bookings are moved or cancelled; the day's list shows check-ins and no-shows; a slot's capacity changes.
"use strict";
const $ = (id) => document.getElementById(id);
Hall.tz = document.body.dataset.tz;
Hall.onUnauthorized = () => location.reload();
const STATUS = {booked: ["已预约", "Booked"], checked_in: ["已签到", "Checked in"], no_show: ["未到", "No-show"],
                cancelled: ["已取消", "Cancelled"]};
const WEEK = "日一二三四五六";
let from = null;      // first day shown (server's today at first)
let today = null;
let chosen = null;    // the selected slot {zone, start, ...}
let moving = null;    // the appointment being moved

function say(text, kind = "ok") { Hall.toast(text, kind, 6000); }
const zoneName = (code) => {
  const o = [...$("zone").options].find((x) => x.value === code);
  return o ? o.textContent : code;
};
const hhmm = (iso) => iso.slice(11, 16);  // slot times come in hall time (+08:00)
function addDays(day, n) {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
const dayLabel = (day) => `${day.slice(5)} 周${WEEK[new Date(`${day}T12:00:00Z`).getUTCDay()]}`;

async function loadPicker() {
  const zone = $("zone").value;
  if (!zone) return;
  const q = new URLSearchParams({zone, days: "7"});
  if (from) q.set("from", from);
  const r = await Hall.api("GET", `/api/v1/appointments/picker?${q}`);
  if (!r.ok) { say(Hall.errorText(r), "error"); return; }
  today = r.data.today;
  from = r.data.from;
  if (!$("day").value) { $("day").value = today; loadDay(); }
  $("prev-week").disabled = from <= today;
  $("picker-range").textContent = `${r.data.days[0].date} – ${r.data.days[r.data.days.length - 1].date}`;
  const times = [...new Set(r.data.days.flatMap((d) => d.slots.map((s) => hhmm(s.start))))].sort();
  $("picker").querySelector("thead").innerHTML = `<tr><th>时段 Slot</th>${r.data.days.map((d) =>
    `<th>${dayLabel(d.date)}${d.closed ? "<br><small>休息 Closed</small>" : ""}</th>`).join("")}</tr>`;
  $("picker").querySelector("tbody").innerHTML = times.map((t) => `<tr><th>${t}</th>${r.data.days.map((d) => {
    const s = d.slots.find((x) => hhmm(x.start) === t);
    if (!s) return `<td class="closed">–</td>`;
    const full = s.free <= 0, isChosen = chosen && chosen.start === s.start;
    const data = Hall.esc(JSON.stringify(s));
    return `<td><button type="button" class="btn slot${full ? " full" : ""}${isChosen ? " chosen" : ""}"
      data-slot="${data}" data-start="${s.start}" ${s.bookable ? "" : "disabled"}>
      余 ${s.free} <small>/ ${s.capacity} left</small></button></td>`;
  }).join("")}</tr>`).join("");
  if (chosen) {
    const again = r.data.days.flatMap((d) => d.slots).find((s) => s.start === chosen.start);
    if (again) showSlot(again);
  }
}

function showSlot(s) {
  chosen = s;
  $("slot-none").classList.add("hidden");
  $("slot-detail").classList.remove("hidden");
  $("slot-title").textContent = `${dayLabel(s.start.slice(0, 10))} ${hhmm(s.start)}–${hhmm(s.end)}`;
  $("slot-counts").innerHTML = `已约 <b id="slot-booked">${s.booked}</b> / 容量 <b id="slot-capacity">${s.capacity}</b>
    <small>booked / capacity</small>，余 <b id="slot-free">${s.free}</b> <small>left</small>`;
  $("capacity").value = s.capacity;
  $("book-form").classList.toggle("hidden", !!moving);
  $("move-btn").classList.toggle("hidden", !moving);
  for (const b of document.querySelectorAll("#picker .slot")) b.classList.toggle("chosen", b.dataset.start === s.start);
}

$("picker").addEventListener("click", (ev) => {
  const b = ev.target.closest("[data-slot]");
  if (!b) return;
  $("slot-error").textContent = "";
  showSlot(JSON.parse(b.dataset.slot));
});
$("zone").addEventListener("change", () => { chosen = null; $("slot-detail").classList.add("hidden");
  $("slot-none").classList.remove("hidden"); loadPicker(); });
$("next-week").addEventListener("click", () => { from = addDays(from, 7); loadPicker(); });
$("prev-week").addEventListener("click", () => { from = addDays(from, -7) < today ? today : addDays(from, -7);
  loadPicker(); });

$("book-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  if (!chosen) return;
  const body = {zone: $("zone").value, slot_start: chosen.start.slice(0, 16)};
  if ($("book-name").value.trim()) body.name = $("book-name").value.trim();
  if ($("book-note").value.trim()) body.note = $("book-note").value.trim();
  $("slot-error").textContent = "";
  const r = await Hall.api("POST", "/api/v1/appointments", body);
  if (!r.ok) { $("slot-error").textContent = Hall.errorText(r); loadPicker(); return; }
  $("booked").innerHTML = `已预约 Booked：${dayLabel(r.data.day)} ${Hall.hm(r.data.slot_start)}。
    请告诉来电人预约码 Read the code to the caller：<span class="code-big" id="booked-code">${Hall.esc(r.data.code)}</span>`;
  $("booked").classList.remove("hidden");
  ev.target.reset();
  loadPicker();
  if ($("day").value === r.data.day) loadDay();
});

$("move-btn").addEventListener("click", async () => {
  if (!chosen || !moving) return;
  const r = await Hall.api("POST", `/api/v1/appointments/${moving.id}/move`, {slot_start: chosen.start.slice(0, 16)});
  if (!r.ok) { $("slot-error").textContent = Hall.errorText(r); return; }
  say(`已改期至 Moved to ${r.data.day} ${Hall.hm(r.data.slot_start)}（预约码不变 the code stays ${r.data.code}）`);
  stopMoving();
  loadPicker();
  loadDay();
});

function stopMoving() {
  moving = null;
  $("moving").classList.add("hidden");
  $("book-form").classList.remove("hidden");
  $("move-btn").classList.add("hidden");
}

$("capacity-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  if (!chosen) return;
  const r = await Hall.api("PUT", "/api/v1/appointments/capacity",
                           {zone: $("zone").value, slot_start: chosen.start.slice(0, 16), capacity: Number($("capacity").value)});
  if (!r.ok) {
    const text = r.data && r.data.error === "below_booked"
      ? `此时段已有 ${r.data.booked} 个预约，容量不能小于 ${r.data.booked}（请先改期或取消）。${r.data.message}`
      : Hall.errorText(r);
    $("slot-error").textContent = text;
    say(text, "error");
    $("capacity").value = chosen.capacity;
    return;
  }
  $("slot-error").textContent = "";
  say(`容量已改为 ${r.data.capacity}。Capacity set to ${r.data.capacity}.`);
  loadPicker();
});

async function loadDay() {
  const q = new URLSearchParams({date: $("day").value || today || ""});
  if (!$("day-all-zones").checked && $("zone").value) q.set("zone", $("zone").value);
  const r = await Hall.api("GET", `/api/v1/appointments/day?${q}`);
  if (!r.ok) { say(Hall.errorText(r), "error"); return; }
  const c = r.data.counts;
  $("day-counts").innerHTML = `待到 ${c.booked} · 已签到 ${c.checked_in} · 未到 ${c.no_show} · 已取消 ${c.cancelled}
    <small>to come · checked in · no-shows · cancelled</small>`;
  $("day-table").querySelector("tbody").innerHTML = r.data.appointments.map((a) => `<tr data-id="${a.id}">
    <td>${Hall.hm(a.slot_start)}</td><td>${Hall.esc(zoneName(a.zone))}</td><td>${Hall.esc(a.name || "")}</td>
    <td>${Hall.esc(a.note || a.ref || "")}</td>
    <td><span class="badge state-${a.status}" data-status="${a.status}">${STATUS[a.status][0]} <small>${STATUS[a.status][1]}</small></span></td>
    <td>${Hall.esc(a.ticket_number || "")}</td>
    <td>${a.state === "booked" && a.status === "booked" ? `<button class="btn mid" data-move="${a.id}" type="button">改期 <small>Move</small></button>
      <button class="btn mid" data-cancel="${a.id}" type="button">取消 <small>Cancel</small></button>` : ""}</td></tr>`).join("");
  $("no-appointments").classList.toggle("hidden", r.data.appointments.length > 0);
  $("day-table").dataset.rows = r.data.appointments.map((a) => a.id).join(",");
  loadDay.last = r.data.appointments;
}

$("day").addEventListener("change", loadDay);
$("day-all-zones").addEventListener("change", loadDay);
$("day-refresh").addEventListener("click", loadDay);
$("day-table").addEventListener("click", async (ev) => {
  const b = ev.target.closest("button");
  if (!b) return;
  const a = (loadDay.last || []).find((x) => String(x.id) === (b.dataset.move || b.dataset.cancel));
  if (!a) return;
  if (b.dataset.cancel) {
    if (!b.dataset.sure) {  // a second press confirms (no browser dialog over the page)
      b.dataset.sure = "1";
      b.classList.add("btn-danger");
      b.innerHTML = "确认取消 <small>Confirm cancel</small>";
      return;
    }
    const r = await Hall.api("DELETE", `/api/v1/appointments/${a.id}`);
    if (!r.ok) { say(Hall.errorText(r), "error"); return; }
    say("预约已取消。The appointment is cancelled.");
    loadDay();
    loadPicker();
    return;
  }
  moving = a;
  if ($("zone").value !== a.zone) { $("zone").value = a.zone; chosen = null; }
  $("moving").innerHTML = `正在改期 Moving：${Hall.esc(a.name || "")} ${a.day} ${Hall.hm(a.slot_start)} —
    请在上方选择新时段，再按“改到此时段” <small>pick the new slot, then press Move here</small>
    <button class="btn mid" id="stop-moving" type="button">放弃 <small>Stop</small></button>`;
  $("moving").classList.remove("hidden");
  $("stop-moving").addEventListener("click", stopMoving);
  if (chosen) showSlot(chosen);
  loadPicker();
  $("picker-card").scrollIntoView();
});
document.getElementById("logout-btn").addEventListener("click", () => Hall.logout());
setInterval(() => { if (!document.hidden) { loadDay(); } }, 15000);
loadPicker();
