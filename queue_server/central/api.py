"""The central JSON API: the halls' shippers (mark, ingest) and the city's readers (halls, overview)."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, Response, current_app, g, jsonify, request

from queue_server.api.helpers import error_response
from queue_server.central import accounts, catalogue, overview
from queue_server.central.batch import BatchRefused, parse_batch
from queue_server.central.ingest import current_mark, ingest

bp = Blueprint("city_api", __name__)


def pool():
    return current_app.extensions["central_pool"]


def _bearer() -> str:
    auth = request.headers.get("Authorization", "")
    return auth[7:].strip() if auth.startswith("Bearer ") else ""


class Denied(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@bp.errorhandler(Denied)
def denied(e: Denied):
    return error_response(e.status, e.code, e.message)


@bp.errorhandler(BatchRefused)
def refused(e: BatchRefused):
    return error_response(e.status, e.code, str(e), **e.details)


def hall_code(conn) -> str:
    code = accounts.hall_by_token(conn, _bearer()) if _bearer() else None
    if code is None:
        raise Denied(401, "bad_token", "a hall token is needed (hall central add-hall prints one)")
    return code


def city_user(conn) -> accounts.CityUser:
    user = g.get("city_user")
    if user is None and _bearer():
        user = accounts.user_by_token(conn, _bearer())
    if user is None:
        raise Denied(401, "bad_token", "a city user's token is needed (hall central users add prints one)")
    return user


def parse_day(text: str | None) -> date:
    if not text:
        return datetime.now(overview.CITY_TZ).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Denied(400, "bad_day", "day must be YYYY-MM-DD") from None


@bp.get("/health")
def health():
    with pool().connection() as conn:
        conn.execute("SELECT 1")
    return jsonify({"ok": True})


@bp.get("/city/mark")
def mark():
    epoch = request.args.get("epoch", "")
    if not 1 <= len(epoch) <= 64:
        raise Denied(400, "bad_epoch", "epoch must be given (1 to 64 characters)")
    with pool().connection() as conn:
        code = hall_code(conn)
        return jsonify({"hall": code, "epoch": epoch, "last_id": current_mark(conn, code, epoch)})


@bp.post("/city/ingest")
def ingest_batch():
    body = request.get_json(silent=True)
    batch = parse_batch(body)
    with pool().connection() as conn:
        code = hall_code(conn)
        if body.get("hall") not in (None, code):
            raise Denied(403, "wrong_hall", f"this token belongs to hall {code}, the batch says {body.get('hall')}")
        result = ingest(conn, current_app.extensions["central_partitions"], code, batch,
                        current_app.extensions.get("central_after_commit"))
    return jsonify(result)


@bp.get("/city/halls")
def halls():
    with pool().connection() as conn:
        user = city_user(conn)
        rows = overview.visible_halls(conn, user)
    return jsonify([{k: v for k, v in r.items() if k not in ("zones", "received_at")} for r in rows])


@bp.get("/city/overview")
def day_overview():
    day = parse_day(request.args.get("day"))
    with pool().connection() as conn:
        user = city_user(conn)
        return jsonify(overview.hall_days(conn, overview.visible_halls(conn, user), day))


def _held_version() -> int | None:
    """The catalogue version the hall holds, from If-None-Match ("3", W/"3"); None when it names none."""
    text = request.headers.get("If-None-Match", "").strip().removeprefix("W/").strip('"')
    return int(text) if text.isdigit() and len(text) < 10 else None


@bp.get("/city/catalogue")
def city_catalogue():
    """The latest published catalogue; 304 (no body) when the hall's If-None-Match names it already.

    The version the hall names is what it has applied: the centre records it, so the city page shows it."""
    held = _held_version()
    with pool().connection() as conn:
        code = hall_code(conn)
        catalogue.hall_has(conn, code, held)
        if held is not None and held == catalogue.latest_version(conn):
            response = Response(status=304)
        else:
            latest = catalogue.latest(conn)
            if latest is None:
                raise Denied(404, "no_catalogue", "no catalogue is published yet (hall central catalogue publish)")
            response = jsonify(latest)
            held = latest["version"]
    response.set_etag(str(held))
    response.headers["Cache-Control"] = "no-cache"
    return response
