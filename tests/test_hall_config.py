import tomllib

import pytest

from queue_server.hall_config import DEFAULT_CONFIG, ConfigError, load_config, parse_config


def sample() -> dict:
    with open(DEFAULT_CONFIG, "rb") as f:
        return tomllib.load(f)


def test_sample_hall_matches_seed_001():
    cfg = load_config()
    front = [w for w in cfg.windows if cfg.zone(w.home).kind == "front"]
    assert len(front) == 40
    counts = {}
    for w in front:
        counts[w.home] = counts.get(w.home, 0) + 1
    assert counts == {"commerce": 18, "public": 12, "economy": 3, "social": 3, "construction": 2, "special": 2}
    assert sum(1 for w in cfg.windows if w.home == "pickup") == 4
    assert sum(1 for w in cfg.windows if w.home == "consult") == 4
    assert cfg.zone("chain").kind == "chain"
    assert len(cfg.bundles) >= 3
    for z in cfg.zones:
        if z.kind == "front":
            assert sum(1 for m in cfg.matters if m.zone == z.code) >= 5, z.code
    assert cfg.timezone == "Asia/Shanghai"


def test_bundle_materials_are_merged_without_duplicates():
    cfg = load_config()
    for b in cfg.bundles:
        ids = [m.id for m in cfg.bundle_materials(b.code)]
        assert len(ids) == len(set(ids))
        every = {mid for mc in b.matters for mid in cfg.matter(mc).materials}
        produced = {mid for mc in b.matters[:-1] for mid in cfg.matter(mc).produces}
        assert set(ids) == every - produced


def test_a_bundle_leaves_out_what_its_own_chain_issues():
    cfg = load_config()
    assert "business_licence" in cfg.matter("A01").produces
    assert "business_licence" in cfg.matter("F07").materials  # a later matter of company-opening asks for it
    assert "business_licence" not in [m.id for m in cfg.bundle_materials("company-opening")]


@pytest.mark.parametrize("key,value,message", [
    ("optional_materials", ["photo"], "matters[0].optional_materials: 'photo' is not in this matter's materials"),
    ("deferrable_materials", ["ghost"], "matters[0].deferrable_materials: 'ghost' is not in this matter's"),
    ("produces", ["ghost"], "matters[0].produces: 'ghost' is not in the [materials] catalogue"),
    ("legal_basis_zh", 3, "matters[0].legal_basis_zh: expected text"),
])
def test_guide_fields_are_checked_by_name(key, value, message):
    data = tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    data["matters"][0][key] = value
    with pytest.raises(ConfigError) as e:
        parse_config(data)
    assert message in str(e.value)


@pytest.mark.parametrize(
    "mutate,message",
    [
        (lambda d: d["zones"][0].update(prefix="AA"), "zones[0].prefix"),
        (lambda d: d["zones"][1].update(prefix="A"), "zones.prefix: 'A' appears twice"),
        (lambda d: d["zones"][0].pop("name_zh"), "zones[0].name_zh: missing"),
        (lambda d: d["zones"][0].update(target_wait_s="20m"), "zones[0].target_wait_s: expected a whole number"),
        (lambda d: d["windows"][0].update(zones=["nowhere"]), "windows[0].zones: unknown zone 'nowhere'"),
        (lambda d: d["windows"][1].update(number=1), "windows.number: 1 appears twice"),
        (lambda d: d["hall"].update(timezone="Mars/Olympus"), "hall.timezone"),
        (lambda d: d["matters"][0].update(materials=["no_such_doc"]), "matters[0].materials: 'no_such_doc'"),
        (lambda d: d["matters"][0].update(zone="nowhere"), "matters[0].zone"),
        (lambda d: d["bundles"][0].update(matters=["X99"]), "bundles[0].matters: unknown matter 'X99'"),
        (lambda d: d["zones"][0].update(colour="red"), "zones[0]: unknown key(s) colour"),
        (lambda d: d["rules"].update(priority_boost_s=-5), "rules.priority_boost_s: must be at least 0"),
        (lambda d: d["public"].update(base_url="192.168.1.10:8000"), "public.base_url"),
        (lambda d: d["public"].update(base_url="ftp://hall/"), "public.base_url"),
        (lambda d: d["public"].update(base_url="http://hall/?x=1"), "public.base_url"),
        (lambda d: d["public"].update(base_url=8000), "public.base_url: expected text"),
        (lambda d: d["public"].update(url="http://x"), "public: unknown key(s) url"),
        (lambda d: d["sms"].update(enabled=True, url="nowhere"), "sms.url"),
        (lambda d: d["sms"].update(enabled=True, auth_header="Bearer x"), "sms.auth_header"),
        (lambda d: d["sms"].update(enabled=True, body_template='{"to": "$phone"}'), "sms.body_template"),
        (lambda d: d["sms"].update(ahead=0), "sms.ahead: must be at least 1"),
    ],
)
def test_mistakes_name_the_key(mutate, message):
    data = sample()
    mutate(data)
    with pytest.raises(ConfigError) as e:
        parse_config(data)
    assert message in str(e.value)


def test_broken_file_names_the_file(tmp_path):
    bad = tmp_path / "hall.toml"
    bad.write_text("[hall\ncode=1")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "missing.toml")


def test_public_base_url_is_kept_without_a_trailing_slash():
    data = sample()
    data["public"]["base_url"] = "https://hall.example.gov.cn/queue/"
    assert parse_config(data).public.base_url == "https://hall.example.gov.cn/queue"
    del data["public"]
    assert parse_config(data).public.base_url.startswith("http://")
