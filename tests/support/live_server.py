"""A real server process on loopback for the tests where the process matters, with the seeded accounts."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from queue_server.calendar_files import DEFAULT_CALENDAR_DIR
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
    with ServerProcess(db, env={"HALL_CALENDAR_DIR": str(kept_calendar(folder / "calendar"))}) as proc:
        yield LiveServer(proc, seeded_template[1])


def kept_calendar(folder: Path) -> Path:
    """The sample calendar, kept up to date as a hall keeps it: the shipped years, and a file (no holidays
    listed) for each year around today's that is not shipped, so the dashboard's "calendar missing" problem
    (core/calendar_problems.py) depends on the hall's files, not on the date the tests run."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in DEFAULT_CALENDAR_DIR.glob("*.toml"):
        shutil.copy(path, folder / path.name)
    this_year = date.today().year
    for year in range(this_year - 1, this_year + 2):
        path = folder / f"{year}.toml"
        if not path.exists():
            path.write_text(f'year = {year}\nsource = "test hall: no holidays listed"\n', encoding="utf-8")
    return folder
