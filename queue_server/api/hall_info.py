"""GET /api/v1/hall: zones with their matters and guides, bundles, windows."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, current_app, jsonify

from queue_server.api.helpers import hall
from queue_server.api.viewer import windows_for_viewer
from queue_server.errors import StorageUnavailable
from queue_server.ops.opening import opening_status
from queue_server.ops.windows import list_windows
from queue_server.storage.health import describe

bp = Blueprint("hall_info", __name__)


@bp.get("/hall")
def get_hall():
    h = hall()
    cfg = h.config

    def matter(m) -> dict:
        d = asdict(m)
        # 主件 (main) or 辅件 (supporting), and whether it may follow later under a 容缺 pledge
        d["materials"] = [asdict(cfg.materials[mid]) | {"main": mid not in m.optional_materials,
                                                        "deferrable": mid in m.deferrable_materials}
                          for mid in m.materials]
        return d

    zones = []
    for z in cfg.zones:
        d = asdict(z)
        d["matters"] = [matter(m) for m in cfg.matters if m.zone == z.code]
        zones.append(d)
    bundles = []
    for b in cfg.bundles:
        d = asdict(b)
        d["materials"] = [asdict(m) for m in cfg.bundle_materials(b.code)]
        bundles.append(d)
    return jsonify({
        "code": cfg.code, "name_zh": cfg.name_zh, "name_en": cfg.name_en, "timezone": cfg.timezone,
        "notice_zh": cfg.notice_zh, "notice_en": cfg.notice_en,
        "priority_classes": list(cfg.rules.priority_classes),
        # The hall's lists (rules as data): what a console offers when pausing, what a rating pad asks.
        "pause_reasons": [asdict(r) for r in cfg.rules.pause_reasons],
        "rating_reasons": [asdict(r) for r in cfg.rules.rating_reasons],
        "config_version": h.config_version,
        "sms": {"enabled": cfg.sms.enabled, "ahead": cfg.sms.ahead},  # may the kiosk offer SMS reminders
        "zones": zones, "bundles": bundles, "windows": windows_for_viewer(list_windows(h)),
    })


@bp.get("/opening")
def opening():
    """Opening hours now (public): per zone whether walk-in numbers are issued, today's sessions, the next hours."""
    return jsonify(opening_status(hall()))


@bp.get("/health")
def health():
    """Is the server fit to serve: the storage state (ok, fault or lost, which fault and since when)."""
    store = hall().store
    try:
        store.probe()
    except StorageUnavailable:
        pass  # noted in the store's health, reported below
    s = store.health.current
    storage = {"state": s.state, "kind": s.kind, "since": s.since, "failures": s.failures}
    if s.kind:
        zh, en, _ = describe(s.kind)
        storage["message"] = f"{zh} / {en}"
    return jsonify({"ok": s.state == "ok", "storage": storage, "event_streams": event_streams()}), \
        200 if s.state == "ok" else 503


def event_streams() -> dict:
    """Open event streams, and how many of them the stream relay holds (its pid; None when none runs)."""
    slots = current_app.extensions["event_stream_slots"]
    relay = current_app.extensions.get("stream_relay")
    return {"open": slots.total, "relayed": len(relay.open) if relay is not None else 0,
            "relay_pid": relay.pid if relay is not None else None}
