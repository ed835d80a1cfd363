"""The city's matter catalogue: the parts of a hall configuration that are the province's and city's, not the hall's.

A catalogue document holds [materials], [[matters]] (each with its 一次告知 guide) and [[bundles]] (一件事), with
the hall loader's rules for those sections (hall_config.parse_catalogue_sections). A hall takes it by replacing
those sections of its own configuration and keeping its zones, windows, hours and rules (`merge`). A matter or
bundle whose zone the hall lacks is left out and named (`left_out`), never dropped silently.

Pure: no database, no HTTP.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, replace

import tomli_w

from queue_server.config_export import _lists
from queue_server.hall_config import Bundle, ConfigError, HallConfig, Material, Matter, parse_catalogue_sections

SECTIONS = ("materials", "matters", "bundles")
HEADER = ("# The city's matter catalogue (materials, 一次告知 matters, 一件事 bundles),\n"
          "# published by `hall central catalogue publish`.\n")


@dataclass(frozen=True)
class Catalogue:
    materials: dict[str, Material]
    matters: tuple[Matter, ...]
    bundles: tuple[Bundle, ...]


def parse_catalogue(text: str) -> Catalogue:
    """Validate a catalogue document (ConfigError names the field)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"catalogue: not valid TOML: {e}") from None
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        raise ConfigError(f"catalogue: unknown key(s) {', '.join(unknown)} (a catalogue holds only "
                          f"{', '.join(SECTIONS)}; zones, windows, hours and rules are each hall's own)")
    if not data.get("matters"):
        raise ConfigError("catalogue.matters: the catalogue needs at least one [[matters]] entry")
    return Catalogue(*parse_catalogue_sections(data, None))


def catalogue_data(cat: Catalogue) -> dict:
    return {"materials": {mid: {"zh": m.zh, "en": m.en} for mid, m in cat.materials.items()},
            "matters": [_lists(asdict(m)) for m in cat.matters],
            "bundles": [_lists(asdict(b)) for b in cat.bundles]}


def to_toml(cat: Catalogue) -> str:
    """The canonical document (every field written): what the centre stores and serves."""
    return HEADER + "\n" + tomli_w.dumps(catalogue_data(cat), multiline_strings=False)


def merge(hall: HallConfig, cat: Catalogue) -> tuple[HallConfig, list[str]]:
    """The hall's configuration with the catalogue's sections, and what was left out for want of a zone.

    A left-out matter takes the bundles that need it with it; only the materials the kept matters use come in.
    """
    zones = set(hall.zone_codes())
    left_out = [f"matter {m.code} ({m.name_zh}): zone {m.zone!r}" for m in cat.matters if m.zone not in zones]
    matters = tuple(m for m in cat.matters if m.zone in zones)
    kept = {m.code for m in matters}
    bundles = []
    for b in cat.bundles:
        if b.zone not in zones:
            left_out.append(f"bundle {b.code} ({b.name_zh}): zone {b.zone!r}")
        elif missing := [mc for mc in b.matters if mc not in kept]:
            left_out.append(f"bundle {b.code} ({b.name_zh}): matter(s) {', '.join(missing)} left out")
        else:
            bundles.append(b)
    used = {mid for m in matters for mid in m.materials}
    materials = {mid: m for mid, m in cat.materials.items() if mid in used}
    return replace(hall, materials=materials, matters=matters, bundles=tuple(bundles)), left_out
