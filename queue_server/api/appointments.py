"""预约 API: slots and bookings for the online booking platform, check-in at the kiosk, daily figures.

    GET    /api/v1/appointments/slots?zone=&date=    public: the slots of a zone that day, booked and free
    POST   /api/v1/appointments                      manager/backoffice: {"zone","slot_start","matter"?,"name"?,"ref"?,
                                                     "note"? (the desk's call-back number)}
                                                     → 201 {"id","code","qr",...}
    GET    /api/v1/appointments/{id}                 manager/backoffice
    DELETE /api/v1/appointments/{id}                 manager/backoffice: cancel
    POST   /api/v1/appointments/check-in             kiosk: {"code"} → 201 ticket, or too_early / cancelled /
                                                     invalid_code / expired / already_checked_in / too_many_attempts
    GET    /api/v1/appointments/stats?date=          manager: bookings, check-ins, no-shows per zone
The schedule is config/appointments.toml beside the hall configuration (settings HALL_CONFIG_PATH, or
APPOINTMENTS_CONFIG_DIR for the folder); without that file the hall takes no appointments. The signing keys are
the pickup extension's (<db>.keys.json).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from flask import Blueprint, Flask, current_app, jsonify, request

from queue_server.api.helpers import field, hall, json_body, principal, requires
from queue_server.appointments import booking, checkin
from queue_server.appointments.config import AppointmentRules, load_rules
from queue_server.appointments.stats import day_stats
from queue_server.codes.keyfile import KeyStore
from queue_server.errors import NotFound
from queue_server.hall_config import DEFAULT_CONFIG, ConfigError

bp = Blueprint("appointments", __name__)
BACK_OFFICE = ("manager", "backoffice")


def rules() -> AppointmentRules:
    r = current_app.extensions.get("appointment_rules")
    if r is None:
        raise NotFound("this hall takes no appointments (no appointments.toml beside the hall configuration)",
                       code="no_appointments")
    return r


def keys() -> KeyStore:
    return current_app.extensions["pickup_keys"]


@bp.get("/appointments/slots")
def slots():
    return jsonify(booking.availability(hall(), rules(), request.args.get("zone"),
                                        booking.parse_day(hall(), request.args.get("date"))))


@bp.post("/appointments")
@requires(*BACK_OFFICE)
def book():
    return jsonify(booking.book(hall(), rules(), keys(), json_body(), principal().actor)), 201


@bp.get("/appointments/<int:appointment_id>")
@requires(*BACK_OFFICE)
def get_appointment(appointment_id: int):
    row = booking.load(hall().store.read(), appointment_id)
    return jsonify(booking.public(row) | booking.codes(hall(), keys(), row))


@bp.delete("/appointments/<int:appointment_id>")
@requires(*BACK_OFFICE)
def cancel(appointment_id: int):
    return jsonify(booking.cancel(hall(), appointment_id, principal().actor))


@bp.post("/appointments/check-in")
@requires("kiosk")
def check_in():
    code = field(json_body(), "code", str, required=True)
    rules()
    limit = int(current_app.config["PICKUP_MAX_WRONG_PER_MINUTE"])
    return jsonify(checkin.check_in(hall(), keys(), code, principal(), limit=limit,
                                    address=request.remote_addr)), 201


@bp.get("/appointments/stats")
@requires("manager")
def stats():
    return jsonify(day_stats(hall(), booking.parse_day(hall(), request.args.get("date"))))


def load_hall_rules(app: Flask) -> AppointmentRules | None:
    """The hall's appointment rules (appointments.toml beside the hall file), None when the hall takes none."""
    h = app.extensions["hall"]
    explicit = app.config.get("APPOINTMENTS_CONFIG_DIR") or app.config.get("HALL_CONFIG_PATH")
    hall_config = Path(app.config.get("HALL_CONFIG_PATH") or DEFAULT_CONFIG)
    folder = app.config.get("APPOINTMENTS_CONFIG_DIR") or hall_config.parent
    try:
        rules = load_rules(folder, h.config.zone_codes())
    except ConfigError as e:
        if explicit:
            raise  # the hall's own file is wrong: stop with the reason
        # An app built from a config object (tests, tools) meets the sample schedule of another hall.
        app.logger.warning("appointments disabled: %s", e)
        return None
    if rules is None:
        return None
    # One calendar: the hall's public holidays and 调休 working days (config/calendar) count for bookings too.
    return replace(rules, holidays=rules.holidays | frozenset(h.calendar.holidays),
                   workdays=rules.workdays | frozenset(h.calendar.makeup_days))
