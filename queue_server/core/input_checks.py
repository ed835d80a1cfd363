"""What any client may send: JSON nesting, whole-number range, text length per field, no NUL or lone surrogates.

Every JSON body and every query argument passes here before a handler reads it, so no route meets input
that SQLite, the JSON encoder or the date functions cannot take. A refusal is a BadRequest that names the
field, the limit and what to send instead. Pure: no Flask.

Documented limits (characters):
    source, name, holder_name, username, assignee, ref, case_no, licence_type, zone, matter, bundle,
    priority, kind  64
    reason  200;  post_address, address  200;  password  256;  code  512
    note, comment, message, outcome  500;  text  1,000;  any other text  1,000;  a field name  100
Whole numbers lie in SQLite's range, -2^63 .. 2^63-1; JSON may nest at most 20 levels; NaN and Infinity
are not JSON. Query arguments: at most 1,000 characters each, no NUL.
"""

from __future__ import annotations

import json
import math
from typing import Any

from queue_server.errors import BadRequest

MAX_DEPTH = 20
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
MAX_KEY_LEN = 100
DEFAULT_TEXT_LIMIT = 1000
TEXT_LIMITS: dict[str, int] = {
    **dict.fromkeys(("source", "name", "holder_name", "username", "assignee", "ref", "case_no", "licence_type",
                     "zone", "matter", "bundle", "priority", "kind"), 64),
    **dict.fromkeys(("reason", "post_address", "address"), 200),
    "password": 256, "code": 512,
    **dict.fromkeys(("note", "comment", "message", "outcome"), 500),
    "text": 1000,
}


def text_limit(name: str | None) -> int:
    return TEXT_LIMITS.get(name or "", DEFAULT_TEXT_LIMIT)


def _label(name: str | None) -> str:
    return f"{name!r}" if name else "the body"


def check_text(value: str, name: str | None, limit: int | None = None) -> str:
    """The text itself, or a BadRequest naming the field: too long, a NUL character or a lone surrogate."""
    limit = text_limit(name) if limit is None else limit
    if len(value) > limit:
        raise BadRequest(f"{_label(name)} may be at most {limit} characters (got {len(value)}); shorten it",
                         code="too_long", field=name)
    if "\x00" in value:
        raise BadRequest(f"{_label(name)} contains a NUL character (\\u0000); send plain text", code="bad_text",
                         field=name)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest(f"{_label(name)} contains a lone UTF-16 surrogate (such as \\ud800), which is not "
                         "a character; send valid Unicode text", code="bad_text", field=name) from None
    return value


def check_int(value: int, name: str | None, lo: int = INT_MIN, hi: int = INT_MAX) -> int:
    if not lo <= value <= hi:
        raise BadRequest(f"{_label(name)} must be a whole number from {lo} to {hi}", code="out_of_range",
                         field=name)
    return value


def check_value(value: Any, name: str | None = None, depth: int = 0) -> Any:
    """Walk a parsed JSON value; a text is checked against the limit of the field that holds it."""
    if depth > MAX_DEPTH:
        raise BadRequest(f"the JSON is nested more than {MAX_DEPTH} levels deep; send a flatter object",
                         code="too_deep")
    if isinstance(value, str):
        check_text(value, name)
    elif isinstance(value, bool) or value is None:
        pass
    elif isinstance(value, int):
        check_int(value, name)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise BadRequest(f"{_label(name)} must be a finite number", code="out_of_range", field=name)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key, "field name", MAX_KEY_LEN)
            check_value(item, key, depth + 1)
    elif isinstance(value, list):
        for item in value:
            check_value(item, name, depth + 1)
    return value


def _no_constant(word: str) -> None:
    raise ValueError(f"{word} is not JSON")


def parse_json(data: bytes | str) -> Any:
    """Parse and check a JSON text; BadRequest (too_deep, bad_json or a field's own refusal) otherwise."""
    try:
        value = json.loads(data, parse_constant=_no_constant)
    except RecursionError:
        raise BadRequest(f"the JSON is nested more than {MAX_DEPTH} levels deep; send a flatter object",
                         code="too_deep") from None
    except ValueError:  # includes bytes that are not UTF-8
        raise BadRequest("the body is not valid JSON; send a JSON object with Content-Type: application/json",
                         code="bad_json") from None
    return check_value(value)
