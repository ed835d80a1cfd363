"""The appointment desk's routes (back office taking bookings by phone; the page is /desk/appointments):

    GET  /api/v1/appointments/picker?zone=&from=&days=   days × slots of a zone with the capacity left
    GET  /api/v1/appointments/day?date=&zone=            the day's appointments: booked, checked_in, no_show, cancelled
    POST /api/v1/appointments/{id}/move                  {"slot_start"} another slot of the same zone
    PUT  /api/v1/appointments/capacity                   {"zone","slot_start","capacity"}; 409 below_booked
Booking and cancelling are POST /api/v1/appointments and DELETE /api/v1/appointments/{id} (api/appointments.py).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from queue_server.api.appointments import BACK_OFFICE, keys, rules
from queue_server.api.helpers import hall, int_arg, json_body, principal, requires
from queue_server.appointments import booking, desk

bp = Blueprint("appointment_desk", __name__)


@bp.get("/appointments/picker")
@requires(*BACK_OFFICE)
def picker():
    first = booking.parse_day(hall(), request.args.get("from"))
    days = int_arg("days", 7, lo=1, hi=desk.MAX_DAYS)
    return jsonify(desk.picker(hall(), rules(), request.args.get("zone"), first, days))


@bp.get("/appointments/day")
@requires(*BACK_OFFICE)
def day():
    return jsonify(desk.day_list(hall(), rules(), booking.parse_day(hall(), request.args.get("date")),
                                 request.args.get("zone") or None))


@bp.post("/appointments/<int:appointment_id>/move")
@requires(*BACK_OFFICE)
def move(appointment_id: int):
    return jsonify(desk.move(hall(), rules(), keys(), appointment_id, json_body().get("slot_start"),
                             principal().actor))


@bp.put("/appointments/capacity")
@requires(*BACK_OFFICE)
def capacity():
    body = json_body()
    return jsonify(desk.set_capacity(hall(), rules(), body.get("zone"), body.get("slot_start"), body.get("capacity"),
                                     principal().actor))
