"""One server per database: the server holds an exclusive lock on `<database>.lock` while it runs.

`hall restore` takes the same lock, so it cannot overwrite the database of a running server (nor can a server
start while a restore writes). The kernel drops the lock when the process ends, even on a crash.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO


class DatabaseInUse(RuntimeError):
    """Another process (a running server, a restore) holds the database's lock."""


def lock_path(db_path: str | Path) -> Path:
    db = Path(db_path)
    return db.with_name(db.name + ".lock")


def hold(db_path: str | Path, what: str = "server") -> IO:
    """Take the database's lock for this process (keep the returned file open); DatabaseInUse if taken."""
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    f = open(os.open(path, os.O_RDWR | os.O_CREAT, 0o600), "r+")
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = f.read().strip() or "another process"
        f.close()
        raise DatabaseInUse(f"{db_path} is in use by {holder}; stop it first (systemctl stop hall-server)") from None
    f.seek(0)
    f.truncate()
    f.write(f"{what} (pid {os.getpid()})")
    f.flush()
    return f
