"""A real server process on loopback for the tests where the process matters, with the seeded accounts."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from queue_server.testing.seeding import Seeded
from queue_server.testing.server_process import ServerProcess


@dataclass
class LiveServer:
    proc: ServerProcess
    seeded: Seeded

    @property
    def url(self) -> str:
        return self.proc.url


def serve_copy(folder: Path, seeded_template: tuple[Path, Seeded]) -> Iterator[LiveServer]:
    """A server on a copy of the seeded template database in `folder`; stops when the generator closes."""
    db = folder / "hall.db"
    shutil.copy(seeded_template[0], db)
    with ServerProcess(db) as proc:
        yield LiveServer(proc, seeded_template[1])
