"""What the event-stream view leaves in the WSGI environ for the server's handler: this stream may go to the relay.

The view has checked the request and taken the client address's slot; the handler (serving/deadlines.py), once the
app has returned its final status and headers, hands the connection to the relay (serving/relay_link.py) or, when
no relay runs, streams the response itself as for any other stream.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

HANDOVER = "hall.relay_handover"  # the environ key


@dataclass(slots=True)
class Handover:
    address: str  # the client address whose slot the stream holds
    replay: Callable[[], tuple[list[bytes], int]]  # the stream's first frames up to the broker's last id, and that id
    relayed: bool = False  # set by the handler once the relay has it: the slot is then the relay's to give back
