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


def off_loop_to_the_end(fn: Callable[..., Any], *args: Any) -> BaseException | None:
    """Run `fn` on a real thread when patched (a plain call otherwise) and wait for it to finish whatever
    happens to the waiting greenlet meanwhile: fn's own exception is raised; a kill or timeout that reached the
    greenlet while it waited is returned, for the caller to raise once it has dealt with fn's outcome. For work
    that must not be abandoned half way, such as a COMMIT that owns its connection until it returns."""
    if not patched():
        fn(*args)
        return None
    import gevent

    pending = gevent.get_hub().threadpool.spawn(fn, *args)
    interrupted: BaseException | None = None
    while not pending.ready():
        try:
            pending.wait()
        except BaseException as e:  # kept, and handed back once fn has finished
            interrupted = e
    pending.get()
    return interrupted
