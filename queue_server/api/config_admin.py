"""The hall configuration over the API (the /admin page uses it); manager only, every change a new version.

    GET  /api/v1/config                         the live configuration: version, data (JSON), document (TOML)
    PUT  /api/v1/config                         apply {"config": data, "base_version"?} or a TOML body
                                                (Content-Type: application/toml); the loader's checks, 400 naming
                                                the field; 409 when base_version is no longer the live one
    GET  /api/v1/config/versions                the versions, newest first (who, when, summary)
    GET  /api/v1/config/versions/{id}           one version: its diff from the one before, its document
    POST /api/v1/config/versions/{id}/revert    apply that version's document again, as a new version

The SMS gateway's auth header is a credential: it is shown as "***" and "***" sent back keeps it.
"""

from __future__ import annotations

import re
import tomllib

from flask import Blueprint, jsonify, request

from queue_server.api.helpers import body_bytes, field, hall, json_body, principal, requires
from queue_server.config_export import config_data, from_toml, to_toml
from queue_server.core.input_checks import INT_MAX
from queue_server.errors import BadRequest, Conflict, NotFound
from queue_server.hall_config import ConfigError, HallConfig, parse_config
from queue_server.ops import config_versions

bp = Blueprint("config_admin", __name__)

MASK = "***"
_AUTH_LINE = re.compile(r'^([ +-]?auth_header = )"(.+)"$', re.M)


def _masked_data(cfg: HallConfig) -> dict:
    data = config_data(cfg)
    if data["sms"]["auth_header"]:
        data["sms"]["auth_header"] = MASK
    return data


def _masked_text(text: str) -> str:
    return _AUTH_LINE.sub(lambda m: f'{m.group(1)}"{MASK}"', text)


def _refusal(e: ConfigError) -> BadRequest:
    """The loader's message names the key first ("matters[3].legal_days: ..."): the page shows it by that field."""
    text = str(e)
    key = text.split(": ", 1)[0] if ": " in text else None
    return BadRequest(text, code="bad_config", field=key)


def _parse(data: dict) -> HallConfig:
    sms = data.get("sms")
    if isinstance(sms, dict) and sms.get("auth_header") == MASK:  # unchanged: the page never saw the real one
        data = {**data, "sms": {**sms, "auth_header": hall().config.sms.auth_header}}
    try:
        return parse_config(data)
    except ConfigError as e:
        raise _refusal(e) from None


def _version_row(vid: int) -> dict:
    rows = list(hall().store.read().query("SELECT * FROM config_versions WHERE id = ?", [vid]))
    if not rows:
        raise NotFound(f"there is no configuration version {vid}", code="version_not_found")
    return rows[0]


def _apply(cfg: HallConfig, source: str) -> dict:
    result = config_versions.apply_config(hall(), cfg, who=principal().name, source=source)
    return {**result, "diff": _masked_text(result["diff"]), "live_version": hall().config_version}


@bp.get("/config")
@requires("manager")
def current():
    h = hall()
    return jsonify({"version": h.config_version, "config": _masked_data(h.config),
                    "document": _masked_text(to_toml(h.config))})


@bp.put("/config")
@requires("manager")
def apply():
    if request.mimetype == "application/toml":
        try:
            text = body_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("the TOML body is not UTF-8 text", code="bad_config") from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise BadRequest(f"the new configuration is not valid TOML: {e}", code="bad_config") from None
        return jsonify(_apply(_parse(data), "API (TOML)"))
    body = json_body()
    data = body.get("config")
    if not isinstance(data, dict):
        raise BadRequest("send {\"config\": {...}} (the data of GET /api/v1/config) or a TOML body with "
                         "Content-Type: application/toml", code="missing_field", field="config")
    base = field(body, "base_version", int, lo=0, hi=INT_MAX)
    cfg = _parse(data)
    if base is not None and base != hall().config_version:
        raise Conflict(f"the configuration changed meanwhile (now version {hall().config_version}, you edited "
                       f"version {base}); reload and make your change again", code="version_moved",
                       live_version=hall().config_version)
    return jsonify(_apply(cfg, "admin page"))


@bp.get("/config/versions")
@requires("manager")
def versions():
    h = hall()
    return jsonify({"live_version": h.config_version, "versions": config_versions.versions(h.store.read(), 200)})


@bp.get("/config/versions/<int:vid>")
@requires("manager")
def version(vid: int):
    row = _version_row(vid)
    return jsonify({k: row[k] for k in ("id", "at", "who", "source", "summary")} |
                   {"diff": _masked_text(row["diff"]), "document": _masked_text(row["document"])})


@bp.post("/config/versions/<int:vid>/revert")
@requires("manager")
def revert(vid: int):
    row = _version_row(vid)
    try:
        cfg = from_toml(row["document"], where=f"configuration version {vid}")
    except ConfigError as e:
        raise _refusal(e) from None
    return jsonify(_apply(cfg, f"revert to version {vid}"))
