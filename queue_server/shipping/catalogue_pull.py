"""The hall's catalogue puller: takes the city's matter catalogue into the hall's configuration, version by version.

A loop of its own (`hall catalogue pull`) beside the shipper, not inside it: the shipper only reads the hall's
database and never holds its writer, while applying a catalogue is a configuration write (apply_config, the same
path as `hall config apply`), and the two run at different paces (events every half second, the catalogue once a
minute). Each poll sends the applied version as If-None-Match: an unchanged catalogue costs a 304, and the centre
learns from it which version the hall has (the city page's column). Nothing changes while the centre is
unreachable: the hall keeps its last version and retries with backoff.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass

import requests

from queue_server.catalogue import merge, parse_catalogue
from queue_server.clock import to_iso
from queue_server.config_export import from_toml, to_toml
from queue_server.errors import Conflict, HallError, StorageUnavailable
from queue_server.hall import Hall
from queue_server.hall_config import ConfigError
from queue_server.ops import config_versions
from queue_server.shipping.backoff import backoff_s

log = logging.getLogger(__name__)

PATH = "/api/v1/city/catalogue"
TIMEOUT_S = 30.0
POLL_S = 60.0
META_KEYS = ("catalogue_version", "catalogue_applied_at", "catalogue_left_out", "catalogue_failed_version")


@dataclass(frozen=True)
class PullResult:
    outcome: str  # "current" (304), "none" (nothing published), "applied", "failed" (refused: an alert says why)
    version: int | None = None
    left_out: tuple[str, ...] = ()


class CataloguePuller:
    def __init__(self, hall: Hall, central_url: str, token: str, *, poll_s: float = POLL_S,
                 max_backoff_s: float = 60.0, session: requests.Session | None = None):
        self.hall = hall
        self.url = central_url.rstrip("/") + PATH
        self.poll_s = poll_s
        self.max_backoff_s = max_backoff_s
        self.http = session or requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"
        self.stop_event = threading.Event()
        self.failures = 0  # polls that could not reach the centre, since the start

    def meta(self) -> dict[str, str]:
        marks = ",".join("?" * len(META_KEYS))
        return dict(self.hall.store.read().execute(f"SELECT key, value FROM meta WHERE key IN ({marks})",
                                                   list(META_KEYS)).fetchall())

    def step(self, *, again: bool = False) -> PullResult:
        """One poll; raises requests.RequestException or RuntimeError when the centre cannot be asked, and
        StorageUnavailable when the hall's database cannot take the version now (both retried by `run`)."""
        meta = self.meta()
        held = int(meta["catalogue_version"]) if meta.get("catalogue_version", "").isdigit() else None
        # `again`: take the current version once more (after the hall gained a zone it lacked, say).
        headers = {"If-None-Match": f'"{held}"'} if held and not again else {}
        r = self.http.get(self.url, headers=headers, timeout=TIMEOUT_S)
        if r.status_code == 304:
            return PullResult("current", held)
        if r.status_code == 404 and r.headers.get("Content-Type", "").startswith("application/json") \
                and r.json().get("error") == "no_catalogue":
            return PullResult("none", held)
        if r.status_code != 200:
            raise RuntimeError(f"GET {PATH}: {r.status_code} {r.text[:300]}")
        body = r.json()
        version = int(body["version"])
        if meta.get("catalogue_failed_version") == str(version) and not again:
            return PullResult("failed", version)  # refused before and alerted once; wait for the next version
        result = self.apply(version, body["document"])
        if result.outcome == "applied":
            self._report(version)
        return result

    def _report(self, version: int) -> None:
        """Poll again at once with the new version, so the city page shows it now rather than a poll later."""
        try:
            self.http.get(self.url, headers={"If-None-Match": f'"{version}"'}, timeout=TIMEOUT_S).close()
        except requests.RequestException as e:
            log.warning("could not report catalogue version %d yet (%s); the next poll will", version, e)

    def apply(self, version: int, document: str) -> PullResult:
        """Take catalogue `version` into the hall's live configuration, keeping its zones, windows, hours, rules."""
        source = f"city catalogue v{version}"
        try:
            cat = parse_catalogue(document)
            row = config_versions.latest(self.hall.store.read())
            merged, left_out = merge(from_toml(row["document"]), cat)
            result = config_versions.apply_config(self.hall, to_toml(merged), who="city", source=source,
                                                  base_version=row["id"])
        except StorageUnavailable:
            raise  # the hall's database is busy or faulty for now: the loop retries this version later
        except (ConfigError, HallError) as e:
            if isinstance(e, Conflict) and e.code == "config_moved":  # a manager's version landed meanwhile
                raise RuntimeError(f"{source}: {e.message}; it is merged again on the next try") from None
            message = e.message if isinstance(e, HallError) else str(e)
            self._alert("catalogue_refused", f"市级事项目录第 {version} 版未能应用，本厅继续使用原版本：{message} / "
                        f"the city's catalogue version {version} could not be applied; the hall keeps its "
                        f"previous version: {message}", {"version": version})
            self._set_meta({"catalogue_failed_version": str(version)})
            log.error("%s refused: %s", source, message)
            return PullResult("failed", version)
        if left_out:
            listed = "; ".join(left_out)
            self._alert("catalogue_zone_missing",
                        f"市级事项目录第 {version} 版中有本厅没有的板块，以下事项未上架：{listed}。"
                        f"请在本厅配置中增加该板块，或请市级调整目录 / the city's catalogue version {version} "
                        f"names zones this hall lacks; "
                        f"left out: {listed}. Add the zone to the hall's configuration or ask the city to change "
                        f"the catalogue", {"version": version, "left_out": left_out})
        self._set_meta({"catalogue_version": str(version), "catalogue_applied_at": to_iso(self.hall.now()),
                        "catalogue_left_out": json.dumps(left_out, ensure_ascii=False),
                        "catalogue_failed_version": ""})
        log.info("%s applied (hall configuration version %s; %d left out)", source, result["version"], len(left_out))
        return PullResult("applied", version, tuple(left_out))

    def _set_meta(self, values: dict[str, str]) -> None:
        with self.hall.store.write() as db:
            for key, value in values.items():
                db.execute("INSERT INTO meta (key, value) VALUES (?, ?)"
                           " ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value])

    def _alert(self, kind: str, message: str, data: dict) -> None:
        """An alert on the hall's dashboard (until a manager resolves it), and an event that ships to the city."""
        now = self.hall.now()
        with self.hall.store.write() as db:
            row = {"at": to_iso(now), "kind": kind, "source": "catalogue", "message": message,
                   "data": json.dumps(data, ensure_ascii=False)}
            row["id"] = db["alerts"].insert(row).last_pk
            self.hall.emit(db, kind="alert", at=now, reason=kind,
                           data={"alert": {k: row[k] for k in ("id", "kind", "source", "message", "at")}})

    def run(self, *, once: bool = False, again: bool = False) -> int:
        """Poll until stopped (0); with `once`, one successful poll (0) or the first failure (1)."""
        failures = 0
        while not self.stop_event.is_set():
            try:
                result = self.step(again=again)
                again = False
                failures = 0
            except (requests.RequestException, RuntimeError, ValueError, KeyError, StorageUnavailable) as e:
                if once:
                    log.error("the centre cannot be asked: %s", e)
                    return 1
                failures += 1
                self.failures += 1
                wait = backoff_s(failures, cap_s=self.max_backoff_s)
                log.warning("catalogue poll failed (%s); the hall keeps its version; retrying in %.1f s", e, wait)
                self.stop_event.wait(wait)
                continue
            if once:
                return 0
            log.debug("catalogue poll: %s", result)
            self.stop_event.wait(self.poll_s)
        return 0

    def close(self) -> None:
        self.http.close()
