"""The hall configuration lives in the database, versioned; files and the city's catalogue reach it through `apply`.

Every change goes through `apply_config` (the CLI's `hall config apply`, a future admin page, the city's
catalogue): it validates the new document with the TOML loader's rules, stores it as a new version (who, when,
the diff), brings the windows table in line, and — in a serving hall — takes it into use at once with a
`config_changed` event, so kiosks, boards and consoles reload it live. A server notices a version applied by
another process (the CLI) on its next request (`follow_database`).

At start-up the file and the database must agree: the first start stores the file as version 1; later, a file
that differs is not used silently — the database's version serves, and `drift` says what differs and which
command to run.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from queue_server.clock import to_iso
from queue_server.config_export import diff, from_toml, to_toml
from queue_server.core.dispatch import DispatchRules
from queue_server.errors import BadRequest, Conflict, StorageUnavailable
from queue_server.hall_config import ConfigError, HallConfig

if TYPE_CHECKING:
    from sqlite_utils import Database

    from queue_server.hall import Hall
    from queue_server.storage.database import Store


@dataclass(frozen=True)
class Drift:
    """The configuration file differs from the database's live version."""

    version: int
    diff: str

    def message(self, config_path: str = "FILE") -> str:
        return (f"配置文件与数据库中的现行配置（第 {self.version} 版）不一致；现按数据库中的配置运行。"
                f"要采用文件，请运行 `hall config apply {config_path}`；要把现行配置写回文件，请运行 "
                f"`hall config export --to {config_path}`。 / "
                f"The configuration file differs from the database's live configuration (version {self.version}); "
                f"the hall runs on the database's. To take the file, run `hall config apply {config_path}`; to "
                f"write the live configuration to the file, run `hall config export --to {config_path}`.")


def latest(db: Database) -> dict | None:
    rows = list(db.query("SELECT * FROM config_versions ORDER BY id DESC LIMIT 1"))
    return rows[0] if rows else None


def latest_id(db: Database) -> int:
    return db.execute("SELECT coalesce(max(id), 0) FROM config_versions").fetchone()[0]


def versions(db: Database, limit: int = 50) -> list[dict]:
    return list(db.query("SELECT id, at, who, source, summary FROM config_versions ORDER BY id DESC LIMIT ?",
                         [limit]))


def _stored_config(row: dict) -> HallConfig:
    try:
        return from_toml(row["document"], where=f"configuration version {row['id']}")
    except ConfigError as e:
        raise ConfigError(f"the database's configuration (version {row['id']}) no longer loads: {e}") from None


def reconcile(store: Store, file_config: HallConfig, at: str,
              on_drift: str = "report") -> tuple[HallConfig, int, Drift | None]:
    """At start-up: (the configuration to serve, its version, the file's drift from it or None).

    on_drift "report" (the server started from a file): the database's version serves and the drift is
    returned; "apply" (a caller that passes a configuration object on purpose: tests, the simulator, the demo):
    it is stored as a new version, source "start-up", and serves.
    """
    with store.write() as db:
        row = latest(db)
        if row is None:
            doc = to_toml(file_config)
            version = db["config_versions"].insert(
                {"at": at, "who": "file", "source": "first start", "document": doc, "diff": "",
                 "summary": "first version, from the configuration file"}).last_pk
            return file_config, version, None
    stored = _stored_config(row)
    live_doc, file_doc = to_toml(stored), to_toml(file_config)
    if live_doc == file_doc:
        return stored, row["id"], None
    text = diff(live_doc, file_doc)
    if on_drift != "apply":
        return stored, row["id"], Drift(row["id"], text)
    with store.write() as db:
        _align_windows(db, stored, file_config, at)
        version = db["config_versions"].insert(
            {"at": at, "who": "start-up", "source": "configuration given at start-up", "document": file_doc,
             "diff": text, "summary": summarise(text)}).last_pk
    return file_config, version, None


def summarise(text: str) -> str:
    lines = text.splitlines()
    added = sum(1 for t in lines if t.startswith("+") and not t.startswith("+++"))
    removed = sum(1 for t in lines if t.startswith("-") and not t.startswith("---"))
    return f"{added} line(s) added, {removed} removed"


def parse_document(text: str, where: str = "the new configuration") -> HallConfig:
    """The validated configuration of a document, or BadRequest naming the field."""
    try:
        return from_toml(text, where=where)
    except ConfigError as e:
        raise BadRequest(str(e), code="bad_config") from None


