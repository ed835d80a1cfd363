"""The city's catalogue as data (no database, no HTTP): what a catalogue may hold, and how a hall takes it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from queue_server.catalogue import Catalogue, merge, parse_catalogue, to_toml
from queue_server.config_export import from_toml
from queue_server.config_export import to_toml as config_toml
from queue_server.hall_config import ConfigError, load_config
from queue_server.testing.server_process import SAMPLE_CONFIG


@pytest.fixture(scope="module")
def sample():
    return load_config(SAMPLE_CONFIG)


def _doc(sample) -> str:
    return to_toml(Catalogue(sample.materials, sample.matters, sample.bundles))


def test_a_catalogue_round_trips_byte_for_byte(sample):
    text = _doc(sample)
    assert to_toml(parse_catalogue(text)) == text


@pytest.mark.parametrize("change, named", [
    (lambda t: t.replace('"id_card"', '"no_such_paper"', 1), "matters["),
    (lambda t: t + '\n[hall]\ncode = "x"\n', "unknown key(s) hall"),
    (lambda t: t + '\n[[zones]]\ncode = "x"\n', "unknown key(s) zones"),
    (lambda t: t.replace('zone = "commerce"', 'zone = "Commerce!"', 1), ".zone"),
    (lambda t: t.replace("service_s = ", "service_s = -", 1), "service_s"),
    (lambda t: "[materials]\n", "catalogue.matters"),
    (lambda t: t + "\n[[bundles]]\n", "bundles["),
    (lambda t: "not toml = = 1", "not valid TOML"),
])
def test_a_bad_catalogue_names_the_field(sample, change, named):
    with pytest.raises(ConfigError) as e:
        parse_catalogue(change(_doc(sample)))
    assert named in str(e.value)


def test_a_hall_takes_the_catalogue_and_keeps_its_own_sections(sample):
    hall = replace(sample, matters=sample.matters[:2], bundles=(), materials={})
    merged, left_out = merge(hall, parse_catalogue(_doc(sample)))
    assert left_out == []
    assert (merged.matters, merged.bundles) == (sample.matters, sample.bundles)
    assert (merged.zones, merged.windows, merged.opening, merged.rules) == (hall.zones, hall.windows, hall.opening,
                                                                            hall.rules)
    assert from_toml(config_toml(merged)) == merged  # it passes the hall loader's rules


def test_a_matter_whose_zone_the_hall_lacks_is_left_out_and_named_with_its_bundles(sample):
    hall = replace(sample, zones=tuple(z for z in sample.zones if z.code != "chain"),
                   windows=tuple(replace(w, zones=tuple(z for z in w.zones if z != "chain")) for w in sample.windows))
    cat = parse_catalogue(_doc(sample))
    chain_matter = replace(next(m for m in cat.matters if m.zone == "commerce"), code="chain-only", zone="chain")
    bundle = replace(cat.bundles[0], code="needs-chain-matter", zone="commerce", matters=("chain-only",))
    cat = replace(cat, matters=(*cat.matters, chain_matter), bundles=(*cat.bundles, bundle))
    merged, left_out = merge(hall, cat)
    assert "matter chain-only" in " ".join(left_out) and "zone 'chain'" in " ".join(left_out)
    assert all(b.zone != "chain" for b in merged.bundles)
    assert all(("bundle " + b.code) in " ".join(left_out) for b in cat.bundles if b.zone == "chain")
    assert "bundle needs-chain-matter" in " ".join(left_out) and "chain-only left out" in " ".join(left_out)
    used = {mid for m in merged.matters for mid in m.materials}
    assert set(merged.materials) == used
    from_toml(config_toml(merged))
