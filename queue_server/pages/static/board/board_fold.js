/* What a board shows, folded from GET /api/v1/board snapshots and /api/v1/events (pure: no DOM, no network).
   The JS twin of queue_server/core/board_fold.py: both run tests/cases/board_fold.json, change them together.
   Every event id is folded in once; a recall is its own event. Waits are worded by HallWaits (common/waits.js).
   Events are applied, never answered with a refetch: queue events carry each changed zone's waiting count and
   next numbers, window events the window's state, zones and staff; open / idle counts are recounted from the
   windows held. The page reads a snapshot only when the stream (re)opens or after a gap: each public event names
   the previous public one (prev); one the board has not seen was missed (see board_fold.py). */
"use strict";
const HallBoardFold = {
  QUEUE_KINDS: ["issued", "called", "cancelled", "requeued", "transferred", "finished", "no_show"],
  CALL_KINDS: ["called", "recalled"],

  // options: {zones: [codes] | null, windows: [numbers] | null, history: n, flashMs: ms}
  create(options) {
    const o = options || {};
    return Object.assign(Object.create(HallBoardFold.proto), {
      zoneFilter: o.zones && o.zones.length ? o.zones.slice() : null,
      windowFilter: o.windows && o.windows.length ? o.windows.slice() : null,
      history: o.history || 8, flashMs: o.flashMs === undefined ? 6000 : o.flashMs,
      hall: {}, calls: [], zones: [], windows: {}, lastId: 0, seen: new Set(), synced: false, flashUntil: 0,
    });
  },

  proto: {
    callWanted(c) {
      if (this.windowFilter && this.windowFilter.indexOf(c.window) < 0) return false;
      return !this.zoneFilter || this.zoneFilter.indexOf(c.zone) >= 0;
    },
    windowWanted(n) { return !this.windowFilter || this.windowFilter.indexOf(n) >= 0; },

    // A snapshot replaces what is shown and keeps live calls newer than it. Returns true when a new call came.
    resync(snap, nowMs) {
      this.hall = snap.hall || {};
      let zones = (snap.zones || []).map((z) => Object.assign({}, z));
      if (this.zoneFilter) {
        // Learn the codes of prefixes ("A" means commerce) from the snapshot the server filtered.
        const wanted = this.zoneFilter;
        zones.forEach((z) => { if (wanted.indexOf(z.prefix) >= 0 && wanted.indexOf(z.zone) < 0) wanted.push(z.zone); });
        zones = zones.filter((z) => wanted.indexOf(z.zone) >= 0);
      }
      zones.forEach((z) => { z.next = (z.next || []).map(String); });
      this.zones = zones;
      this.windows = {};
      for (const w of snap.windows || []) {
        if (this.windowWanted(w.number)) {
          this.windows[w.number] = {number: w.number, state: w.state || "closed", ticket: w.ticket || null,
                                    pause_reason: w.pause_reason || null, zones: (w.zones || []).slice(),
                                    staff_name: w.staff_name || null, staff_no: w.staff_no || null};
        }
      }
      this.recountWindows();
      const snapLast = snap.last_event_id || 0;
      const incoming = (snap.calls || []).map(HallBoardFold.snapshotCall).filter((c) => this.callWanted(c));
      const fresh = incoming.filter((c) => !this.seen.has(c.id));
      incoming.forEach((c) => this.seen.add(c.id));
      const byId = new Map();
      incoming.concat(this.calls.filter((c) => c.id > snapLast)).forEach((c) => byId.set(c.id, c));
      const oldTop = this.calls.length ? this.calls[0].id : null;
      this.calls = [...byId.values()].sort((a, b) => b.id - a.id).slice(0, this.history + 1);
      const news = this.synced && fresh.length > 0 && this.calls.length > 0 && this.calls[0].id !== oldTop;
      if (news) this.flashUntil = nowMs + this.flashMs;
      this.lastId = Math.max(this.lastId, snapLast);
      this.synced = true;
      return news;
    },

    // One live event. Returns {changed, refresh}: redraw; read a snapshot (only after a gap in the stream).
    apply(id, kind, data, nowMs) {
      const out = {changed: false, refresh: false};
      if (this.seen.has(id)) return out;
      this.seen.add(id);
      out.refresh = this.synced && typeof data.prev === "number" && data.prev > this.lastId;
      this.lastId = Math.max(this.lastId, id);
      const ticket = data.ticket || {}, win = data.window, waiting = data.waiting || {};
      for (const z of this.zones) {
        if (Object.prototype.hasOwnProperty.call(waiting, z.zone) && waiting[z.zone] !== z.waiting) {
          // Keep the per-person pace of the last estimate until a fresh snapshot brings the real one.
          const pace = z.waiting ? z.estimated_wait_s / z.waiting : 0;
          z.estimated_wait_s = pace ? Math.floor(pace * waiting[z.zone] + 0.5) : (waiting[z.zone] ? z.estimated_wait_s : 0);
          z.waiting = waiting[z.zone];
          out.changed = true;
        }
      }
      const next = data.next || {};
      for (const z of this.zones) {
        if (Object.prototype.hasOwnProperty.call(next, z.zone)) {
          const numbers = next[z.zone].map(String);
          if (numbers.join(" ") !== z.next.join(" ")) { z.next = numbers; out.changed = true; }
        }
      }
      if (HallBoardFold.CALL_KINDS.indexOf(kind) >= 0 && ticket.number) {
        const call = {id, kind, number: String(ticket.number), zone: ticket.zone || "", window: win, at: data.at || ""};
        if (this.callWanted(call)) {
          this.calls = [call].concat(this.calls).slice(0, this.history + 1);
          this.flashUntil = nowMs + this.flashMs;
          out.changed = true;
        }
      }
      if (typeof win === "number" && this.windowWanted(win) && this.foldWindow(kind, win, ticket, data)) {
        out.changed = true;
        this.recountWindows();
      }
      return out;
    },

    // Open and idle windows per zone, from the windows held (all, or all serving this board's zones).
    recountWindows() {
      const wins = Object.values(this.windows);
      if (this.windowFilter || !wins.some((w) => w.zones.length)) return;
      for (const z of this.zones) {
        const serving = wins.filter((w) => w.state === "open" && w.zones.indexOf(z.zone) >= 0);
        z.open_windows = serving.length;
        z.idle_windows = serving.filter((w) => !w.ticket).length;
      }
    },

    foldWindow(kind, number, ticket, data) {
      let old = this.windows[number];
      if (!old && !this.windowFilter && this.zoneFilter) return false;  // a zone board lists its zones' windows only
      old = old || {number, state: "open", ticket: null, pause_reason: null, zones: [], staff_name: null, staff_no: null};
      let w = old;
      if (HallBoardFold.CALL_KINDS.indexOf(kind) >= 0) {
        w = Object.assign({}, old, {state: "open", ticket: ticket.number || null, pause_reason: null});
      } else if (kind === "finished" || kind === "no_show" || kind === "transferred") {
        w = Object.assign({}, old, {ticket: null});
      } else if (kind === "window") {
        w = Object.assign({}, old);
        if (Array.isArray(data.zones)) w.zones = data.zones.map(String);
        const state = data.state;
        if (state === "closed") Object.assign(w, {state, ticket: null, pause_reason: null, staff_name: null, staff_no: null});
        else if (state === "open" && "staff_name" in data) {
          Object.assign(w, {state, pause_reason: null, staff_name: data.staff_name || null, staff_no: data.staff_no || null});
        } else if (state) Object.assign(w, {state, pause_reason: state === "paused" ? (data.pause_reason || null) : null});
      }
      const changed = JSON.stringify(w) !== JSON.stringify(old);
      if (changed) this.windows[number] = w;
      return changed;
    },

    // What to draw, in the shape of the case table (and Python's BoardView).
    view() {
      const call = (c) => ({number: c.number, window: c.window, kind: c.kind});
      return {
        current: this.calls.length ? call(this.calls[0]) : null,
        recent: this.calls.slice(1, this.history + 1).map(call),
        zones: this.zones.map((z) => {
          const [zh, en] = HallWaits.ofZone(z);
          return {zone: z.zone, waiting: z.waiting, estimated_wait_s: z.estimated_wait_s, wait_zh: zh, wait_en: en,
                  next: z.next.slice()};
        }),
        windows: Object.keys(this.windows).map(Number).sort((a, b) => a - b).map((n) => {
          const w = this.windows[n];
          const out = {number: w.number, state: w.state, ticket: w.ticket, pause_reason: w.pause_reason};
          return w.staff_name ? Object.assign(out, {staff_name: w.staff_name, staff_no: w.staff_no}) : out;
        }),
      };
    },
  },

  snapshotCall(c) {
    return {id: c.id, kind: c.kind || "called", number: String(c.number), zone: c.zone || "", window: c.window,
            at: c.at || ""};
  },
};
