"""The pickup/appointment hallway (an app on a fixed clock with accounts) served on loopback for a browser:
pages whose state depends on time (appointments due, calls left unanswered) are tested without waiting."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server

from queue_server.testing.server_process import free_port
from tests.support.pickup_helpers import Hallway, make_hallway


def serve_hallway(tmp_path: Path, **options: Any) -> Iterator[Hallway]:
    """A Hallway with `url` set (options as make_hallway's); stops when the generator closes."""
    hw = make_hallway(tmp_path, **options)
    server = make_server("127.0.0.1", free_port(), hw.app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hw.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield hw
    finally:
        server.shutdown()
        hw.hall.close()
