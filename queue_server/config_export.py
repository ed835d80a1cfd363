"""The hall configuration as a TOML document: one canonical form, so export → apply → export is byte-stable.

Pure: the document is built from the validated HallConfig (every field written, defaults included, in a fixed
order), so two configurations are equal exactly when their documents are.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import asdict

import tomli_w

from queue_server.hall_config import ConfigError, HallConfig, parse_config

HEADER = ("# The hall's live configuration, written by `hall config export`.\n"
          "# Edit it and run `hall config apply FILE` (shows the difference; --yes applies it).\n")


def config_data(cfg: HallConfig) -> dict:
    """The configuration as plain TOML data that `parse_config` reads back into an equal HallConfig."""
    rules = asdict(cfg.rules)
    return {
        "hall": {"code": cfg.code, "name_zh": cfg.name_zh, "name_en": cfg.name_en, "timezone": cfg.timezone,
                 "notice_zh": cfg.notice_zh, "notice_en": cfg.notice_en},
        "public": asdict(cfg.public),
        "sms": asdict(cfg.sms),
        "rules": _lists(rules),
        "opening": _lists(asdict(cfg.opening)),
        "zones": [asdict(z) for z in cfg.zones],
        "materials": {mid: {"zh": m.zh, "en": m.en, "kind": m.kind} for mid, m in cfg.materials.items()},
        "matters": [_lists(asdict(m)) for m in cfg.matters],
        "bundles": [_lists(asdict(b)) for b in cfg.bundles],
        "windows": [_lists(asdict(w)) for w in cfg.windows],
    }


def _lists(d: dict) -> dict:
    """Tuples as lists (TOML arrays), recursively."""
    def conv(v):
        if isinstance(v, tuple | list):
            return [conv(x) for x in v]
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        return v
    return {k: conv(v) for k, v in d.items()}


def to_toml(cfg: HallConfig) -> str:
    return HEADER + "\n" + tomli_w.dumps(config_data(cfg), multiline_strings=False)


def from_toml(text: str, where: str = "config") -> HallConfig:
    """Parse and validate a TOML document (ConfigError names the key)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{where}: not valid TOML: {e}") from None
    return parse_config(data)


def diff(old: str, new: str, old_name: str = "database", new_name: str = "file") -> str:
    """A unified diff of two documents ('' when equal), readable line by line."""
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        fromfile=old_name, tofile=new_name, n=2))
