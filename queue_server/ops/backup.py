"""Backups of the hall's database while it serves, and restoring one.

A backup is SQLite's online backup API in one step: it copies a consistent snapshot (one read transaction; in
WAL mode the server keeps writing meanwhile), is checked with `PRAGMA integrity_check`, then renamed into place,
so a backup file that exists is whole. The pickup key file goes with it. The newest `keep` generations stay.

A restore refuses while a server runs on the target database (the server's lock, storage/server_lock.py),
checks the backup first, and replaces the database file whole (its -wal and -shm go).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from queue_server.codes.keyfile import key_path_for
from queue_server.shipping.epoch import renew_epoch
from queue_server.storage import server_lock

NAME = re.compile(r"^hall-(\d{8}T\d{6}\d{6}Z)\.db$")


class BackupError(RuntimeError):
    """A backup or restore could not be made or failed its check; the message says which and why."""


def integrity(path: str | Path) -> str:
    """'ok', or what PRAGMA integrity_check found."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as e:
        return str(e)
    finally:
        conn.close()
    return "ok" if rows == ["ok"] else "; ".join(rows[:5])


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _renew_epoch(path: Path) -> None:
    """A restored log goes back to older event ids: a new epoch keeps the centre from taking its next events for
    ones it already has. A backup older than the hall's identity (no meta table) gets its first epoch at start."""
    conn = sqlite3.connect(path)
    try:
        has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
    finally:
        conn.close()
    if has_meta:
        renew_epoch(path)


def _copy(src_path: str | Path, dest_path: Path) -> None:
    src = sqlite3.connect(src_path, timeout=10)  # read only in use (a read-only open of a WAL file may fail)
    dest = sqlite3.connect(dest_path)
    try:
        src.backup(dest)  # all pages in one step: one consistent snapshot
        dest.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
    finally:
        dest.close()
        src.close()
    with open(dest_path, "rb+") as f:
        os.fsync(f.fileno())


def generations(folder: str | Path) -> list[Path]:
    """The backups in `folder`, oldest first."""
    folder = Path(folder)
    return sorted(p for p in folder.glob("hall-*.db") if NAME.match(p.name)) if folder.is_dir() else []


def backup(db_path: str | Path, folder: str | Path, *, keep: int = 14, now: datetime | None = None) -> Path:
    """Back the database up into `folder` (made 0700), verify it, keep the newest `keep` generations."""
    db_path, folder = Path(db_path), Path(folder)
    if not db_path.exists():
        raise BackupError(f"there is no database at {db_path}")
    if keep < 1:
        raise BackupError("keep at least one generation")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    final = folder / f"hall-{stamp}.db"
    partial = folder / f".hall-{stamp}.db.partial"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    try:
        _copy(db_path, partial)
        found = integrity(partial)
        if found != "ok":
            raise BackupError(f"the backup of {db_path} failed its integrity check: {found}")
        keys = key_path_for(db_path)
        if keys.exists():
            shutil.copy2(keys, key_path_for(final))
            os.chmod(key_path_for(final), 0o600)
        os.replace(partial, final)
        _fsync_dir(folder)
    finally:
        partial.unlink(missing_ok=True)
    for old in generations(folder)[:-keep]:
        old.unlink()
        key_path_for(old).unlink(missing_ok=True)
    return final


def restore(source: str | Path, db_path: str | Path) -> Path:
    """Replace the database with the backup `source` (the newest backup when `source` is a folder).

    Refuses (DatabaseInUse) while a server runs on `db_path`, and (BackupError) a backup that fails its check.
    """
    source, db_path = Path(source), Path(db_path)
    if source.is_dir():
        found = generations(source)
        if not found:
            raise BackupError(f"there is no backup (hall-*.db) in {source}")
        source = found[-1]
    if not source.is_file():
        raise BackupError(f"there is no backup at {source}")
    lock = server_lock.hold(db_path, what="hall restore")
    try:
        found = integrity(source)
        if found != "ok":
            raise BackupError(f"{source} failed its integrity check, nothing restored: {found}")
        incoming = db_path.with_name(db_path.name + ".restoring")
        fd = os.open(incoming, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        try:
            _copy(source, incoming)
            if integrity(incoming) != "ok":
                raise BackupError(f"the copy of {source} failed its integrity check, nothing restored")
            _renew_epoch(incoming)
            for suffix in ("-wal", "-shm"):
                Path(str(db_path) + suffix).unlink(missing_ok=True)
            os.replace(incoming, db_path)
            _fsync_dir(db_path.parent)
        finally:
            incoming.unlink(missing_ok=True)
        if key_path_for(source).exists():
            shutil.copy2(key_path_for(source), key_path_for(db_path))
            os.chmod(key_path_for(db_path), 0o600)
    finally:
        lock.close()
    return source
