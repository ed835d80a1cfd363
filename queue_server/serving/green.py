"""gevent in the server process: monkey-patching at its start, and what must stay per OS thread.

Only the server (`hall server`, `hall demo`) is patched: every connection and every open event
stream is then a greenlet, not a thread. Kiosk and display processes and in-process Flask test
clients keep ordinary threads.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

SERVER_COMMANDS = frozenset({"server", "demo"})


def serves(argv: Sequence[str]) -> bool:
    """Whether this command line runs a server (the queue server, the demo or the city's central service)."""
    return bool(argv) and (argv[0] in SERVER_COMMANDS or list(argv[:2]) == ["central", "serve"])


def patch_process() -> None:
    """Monkey-patch the standard library for gevent; call before threads or sockets exist."""
    from gevent import monkey

    if not monkey.is_module_patched("socket"):
        monkey.patch_all()


def patched() -> bool:
    if "gevent.monkey" not in sys.modules:
        return False
    from gevent import monkey

    return monkey.is_module_patched("threading")


def os_thread_local() -> threading.local:
    """A threading.local that stays per OS thread when threading is patched (there it would be per
    greenlet, i.e. one SQLite connection per HTTP connection)."""
    if patched():
        from gevent import monkey

        return monkey.get_original("threading", "local")()
    return threading.local()


def off_loop(fn: Callable[..., T], *args: Any) -> T:
    """Run a long CPU call that releases the GIL (scrypt) on a real thread when patched, so the one
    event loop keeps serving meanwhile; a plain call otherwise."""
    if patched():
        import gevent

        return gevent.get_hub().threadpool.apply(fn, args)
    return fn(*args)
