"""Every route the app serves is in README.md's table, and every route in the table is served."""

import re
from pathlib import Path

from queue_server.app import create_app

README = Path(__file__).resolve().parents[1] / "README.md"


def served_routes(app) -> set[tuple[str, str, str]]:
    out = set()
    for rule in app.url_map.iter_rules():
        methods = ",".join(sorted(m for m in rule.methods if m not in ("HEAD", "OPTIONS")))
        out.add((methods, rule.rule, rule.endpoint))
    return out


def documented_routes() -> set[tuple[str, str, str]]:
    text = README.read_text(encoding="utf-8")
    table = text.split("<!-- routes:start -->")[1].split("<!-- routes:end -->")[0]
    return {tuple(m) for m in re.findall(r"^\| `([^`]+)` \| `([^`]+)` \| `([^`]+)` \|$", table, flags=re.M)}


def test_every_route_is_in_the_readme_table(tmp_path):
    served = served_routes(create_app(db_path=tmp_path / "hall.db"))
    documented = documented_routes()
    assert served - documented == set(), "routes served but not in README.md's table"
    assert documented - served == set(), "routes in README.md's table that the app does not serve"
    assert len(served) > 60
