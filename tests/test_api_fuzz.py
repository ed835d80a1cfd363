"""Every route of the app driven with generated input: never an answer >= 500, and a refusal changes nothing.

The routes come from the app's own url_map, so a route added later is fuzzed too. Each request goes through
Flask's test client to an app on a real SQLite file, with no token, a bogus one, or a kiosk's, a staff
member's or the manager's, and now and then an odd Last-Event-ID or session cookie. After every 4xx answer
the database must be exactly as before (the two append-only logs that record refusals by design, audit_log
and code_audit, excepted). About 8,000 requests, half a minute of CPU; the same inputs every run
(HALL_FUZZ_RANDOM=1 draws new ones).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.pickup_helpers import make_hallway

EXAMPLES_PER_ROUTE = 120
RANDOM = bool(os.environ.get("HALL_FUZZ_RANDOM"))  # the suite replays the same inputs; set this to explore
ANSWERS: Counter = Counter()  # status -> count, printed at the end (pytest -s)
# Records that note refusals on purpose (append-only logs), and when each device last made a request.
LOGS_OF_REFUSALS = {"audit_log", "code_audit", "device_seen"}
WHO = (None, "bogus", "kiosk-01", "staff", "manager", "backoffice", "display")
BIG = 2**63

# Field and argument names the handlers read, so generated bodies reach past "missing field".
KEYS = ("zone", "matter", "bundle", "priority", "source", "reason", "ticket_id", "note", "zones", "window",
        "username", "password", "kind", "message", "data", "score", "comment", "contact", "code", "accept",
        "assignee", "text", "outcome", "id_last4", "phone_last4", "slot_start", "name", "ref", "case_no",
        "licence_type", "holder_name", "method", "address", "ready_at", "due_at")
ARGS = ("date", "from", "to", "zones", "windows", "state", "zone", "last_event_id", "case_no", "method",
        "history")
NASTY_TEXT = ("", " ", "\x00", "a\x00b", "\ud800", "x\udfffy", "=1+1", "+SUM(A1)", "-2", "@x", "\t=1",
              "9999-12-31", "0001-01-01", "2026-11-23", "2026-11-23T09:30", "99999-01-01", "2026-02-30",
              "commerce", "public", "C", "boss", "staff1", "1", "-1", str(BIG), str(10**30), "1e400", "NaN",
              "x" * 5000, "中文" * 300, "../../etc/passwd", "%00", "<script>", "𝔘𝔫𝔦")

ints = st.one_of(st.integers(-3, 5), st.integers(), st.integers(BIG - 2, BIG + 2), st.just(10**40),
                 st.just(-(10**40)))
texts = st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=20),
                  st.text(alphabet=st.characters(codec=None, categories=["Cs", "Cc", "Lo"]), max_size=8))
scalars = st.one_of(st.none(), st.booleans(), ints, st.floats(allow_nan=True, allow_infinity=True), texts)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
                      max_leaves=8)
objects = st.dictionaries(st.sampled_from(KEYS) | texts, values, max_size=6)


class Body(bytes):
    """A request body whose repr stays short when hypothesis reports a failing example."""

    def __repr__(self) -> str:
        return f"Body({bytes(self[:120])!r}{'...' if len(self) > 120 else ''}, {len(self)} bytes)"


def _json_text(value: object) -> bytes:
    # ensure_ascii writes lone surrogates as \ud800 escapes, as a hostile client would
    return json.dumps(value, ensure_ascii=True, allow_nan=True).encode()


bodies = st.one_of(
    st.none(),
    objects.map(_json_text),
    values.map(_json_text),
    st.sampled_from([b"{", b"[]", b"null", b"\xff\xfe", b'{"a": 1, "a": 2}', b"[" * 100_000 + b"]" * 100_000,
                     b'{"x":' * 50_000 + b"1" + b"}" * 50_000, b'{"source": "' + b"x" * 900_000 + b'"}',
                     b'{"ticket_id": 99999999999999999999999}', b'{"username": "\\ud800", "password": "x"}',
                     b'{"zone": "commerce", "source": "\\u0000"}', b"NaN", b'{"score": Infinity}']),
    st.binary(max_size=64),
).map(lambda b: None if b is None else Body(b))


# Bodies a route accepts, so that one changed field is what the route meets (rule -> body).
VALID = {
    "/api/v1/tickets": {"zone": "commerce", "source": "kiosk-01"},
    "/api/v1/login": {"username": "boss", "password": "boss-pass-1"},
    "/api/v1/alerts": {"kind": "help", "message": "help", "data": {"at": "door"}},
    "/api/v1/licences": {"case_no": "LX-1", "licence_type": "营业执照", "holder_name": "张三", "id_last4": "123X",
                         "phone_last4": "5678", "method": "post", "expires_at": "2026-12-31",
                         "post_address": "济南市历下区", "ready": True},
    "/api/v1/appointments": {"zone": "commerce", "slot_start": "2026-11-24T09:30", "name": "张三", "ref": "R1"},
    "/api/v1/ratings": {"ticket_id": 1, "score": 1, "reason": "other", "comment": "slow", "contact": "138"},
    "/api/v1/t/<token>/rating": {"score": 2, "reason": "other", "comment": "slow", "contact": "138"},
    "/api/v1/windows/<int:no>/<action>": {"ticket_id": 1, "zone": "public", "note": "n", "reason": "r"},
    "/api/v1/windows/<int:no>/zones": {"zones": ["commerce"], "reason": "r"},
    "/api/v1/rebalance/accept": {"window": 1, "zones": ["commerce"]},
    "/api/v1/licences/<int:licence_id>/handover": {"id_last4": "123X", "window": 1},
    "/api/v1/pickups/confirm": {"code": "HL1", "accept": True},
    "/api/v1/followups/<int:followup_id>/<action>": {"assignee": "boss", "text": "t", "outcome": "o"},
}


def _one_changed(base: dict) -> st.SearchStrategy[bytes]:
    return st.tuples(st.sampled_from(sorted(base)), values).map(lambda kv: _json_text(base | {kv[0]: kv[1]}))


def _path_value(converter: str) -> st.SearchStrategy[str]:
    if converter in ("IntegerConverter", "BoundedInt"):
        return st.one_of(st.integers(0, 5), st.integers(0, 2**80), st.just(BIG), st.just(BIG - 1)).map(str)
    return st.one_of(texts, st.just("x")).map(lambda s: quote(s.encode("utf-8", "surrogatepass"), safe=""))


def _routes(app) -> list[tuple[str, str, tuple[tuple[str, str], ...]]]:
    out = []
    for rule in app.url_map.iter_rules():
        converters = tuple((name, type(conv).__name__) for name, conv in rule._converters.items())
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((method, rule.rule, converters))
    return sorted(out)


class Tables:
    """The database's rows (refusal logs aside), dumped again only when another connection has committed."""

    def __init__(self, db_path: Path):
        self.con = sqlite3.connect(db_path)
        self.version, self.rows = None, {}

    def _version(self) -> int:
        return self.con.execute("PRAGMA data_version").fetchone()[0]  # moves when anyone else commits

    def _dump(self) -> dict[str, list]:
        tables = [r[0] for r in self.con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: self.con.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall()
                for t in tables if t not in LOGS_OF_REFUSALS}

    def now(self) -> dict[str, list]:
        version = self._version()
        if version != self.version:
            self.version, self.rows = version, self._dump()
        return self.rows


