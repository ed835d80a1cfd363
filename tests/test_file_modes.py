"""The database, its -wal and -shm files and the key file are readable by the service's user only."""

from __future__ import annotations

import os
import stat

from queue_server.app import create_app
from queue_server.codes.keyfile import key_path_for


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_files_are_born_private(tmp_path):
    old = os.umask(0o022)
    try:
        app = create_app(db_path=tmp_path / "hall.db")
    finally:
        os.umask(old)
    db = tmp_path / "hall.db"
    files = [db, tmp_path / "hall.db-wal", tmp_path / "hall.db-shm", key_path_for(db)]
    for f in files:
        assert f.exists() and mode(f) == 0o600, (f, oct(mode(f)))
    app.extensions["hall"].close()


def test_files_left_readable_are_narrowed_at_start_up(tmp_path):
    db = tmp_path / "hall.db"
    create_app(db_path=db).extensions["hall"].close()
    files = [db, key_path_for(db)] + [p for p in (tmp_path / "hall.db-wal", tmp_path / "hall.db-shm") if p.exists()]
    for f in files:
        os.chmod(f, 0o644)
    app = create_app(db_path=db)
    for f in files + [tmp_path / "hall.db-wal", tmp_path / "hall.db-shm"]:
        assert mode(f) == 0o600, (f, oct(mode(f)))
    app.extensions["hall"].close()