def preview(hall: Hall, new: HallConfig) -> str:
    """The unified diff from the live configuration to `new` ('' when the same)."""
    return diff(to_toml(hall.config), to_toml(new), "live", "new")


def apply_config(hall: Hall, new: HallConfig | str, *, who: str, source: str, base_version: int | None = None) -> dict:
    """Validate, store as a new version, align the windows table, and (serving) take it into use with an event.

    Returns {"version", "diff", "summary", "changed"}; an unchanged configuration stores nothing. `base_version`:
    the version `new` was made from (the city's catalogue merged into it); another version applied since is a
    Conflict "config_moved" rather than a silent undoing of it.
    """
    cfg = parse_document(new) if isinstance(new, str) else new
    with hall.store.write() as db:
        row = latest(db)
        if base_version is not None and (row["id"] if row else 0) != base_version:
            raise Conflict(f"the configuration moved from version {base_version} to {row['id'] if row else 0} "
                           "meanwhile", code="config_moved")
        live = _stored_config(row) if row else hall.config
        old_doc, new_doc = to_toml(live), to_toml(cfg)
        if old_doc == new_doc:
            return {"version": row["id"] if row else 0, "diff": "", "summary": "no change", "changed": False}
        text = diff(old_doc, new_doc, f"version {row['id'] if row else 0}", "new")
        summary = summarise(text)
        now = hall.now()
        _align_windows(db, live, cfg, to_iso(now))
        version = db["config_versions"].insert(
            {"at": to_iso(now), "who": who, "source": source, "document": new_doc, "diff": text,
             "summary": summary}).last_pk
        if hall.serving:
            _take_into_use(hall, db, cfg, version)
    return {"version": version, "diff": text, "summary": summary, "changed": True}


def _align_windows(db: Database, old: HallConfig, new: HallConfig, at: str) -> None:
    """New windows are added (closed); a window whose configured zones changed serves the new zones (a manager's
    move of the day ends); a removed window goes, if it is closed."""
    rows = {r["number"]: r for r in db.query("SELECT number, state FROM windows")}
    keep = {w.number for w in new.windows}
    for number, r in rows.items():
        if number not in keep:
            if r["state"] != "closed":
                raise Conflict(f"window {number} is {r['state']}; sign it off before removing it from the hall",
                               code="window_in_use")
            db.execute("DELETE FROM windows WHERE number = ?", [number])
    old_zones = {w.number: w.zones for w in old.windows}
    for w in new.windows:
        if w.number not in rows:
            db.execute("INSERT INTO windows (number, zones, state, state_since) VALUES (?,?,?,?)",
                       [w.number, json.dumps(list(w.zones)), "closed", at])
        elif old_zones.get(w.number) != w.zones:
            db.execute("UPDATE windows SET zones = ? WHERE number = ?", [json.dumps(list(w.zones)), w.number])


def _take_into_use(hall: Hall, db: Database, cfg: HallConfig, version: int) -> None:
    """Serve `cfg` from now on (inside the write that stored it, or that noticed it) and announce it."""
    before = (hall.config, hall.config_version, hall.dispatch_rules, dict(hall.targets))
    hall.config, hall.config_version = cfg, version
    hall.dispatch_rules = DispatchRules.from_rules(cfg.rules)
    hall.targets = {z.code: z.target_wait_s for z in cfg.zones}
    hall.live.refresh_config(hall.dispatch_rules, cfg.zone_codes(),
                             list(db.query("SELECT w.*, t.number AS ticket FROM windows w LEFT JOIN tickets t"
                                           " ON t.id = w.current_ticket ORDER BY w.number")))

    def undo() -> None:
        hall.config, hall.config_version, hall.dispatch_rules, hall.targets = before

    hall.store.on_rollback(undo)
    hall.emit(db, kind="config_changed", at=hall.now(), data={"version": version})


def follow_database(hall: Hall) -> None:
    """Take a version applied by another process (`hall config apply`) into use: cheap when there is none.

    A storage fault is left to the request itself (it answers 503, or /health reports it)."""
    try:
        if latest_id(hall.store.read()) <= hall.config_version:
            return
    except (StorageUnavailable, sqlite3.Error):
        return
    with hall.store.write() as db:
        row = latest(db)
        if row and row["id"] > hall.config_version:
            _take_into_use(hall, db, _stored_config(row), row["id"])
