"""The notifier beside the server: after every hall event (and every few seconds) it queues and sends SMS."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from queue_server.notify.outbox import Gateway, deliver_due, enqueue_due

if TYPE_CHECKING:
    from queue_server.hall import Hall

log = logging.getLogger(__name__)


class Notifier:
    def __init__(self, hall: Hall, gateway: Gateway, poll_s: float = 5.0):
        self.hall = hall
        self.gateway = gateway
        self.poll_s = poll_s
        self._thread = threading.Thread(target=self._run, name="sms notifier", daemon=True)

    def start(self) -> Notifier:
        self._thread.start()
        return self

    def run_once(self) -> None:
        enqueue_due(self.hall)
        deliver_due(self.hall, self.gateway)

    def _run(self) -> None:
        last_id = self.hall.broker.last_id
        while not self.hall.broker.closed:
            try:
                self.run_once()
            except Exception:  # a storage fault or a bug must not end the notifier; the outbox keeps the work
                log.exception("sms notifier")
            self.hall.broker.wait(last_id, self.poll_s)
            last_id = self.hall.broker.last_id
