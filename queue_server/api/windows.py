"""Windows: sign on/off, call next, actions on the current ticket, zones served."""

from __future__ import annotations

from flask import Blueprint, jsonify

from queue_server.api.helpers import field, hall, json_body, principal, requires
from queue_server.api.viewer import windows_for_viewer
from queue_server.errors import Forbidden, NotFound
from queue_server.logs import note_ticket
from queue_server.ops import windows as window_ops
from queue_server.pickups import licences

bp = Blueprint("windows", __name__)


@bp.get("/windows")
def list_windows():
    return jsonify(windows_for_viewer(window_ops.list_windows(hall())))


@bp.get("/windows/<int:no>")
def get_window(no: int):
    for w in windows_for_viewer(window_ops.list_windows(hall())):
        if w["number"] == no:
            return jsonify(w)
    raise NotFound(f"there is no window {no} in this hall", code="window_not_found")


@bp.post("/windows/<int:no>/<action>")
def window_action(no: int, action: str):
    body = json_body()
    p = principal()
    h = hall()
    if action == "open":
        return jsonify(window_ops.open_window(h, no, p))
    if action == "close":
        return jsonify(window_ops.close_window(h, no, p))
    if action == "pause":
        return jsonify(window_ops.pause_window(h, no, p, field(body, "reason", str)))
    if action == "resume":
        return jsonify(window_ops.resume_window(h, no, p))
    if action == "call-next":
        ticket = window_ops.call_next(h, no, p)
        if ticket is not None:
            note_ticket(ticket["id"])
        return ("", 204) if ticket is None else jsonify(ticket)
    name = action.replace("-", "_")
    if name not in window_ops.TICKET_ACTIONS:
        raise NotFound(f"unknown window action {action!r}", code="unknown_action")
    ticket_id = field(body, "ticket_id", int)
    if ticket_id is not None:
        body["ticket_id"] = ticket_id
    result = window_ops.ticket_action(h, no, name, p, body)
    if isinstance(result, dict) and isinstance(result.get("id"), int):
        note_ticket(result["id"])  # the log lines of this request name the ticket
    return jsonify(result)


@bp.put("/windows/<int:no>/zones")
def put_zones(no: int):
    body = json_body()
    return jsonify(window_ops.set_zones(hall(), no, body.get("zones"), principal(), field(body, "reason", str)))


@bp.get("/windows/<int:no>/licence")
@requires("staff", "manager")
def window_licence(no: int):
    """What the pickup desk's console shows: the licence behind the ticket being served (null if none).

    Only the staff member signed on at that window (or a manager) reads it: it names the holder in full.
    """
    db = hall().store.read()
    row = db.execute("SELECT current_ticket, staff, state FROM windows WHERE number = ?", [no]).fetchone()
    if row is None:
        raise NotFound(f"there is no window {no}", code="unknown_window")
    p = principal()
    if not p.is_manager and (row[1] != p.name or row[2] == "closed"):
        raise Forbidden(f"you are not signed on at window {no}", code="not_your_window")
    licence = None
    if row[0] is not None:
        found = list(db.query("SELECT * FROM licences WHERE ticket_id = ?", [row[0]]))
        licence = licences.public(found[0]) if found else None
    return jsonify({"window": no, "ticket_id": row[0], "licence": licence})
