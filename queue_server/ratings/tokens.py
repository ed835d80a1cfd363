"""Per-ticket rating tokens carried in the ticket's QR code. Pure (itsdangerous, no Flask app needed).

The token names the ticket and is signed with the hall's own secret, so a
citizen can rate only the ticket they hold; the server still checks that the
ticket is finished, recent and not rated yet.
"""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SALT = "hall-rating-v1"
MAX_AGE_S = 2 * 24 * 3600  # printed in the morning, rated up to a day after the service


class BadToken(ValueError):
    """The link is not from this hall, was altered, or is too old."""


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def make_token(secret: str, ticket_id: int) -> str:
    return _serializer(secret).dumps({"t": ticket_id})


def read_token(secret: str, token: str, max_age_s: int = MAX_AGE_S) -> int:
    """The ticket id the token was made for, or BadToken."""
    try:
        data = _serializer(secret).loads(token, max_age=max_age_s)
    except SignatureExpired:
        raise BadToken("this rating link has expired (links last a day after the service)") from None
    except BadSignature:
        raise BadToken("this rating link is not valid; scan the QR code on your ticket again") from None
    if not isinstance(data, dict) or not isinstance(data.get("t"), int):
        raise BadToken("this rating link is not valid")
    return data["t"]