@pytest.fixture(scope="module")
def hallway(tmp_path_factory):
    w = make_hallway(tmp_path_factory.mktemp("fuzz"))
    # Some real objects for the small ids to find: a served, rated ticket, a waiting one, a licence.
    assert w.post("/api/v1/windows/1/open", "staff").status_code == 200
    for zone in ("commerce", "commerce"):
        assert w.post("/api/v1/tickets", "kiosk-01", {"zone": zone}).status_code == 201
    assert w.post("/api/v1/windows/1/call-next", "staff").status_code == 200
    assert w.post("/api/v1/windows/1/start", "staff").status_code == 200
    assert w.post("/api/v1/windows/1/finish", "staff").status_code == 200
    w.licence()
    w.tables = Tables(w.db_path)
    yield w
    w.tables.con.close()
    print(f"\nfuzzed {sum(ANSWERS.values())} requests over {len(ROUTES)} routes: {sorted(ANSWERS.items())}")


def _raw_header(text: str) -> str:
    # the bytes a client may send, as WSGI hands them over (latin-1)
    return text.encode("utf-8", "surrogatepass").decode("latin-1").replace("\r", "").replace("\n", "")


extra_headers = st.one_of(st.just({}), texts.map(lambda t: {"Last-Event-ID": _raw_header(t)}),
                          texts.map(lambda t: {"Cookie": "hall_token=" + _raw_header(t)}))


def _check(w, method: str, url: str, who: str | None, body: bytes | None, extra: dict) -> None:
    headers = {"Authorization": "Bearer " + (w.tokens.get(who) or "not-a-token")} if who else {}
    headers.update(extra)
    before = w.tables.now()
    r = w.client.open(url, method=method, data=body, headers=headers, content_type="application/json")
    ANSWERS[r.status_code] += 1
    try:
        assert r.status_code < 500, (method, url, who, body, r.get_data()[:500])
        if 400 <= r.status_code < 500:
            if url.startswith("/api/"):
                answer = r.get_json()
                assert answer["error"] and answer["message"], (url, answer)
            assert w.tables.now() == before, (method, url, who, body, r.status_code)
    finally:
        r.close()


def _route_ids() -> list:
    import tempfile

    from queue_server.app import create_app  # one throwaway app, only to list the routes

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(db_path=Path(folder) / "list.db")
        routes = _routes(app)
        app.extensions["hall"].close()
    # Logging out ends the shared sessions the other routes are fuzzed with: that route goes last.
    return sorted(routes, key=lambda r: r[1] == "/api/v1/logout")


ROUTES = _route_ids()


def test_every_route_is_listed():
    paths = {r[1] for r in ROUTES}
    assert {"/api/v1/tickets/<int:ticket_id>", "/api/v1/login", "/api/v1/audit", "/t/<token>"} <= paths
    assert len(ROUTES) > 50


@pytest.mark.parametrize(("method", "rule", "converters"), ROUTES, ids=[f"{m} {r}" for m, r, _ in ROUTES])
def test_route_survives_generated_input(hallway, method, rule, converters):
    @settings(max_examples=EXAMPLES_PER_ROUTE, deadline=None, database=None, derandomize=not RANDOM,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def run(data):
        path = rule
        for name, conv in converters:
            value = data.draw(_path_value(conv), label=name)
            path = re.sub(r"<(?:[^:<>]+:)?" + re.escape(name) + ">", value, path)
        args = data.draw(st.dictionaries(st.sampled_from(ARGS) | texts, texts, max_size=3), label="args")
        query = urlencode({k.encode("utf-8", "surrogatepass"): v.encode("utf-8", "surrogatepass")
                           for k, v in args.items()})
        body = None
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            some = bodies | _one_changed(VALID[rule]).map(Body) if rule in VALID else bodies
            body = data.draw(some, label="body")
        who = data.draw(st.sampled_from(WHO), label="who")
        extra = data.draw(extra_headers, label="headers")
        _check(hallway, method, path + ("?" + query if query else ""), who, body, extra)

    run()
