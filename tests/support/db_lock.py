"""Another program holding a hall database's write lock (BEGIN EXCLUSIVE), for the storage-fault tests."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HOLD_LOCK = ("import sqlite3, sys\n"
             "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
             "c.execute('BEGIN EXCLUSIVE')\n"
             "print('locked', flush=True)\n"
             "sys.stdin.readline()\n"
             "c.execute('ROLLBACK')\n")


@contextmanager
def locked_by_another_process(db_path: Path) -> Iterator[None]:
    """The write lock is held by another process from the start of the block to its end."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db_path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        yield
    finally:
        proc.stdin.write("\n")
        proc.stdin.close()
        proc.wait(timeout=60)
        proc.stdout.close()
