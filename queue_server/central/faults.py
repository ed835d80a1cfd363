"""Fault injection for the tests: HALL_CENTRAL_FAULT=exit_after_commit:N makes the central process die right
after its N-th committed batch, before it answers (the shipper must then ask for the mark, not resend blindly)."""

from __future__ import annotations

import os
from collections.abc import Callable

ENV = "HALL_CENTRAL_FAULT"


def after_commit_hook(environ: dict[str, str] | None = None) -> Callable[[], None] | None:
    spec = (environ if environ is not None else os.environ).get(ENV) or ""
    if not spec.startswith("exit_after_commit:"):
        return None
    left = [int(spec.split(":", 1)[1])]

    def hook() -> None:
        left[0] -= 1
        if left[0] <= 0:
            os._exit(3)  # no answer, no clean-up: as a power cut after the COMMIT

    return hook
