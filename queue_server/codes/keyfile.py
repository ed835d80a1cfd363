"""The pickup signing keys on disk: `<db name>.keys.json` beside the database, mode 0600.

Kept out of the database on purpose: a copied database alone cannot forge codes or
recover typed codes from their hashes. Created on first run; `hall keys rotate` adds a
new signing key (older keys keep verifying), `hall keys retire ID` withdraws one. A
running server notices a changed file by its modification time.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from datetime import datetime
from pathlib import Path

from queue_server.clock import to_iso
from queue_server.core.signed_codes import KeyRing, SigningKey

FORMAT = 1


class KeyFileError(ValueError):
    """The key file is unreadable or a rotation/retirement is not allowed; the text says what to do."""


def key_path_for(db_path: str | Path) -> Path:
    db = Path(db_path)
    return db.with_name(db.stem + ".keys.json")


def _new_key_entry(key_id: int, now: datetime) -> dict:
    return {"id": key_id, "secret": secrets.token_hex(32), "created_at": to_iso(now), "retired_at": None}


def _write(path: Path, data: dict) -> None:
    """Atomic replace; the file is born 0600 (never readable by others, not even briefly)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _create(path: Path, now: datetime) -> None:
    data = {"format": FORMAT, "code_secret": secrets.token_hex(32), "keys": [_new_key_entry(1, now)]}
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process created it first: use theirs
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=1)
        f.flush()
        os.fsync(f.fileno())


def read_file(path: Path) -> dict:
    try:
        data = json.loads(path.read_text())
        if data.get("format") != FORMAT or not isinstance(data.get("keys"), list):
            raise ValueError("unknown format")
        bytes.fromhex(data["code_secret"])
        return data
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise KeyFileError(f"{path}: cannot read the pickup key file ({e}); restore it from the backup") from None


def ring_from(data: dict) -> KeyRing:
    keys = tuple(SigningKey(id=int(k["id"]), secret=bytes.fromhex(k["secret"]), retired=bool(k.get("retired_at")))
                 for k in data["keys"])
    return KeyRing(keys=keys, code_secret=bytes.fromhex(data["code_secret"]))


class KeyStore:
    """The key ring of one hall, created on first use and reloaded when the file changes."""

    def __init__(self, path: str | Path, now: datetime):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._ring: KeyRing | None = None
        if not self.path.exists():
            _create(self.path, now)
        if self.path.stat().st_mode & 0o077:
            os.chmod(self.path, 0o600)  # someone widened it: keys are for this account only
        self.ring()

    def ring(self) -> KeyRing:
        st = self.path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
        with self._lock:
            if stamp != self._stamp or self._ring is None:
                try:
                    self._ring = ring_from(read_file(self.path))
                except ValueError as e:
                    raise KeyFileError(f"{self.path}: {e}") from None
                self._stamp = stamp
            return self._ring


def rotate(path: str | Path, now: datetime) -> int:
    """Add a new signing key; returns its id. Codes signed before keep verifying until their key is retired."""
    path = Path(path)
    if not path.exists():
        _create(path, now)
    data = read_file(path)
    new_id = max((int(k["id"]) for k in data["keys"]), default=0) + 1
    data["keys"].append(_new_key_entry(new_id, now))
    _write(path, data)
    return new_id


def retire(path: str | Path, key_id: int, now: datetime) -> None:
    """Withdraw a key: QR codes signed with it stop working (typed codes still do)."""
    path = Path(path)
    data = read_file(path)
    entry = next((k for k in data["keys"] if int(k["id"]) == key_id), None)
    if entry is None:
        raise KeyFileError(f"there is no key {key_id}; `hall keys list` shows them")
    active = [k for k in data["keys"] if not k.get("retired_at")]
    if not entry.get("retired_at") and len(active) == 1:
        raise KeyFileError(f"key {key_id} is the only active key; run `hall keys rotate` first")
    entry["retired_at"] = entry.get("retired_at") or to_iso(now)
    _write(path, data)


def describe(path: str | Path) -> list[dict]:
    """The keys without their secrets."""
    return [{k: v for k, v in e.items() if k != "secret"} for e in read_file(Path(path))["keys"]]
