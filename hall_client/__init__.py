"""The one client every device (kiosk, wall display, call-next buttons) uses to reach the queue server."""

from hall_client.client import ApiError, EventFollower, HallClient, ServerUnreachable

__all__ = ["ApiError", "EventFollower", "HallClient", "ServerUnreachable"]
