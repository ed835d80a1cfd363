/* What a board shows, folded from GET /api/v1/board snapshots and /api/v1/events (pure: no DOM, no network).
   The JS twin of queue_server/core/board_fold.py: both run tests/cases/board_fold.json, change them together.
   Every event id is folded in once; a recall is its own event. Waits are worded by HallWaits (common/waits.js). */
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
      this.zones = zones;
      this.windows = {};
      for (const w of snap.windows || []) {
        if (this.windowWanted(w.number)) {
          this.windows[w.number] = {number: w.number, state: w.state || "closed", ticket: w.ticket || null,
                                    pause_reason: w.pause_reason || null};
        }
      }
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

    // One live event. Returns {changed, refresh}: redraw, and fetch a fresh snapshot (estimates need one).
    apply(id, kind, data, nowMs) {
      const out = {changed: false, refresh: false};
      if (this.seen.has(id)) return out;
      this.seen.add(id);
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
      if (HallBoardFold.QUEUE_KINDS.indexOf(kind) >= 0 || kind === "window") out.refresh = true;
      if (HallBoardFold.CALL_KINDS.indexOf(kind) >= 0 && ticket.number) {
        const call = {id, kind, number: String(ticket.number), zone: ticket.zone || "", window: win, at: data.at || ""};
        if (this.callWanted(call)) {
          this.calls = [call].concat(this.calls).slice(0, this.history + 1);
          this.flashUntil = nowMs + this.flashMs;
          out.changed = true;
        }
      }
      if (typeof win === "number" && this.windowWanted(win)) out.changed = this.foldWindow(kind, win, ticket, data) || out.changed;
      return out;
    },

    foldWindow(kind, number, ticket, data) {
      let old = this.windows[number];
      if (!old && !this.windowFilter && this.zoneFilter) return false;  // a zone board lists its zones' windows only
      old = old || {number, state: "open", ticket: null, pause_reason: null};
      let w = old;
      if (HallBoardFold.CALL_KINDS.indexOf(kind) >= 0) w = {number, state: "open", ticket: ticket.number || null, pause_reason: null};
      else if (kind === "finished" || kind === "no_show" || kind === "transferred") w = Object.assign({}, old, {ticket: null});
      else if (kind === "window" && data.state) {
        w = {number, state: data.state, ticket: data.state === "closed" ? null : old.ticket,
             pause_reason: data.state === "paused" ? (data.pause_reason || null) : null};
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
          return {zone: z.zone, waiting: z.waiting, estimated_wait_s: z.estimated_wait_s, wait_zh: zh, wait_en: en};
        }),
        windows: Object.keys(this.windows).map(Number).sort((a, b) => a - b).map((n) => this.windows[n]),
      };
    },
  },

  snapshotCall(c) {
    return {id: c.id, kind: c.kind || "called", number: String(c.number), zone: c.zone || "", window: c.window,
            at: c.at || ""};
  },
};
