"""The hall configuration (config/hall.toml): zones, matters, bundles, windows, rules.

Pure: reads TOML into frozen dataclasses and validates everything, so a broken
file stops start-up with a message that names the key and says what is wrong.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config" / "hall.toml"
ZONE_KINDS = ("front", "pickup", "consult", "chain")


class ConfigError(ValueError):
    """The hall config is wrong; the message names the key."""


@dataclass(frozen=True)
class Material:
    id: str
    zh: str
    en: str


@dataclass(frozen=True)
class Matter:
    code: str
    zone: str
    name_zh: str
    name_en: str
    common: bool
    service_s: int
    legal_days: int
    promised_days: int
    fee_zh: str
    fee_en: str
    materials: tuple[str, ...]
    notes_zh: str
    notes_en: str
    short_zh: str = ""  # a few words for the kiosk's zone tile ("社保卡"); empty: not an example there
    short_en: str = ""
    # The 一次告知 guide beyond the list: who may apply, on what legal basis; which materials are 辅件
    # (supporting; the rest are 主件), which may be handed in later under a 容缺 pledge, and which
    # documents this matter itself issues (a bundle leaves those out of its merged list).
    conditions_zh: str = ""
    conditions_en: str = ""
    legal_basis_zh: str = ""
    legal_basis_en: str = ""
    optional_materials: tuple[str, ...] = ()
    deferrable_materials: tuple[str, ...] = ()
    produces: tuple[str, ...] = ()
    # the back-office department that approves it (supervision names it beside the window); "" = the zone's
    department: str = ""


@dataclass(frozen=True)
class Bundle:
    code: str
    name_zh: str
    name_en: str
    zone: str
    matters: tuple[str, ...]
    promised_days: int
    notes_zh: str
    notes_en: str


@dataclass(frozen=True)
class Zone:
    code: str
    prefix: str
    kind: str
    name_zh: str
    name_en: str
    target_wait_s: int
    service_s: int
    icon: str


@dataclass(frozen=True)
class WindowSpec:
    number: int
    zones: tuple[str, ...]
    label_zh: str = ""
    label_en: str = ""
    printer: str = ""  # the window's receipt printer (hardware printer spec, e.g. network:10.0.0.31:9100); "" none

    @property
    def home(self) -> str:
        return self.zones[0]


@dataclass(frozen=True)
class Reason:
    """One entry of a list the hall chooses (a pause reason, a bad rating's reason): a code and its words."""

    code: str
    zh: str
    en: str


DEFAULT_PAUSE_REASONS = (
    Reason("break", "休息", "Break"), Reason("meeting", "会议", "Meeting"),
    Reason("backoffice", "后台协调", "Checking with the back office"),
    Reason("system", "系统故障", "System fault"), Reason("other", "其他", "Other"),
)
DEFAULT_RATING_REASONS = (
    Reason("attitude", "服务态度差", "Staff attitude"), Reason("efficiency", "办事效率低", "Slow service"),
    Reason("come_back", "让我再跑一次", "Told to come back"), Reason("fees", "收费问题", "Fees"),
    Reason("other", "其他", "Other"),
)

DEFAULT_REFUSAL_REASONS = (
    Reason("materials_missing", "申请材料不齐全", "Materials missing"),
    Reason("not_in_scope", "不属于本窗口受理范围", "Not handled here"),
    Reason("not_eligible", "申请人不符合条件", "Applicant not eligible"),
    Reason("form_wrong", "申请材料不符合法定形式", "Materials not in the required form"),
    Reason("other", "其他", "Other"),
)


@dataclass(frozen=True)
class Rules:
    recalls_before_no_show: int = 1
    no_show_grace_s: int = 1800
    priority_classes: tuple[str, ...] = ("elderly", "disabled", "veteran", "pregnant", "talent")
    priority_boost_s: int = 900
    appointment_early_s: int = 1800
    appointment_late_s: int = 900
    # A 差评 is followed up within this many working days (hall calendar): local rules say 5 (Dezhou) to 15.
    follow_up_working_days: int = 5
    # A finished licence waits this many days for pickup when the back office gives no expiry.
    licence_hold_days: int = 90
    pause_reasons: tuple[Reason, ...] = DEFAULT_PAUSE_REASONS
    rating_reasons: tuple[Reason, ...] = DEFAULT_RATING_REASONS
    # Accepted cases: the number's pattern ({hall}, {date} as YYYYMMDD, {seq}), the 容缺 supply deadline in
    # working days, the share of the promised time (percent) after which a case turns yellow on the dashboard.
    case_number_pattern: str = "{hall}-{date}-{seq:04d}"
    supply_working_days: int = 5
    case_warn_percent: int = 80
    refusal_reasons: tuple[Reason, ...] = DEFAULT_REFUSAL_REASONS


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SESSION_KINDS = ("regular", "extended", "appointments")


@dataclass(frozen=True)
class Session:
    """One opening period: which zones (none listed: all), which weekdays, from when to when (hall time).

    kind: regular; extended (延时服务 evenings); appointments (e.g. weekend 预约 service: no walk-in numbers).
    Numbers are issued from `open` until `last_ticket` (default: `close`).
    """

    days: tuple[str, ...]
    open: str
    close: str
    last_ticket: str = ""
    zones: tuple[str, ...] = ()
    kind: str = "regular"


@dataclass(frozen=True)
class Opening:
    """Opening hours. Not enforced unless `enforce` (a hall without hours issues numbers at any time)."""

    enforce: bool = False
    # A 调休 working weekend day keeps the hours of this weekday.
    makeup_day_as: str = "mon"
    sessions: tuple[Session, ...] = ()


@dataclass(frozen=True)
class Public:
    """How citizens' phones reach the hall: the address printed in every ticket's QR, and the complaint line."""

    base_url: str = "http://127.0.0.1:8000"
    complaint_zh: str = "投诉电话 12345"
    complaint_en: str = "Complaints: call 12345"


@dataclass(frozen=True)
class Sms:
    """The SMS gateway for "your turn is near" and "please go to window N" (off unless enabled)."""

    enabled: bool = False
    url: str = ""
    auth_header: str = ""  # "Authorization: Bearer …" (name: value), sent with every request
    # The request body; $phone and $text are replaced by JSON-escaped strings (so the template stays valid JSON).
    body_template: str = '{"to": "$phone", "text": "$text"}'
    ahead: int = 3  # text the citizen when this many (or fewer) are ahead
    max_attempts: int = 5
    retry_s: int = 30  # first retry after this long, doubling each time


@dataclass(frozen=True)
class HallConfig:
    code: str
    name_zh: str
    name_en: str
    timezone: str
    notice_zh: str
    notice_en: str
    rules: Rules
    zones: tuple[Zone, ...]
    materials: dict[str, Material] = field(hash=False)
    matters: tuple[Matter, ...]
    bundles: tuple[Bundle, ...]
    windows: tuple[WindowSpec, ...]
    public: Public = Public()
    sms: Sms = Sms()
    opening: Opening = Opening()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def zone(self, code: str) -> Zone:
        for z in self.zones:
            if z.code == code:
                return z
        raise KeyError(code)

    def zone_codes(self) -> list[str]:
        return [z.code for z in self.zones]

    def matter(self, code: str) -> Matter:
        for m in self.matters:
            if m.code == code:
                return m
        raise KeyError(code)

    def bundle(self, code: str) -> Bundle:
        for b in self.bundles:
            if b.code == code:
                return b
        raise KeyError(code)

    def window(self, number: int) -> WindowSpec:
        for w in self.windows:
            if w.number == number:
                return w
        raise KeyError(number)

    def bundle_materials(self, code: str) -> list[Material]:
        """The merged, de-duplicated materials list of a one-thing bundle (first-seen order), without what the
        chain issues itself (the 营业执照 its first matter produces is not asked of the citizen later on)."""
        seen: dict[str, Material] = {}
        produced: set[str] = set()
        for mc in self.bundle(code).matters:
            matter = self.matter(mc)
            for mid in matter.materials:
                if mid not in produced:
                    seen.setdefault(mid, self.materials[mid])
            produced.update(matter.produces)
        return list(seen.values())


# ---- reading and validation ----------------------------------------------


class _Reader:
    """Typed access to one TOML table that reports mistakes by their full key."""

    def __init__(self, data: Any, where: str):
        if not isinstance(data, dict):
            raise ConfigError(f"{where}: expected a table, got {type(data).__name__}")
        self.data = data
        self.where = where
        self.used: set[str] = set()

    def _get(self, key: str, default: Any) -> Any:
        self.used.add(key)
        if key not in self.data:
            if default is _REQUIRED:
                raise ConfigError(f"{self.where}.{key}: missing (required)")
            return default
        return self.data[key]

    def str(self, key: str, default: Any = None, *, nonempty: bool = True) -> str:
        value = self._get(key, _REQUIRED if default is None else default)
        if not isinstance(value, str):
            raise ConfigError(f"{self.where}.{key}: expected text, got {value!r}")
        if nonempty and not value.strip():
            raise ConfigError(f"{self.where}.{key}: must not be empty")
        return value

    def int(self, key: str, default: Any = None, *, minimum: int = 0) -> int:
        value = self._get(key, _REQUIRED if default is None else default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{self.where}.{key}: expected a whole number, got {value!r}")
        if value < minimum:
            raise ConfigError(f"{self.where}.{key}: must be at least {minimum}, got {value}")
        return value

    def bool(self, key: str, default: bool) -> bool:
        value = self._get(key, default)
        if not isinstance(value, bool):
            raise ConfigError(f"{self.where}.{key}: expected true or false, got {value!r}")
        return value

    def strs(self, key: str, default: Any = None) -> tuple[str, ...]:
        value = self._get(key, _REQUIRED if default is None else default)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{self.where}.{key}: expected a list of text, got {value!r}")
        return tuple(value)

    def finish(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise ConfigError(f"{self.where}: unknown key(s) {', '.join(unknown)}")


_REQUIRED = object()
_ID = re.compile(r"^[a-z][a-z0-9_-]*$")


def _items(data: dict, key: str) -> list:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ConfigError(f"{key}: expected an array of tables ([[{key}]])")
    return value


def _unique(values: list, what: str) -> None:
    seen = set()
    for v in values:
        if v in seen:
            raise ConfigError(f"{what}: {v!r} appears twice; each must be unique")
        seen.add(v)


def parse_catalogue_sections(data: dict, zone_codes: set[str] | None) -> tuple[
        dict[str, Material], tuple[Matter, ...], tuple[Bundle, ...]]:
    """The catalogue's sections of a document: [materials], [[matters]] (一次告知) and [[bundles]] (一件事).

    `zone_codes` None (the city's catalogue, which names no hall's zones): any well-formed zone code is taken;
    a hall checks its own zones when it applies the catalogue.
    """
    materials: dict[str, Material] = {}
    raw_materials = data.get("materials", {})
    if not isinstance(raw_materials, dict):
        raise ConfigError("materials: expected tables [materials.ID] with zh and en")
    for mid, raw in raw_materials.items():
        m = _Reader(raw, f"materials.{mid}")
        materials[mid] = Material(id=mid, zh=m.str("zh"), en=m.str("en"))
        m.finish()

    matters = []
    for i, raw in enumerate(_items(data, "matters")):
        m = _Reader(raw, f"matters[{i}]")
        matter = Matter(
            code=m.str("code"), zone=m.str("zone"), name_zh=m.str("name_zh"),
            name_en=m.str("name_en"), common=m.bool("common", False),
            service_s=m.int("service_s", minimum=1), legal_days=m.int("legal_days", 0),
            promised_days=m.int("promised_days", 0), fee_zh=m.str("fee_zh", "不收费"),
            fee_en=m.str("fee_en", "Free"), materials=m.strs("materials", []),
            notes_zh=m.str("notes_zh", "", nonempty=False),
            notes_en=m.str("notes_en", "", nonempty=False),
            short_zh=m.str("short_zh", "", nonempty=False), short_en=m.str("short_en", "", nonempty=False),
            conditions_zh=m.str("conditions_zh", "", nonempty=False),
            conditions_en=m.str("conditions_en", "", nonempty=False),
            legal_basis_zh=m.str("legal_basis_zh", "", nonempty=False),
            legal_basis_en=m.str("legal_basis_en", "", nonempty=False),
            optional_materials=m.strs("optional_materials", []),
            deferrable_materials=m.strs("deferrable_materials", []),
            produces=m.strs("produces", []),
            department=m.str("department", "", nonempty=False),
        )
        m.finish()
        if not _ID.match(matter.zone) or (zone_codes is not None and matter.zone not in zone_codes):
            raise ConfigError(f"matters[{i}].zone: unknown zone {matter.zone!r} (matter {matter.code})")
        for mid in matter.materials:
            if mid not in materials:
                raise ConfigError(
                    f"matters[{i}].materials: {mid!r} is not in the [materials] catalogue "
                    f"(matter {matter.code})"
                )
        for key in ("optional_materials", "deferrable_materials"):
            for mid in getattr(matter, key):
                if mid not in matter.materials:
                    raise ConfigError(f"matters[{i}].{key}: {mid!r} is not in this matter's materials "
                                      f"(matter {matter.code})")
        for mid in matter.produces:
            if mid not in materials:
                raise ConfigError(f"matters[{i}].produces: {mid!r} is not in the [materials] catalogue "
                                  f"(matter {matter.code})")
        matters.append(matter)
    _unique([m.code for m in matters], "matters.code")
    matter_codes = {m.code for m in matters}

    bundles = []
    for i, raw in enumerate(_items(data, "bundles")):
        b = _Reader(raw, f"bundles[{i}]")
        bundle = Bundle(
            code=b.str("code"), name_zh=b.str("name_zh"), name_en=b.str("name_en"),
            zone=b.str("zone"), matters=b.strs("matters"),
            promised_days=b.int("promised_days", 0),
            notes_zh=b.str("notes_zh", "", nonempty=False),
            notes_en=b.str("notes_en", "", nonempty=False),
        )
        b.finish()
        if not _ID.match(bundle.zone) or (zone_codes is not None and bundle.zone not in zone_codes):
            raise ConfigError(f"bundles[{i}].zone: unknown zone {bundle.zone!r}")
        for mc in bundle.matters:
            if mc not in matter_codes:
                raise ConfigError(f"bundles[{i}].matters: unknown matter {mc!r} (bundle {bundle.code})")
        if not bundle.matters:
            raise ConfigError(f"bundles[{i}].matters: a bundle needs at least one matter")
        bundles.append(bundle)
    _unique([b.code for b in bundles], "bundles.code")

    return materials, tuple(matters), tuple(bundles)


def parse_config(data: dict) -> HallConfig:
    """Validate a parsed TOML document into a HallConfig (raises ConfigError)."""
    top = _Reader(data, "config")
    for key in ("hall", "rules", "zones", "materials", "matters", "bundles", "windows", "public", "sms", "opening"):
        top.used.add(key)
    top.finish()

    h = _Reader(data.get("hall"), "hall")
    code = h.str("code")
    name_zh, name_en = h.str("name_zh"), h.str("name_en")
    timezone = h.str("timezone", "Asia/Shanghai")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"hall.timezone: unknown time zone {timezone!r} (e.g. Asia/Shanghai)") from None
    notice_zh, notice_en = h.str("notice_zh", ""), h.str("notice_en", "")
    h.finish()

    r = _Reader(data.get("rules", {}), "rules")
    defaults = Rules()
    rules = Rules(
        recalls_before_no_show=r.int("recalls_before_no_show", defaults.recalls_before_no_show),
        no_show_grace_s=r.int("no_show_grace_s", defaults.no_show_grace_s),
        priority_classes=r.strs("priority_classes", list(defaults.priority_classes)),
        priority_boost_s=r.int("priority_boost_s", defaults.priority_boost_s),
        appointment_early_s=r.int("appointment_early_s", defaults.appointment_early_s),
        appointment_late_s=r.int("appointment_late_s", defaults.appointment_late_s),
        follow_up_working_days=r.int("follow_up_working_days", defaults.follow_up_working_days, minimum=1),
        licence_hold_days=r.int("licence_hold_days", defaults.licence_hold_days, minimum=1),
        pause_reasons=_reasons(r, "pause_reasons", defaults.pause_reasons),
        rating_reasons=_reasons(r, "rating_reasons", defaults.rating_reasons),
        case_number_pattern=r.str("case_number_pattern", defaults.case_number_pattern),
        supply_working_days=r.int("supply_working_days", defaults.supply_working_days, minimum=1),
        case_warn_percent=r.int("case_warn_percent", defaults.case_warn_percent, minimum=1),
        refusal_reasons=_reasons(r, "refusal_reasons", defaults.refusal_reasons),
    )
    r.finish()
    if rules.case_warn_percent > 100:
        raise ConfigError(f"rules.case_warn_percent: 1 to 100 (percent of the promised time), got "
                          f"{rules.case_warn_percent}")
    try:
        rules.case_number_pattern.format(hall="H", date="20260101", seq=1)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError) as e:
        raise ConfigError(f"rules.case_number_pattern: {rules.case_number_pattern!r} cannot be filled ({e}); "
                          "it may use {hall}, {date} and {seq} (e.g. {seq:04d})") from None
    if rules.licence_hold_days > 3650:
        raise ConfigError(f"rules.licence_hold_days: at most 3650 (ten years), got {rules.licence_hold_days}")
    for i, pc in enumerate(rules.priority_classes):
        if not _ID.match(pc) or pc == "appointment":
            raise ConfigError(f"rules.priority_classes[{i}]: {pc!r} is not a valid class name")

    zones = []
    for i, raw in enumerate(_items(data, "zones")):
        z = _Reader(raw, f"zones[{i}]")
        zone = Zone(
            code=z.str("code"), prefix=z.str("prefix"), kind=z.str("kind", "front"),
            name_zh=z.str("name_zh"), name_en=z.str("name_en"),
            target_wait_s=z.int("target_wait_s", minimum=1), service_s=z.int("service_s", minimum=1),
            icon=z.str("icon", "default"),
        )
        z.finish()
        if not _ID.match(zone.code):
            raise ConfigError(f"zones[{i}].code: {zone.code!r} must be lower-case letters/digits")
        if not re.fullmatch(r"[A-Z]", zone.prefix):
            raise ConfigError(f"zones[{i}].prefix: {zone.prefix!r} must be one capital letter A-Z")
        if zone.kind not in ZONE_KINDS:
            raise ConfigError(f"zones[{i}].kind: {zone.kind!r} is not one of {', '.join(ZONE_KINDS)}")
        zones.append(zone)
    if not zones:
        raise ConfigError("zones: the hall needs at least one [[zones]] entry")
    _unique([z.code for z in zones], "zones.code")
    _unique([z.prefix for z in zones], "zones.prefix")
    zone_codes = {z.code for z in zones}

    materials, matters, bundles = parse_catalogue_sections(data, zone_codes)

    windows = []
    for i, raw in enumerate(_items(data, "windows")):
        w = _Reader(raw, f"windows[{i}]")
        win = WindowSpec(
            number=w.int("number", minimum=1), zones=w.strs("zones"),
            label_zh=w.str("label_zh", "", nonempty=False), label_en=w.str("label_en", "", nonempty=False),
            printer=w.str("printer", "", nonempty=False),
        )
        w.finish()
        if not win.zones:
            raise ConfigError(f"windows[{i}].zones: a window must serve at least one zone")
        for zc in win.zones:
            if zc not in zone_codes:
                raise ConfigError(f"windows[{i}].zones: unknown zone {zc!r} (window {win.number})")
        _unique(list(win.zones), f"windows[{i}].zones")
        windows.append(win)
    if not windows:
        raise ConfigError("windows: the hall needs at least one [[windows]] entry")
    _unique([w.number for w in windows], "windows.number")

    return HallConfig(
        public=_public(data.get("public", {})), sms=_sms(data.get("sms", {})),
        opening=_opening(data.get("opening", {}), zone_codes),
        code=code, name_zh=name_zh, name_en=name_en, timezone=timezone,
        notice_zh=notice_zh, notice_en=notice_en, rules=rules, zones=tuple(zones),
        materials=materials, matters=matters, bundles=bundles, windows=tuple(windows),
    )


def _reasons(r: _Reader, key: str, default: tuple[Reason, ...]) -> tuple[Reason, ...]:
    raw = r._get(key, None)
    if raw is None:
        return default
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{r.where}.{key}: expected a non-empty array of tables ([[{r.where}.{key}]]: code, zh, en)")
    out = []
    for i, item in enumerate(raw):
        x = _Reader(item, f"{r.where}.{key}[{i}]")
        reason = Reason(code=x.str("code"), zh=x.str("zh"), en=x.str("en"))
        x.finish()
        if not _ID.match(reason.code):
            raise ConfigError(f"{r.where}.{key}[{i}].code: {reason.code!r} must be lower-case letters/digits")
        out.append(reason)
    _unique([x.code for x in out], f"{r.where}.{key}.code")
    return tuple(out)


_HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def _opening(data: Any, zone_codes: set[str]) -> Opening:
    o = _Reader(data, "opening")
    d = Opening()
    enforce = o.bool("enforce", d.enforce)
    makeup = o.str("makeup_day_as", d.makeup_day_as)
    if makeup not in WEEKDAYS:
        raise ConfigError(f"opening.makeup_day_as: {makeup!r} is not one of {', '.join(WEEKDAYS)}")
    sessions = []
    raw_sessions = o._get("sessions", [])
    if not isinstance(raw_sessions, list):
        raise ConfigError("opening.sessions: expected an array of tables ([[opening.sessions]])")
    for i, raw in enumerate(raw_sessions):
        where = f"opening.sessions[{i}]"
        s = _Reader(raw, where)
        session = Session(days=s.strs("days"), open=s.str("open"), close=s.str("close"),
                          last_ticket=s.str("last_ticket", "", nonempty=False), zones=s.strs("zones", []),
                          kind=s.str("kind", "regular"))
        s.finish()
        for day in session.days:
            if day not in WEEKDAYS:
                raise ConfigError(f"{where}.days: {day!r} is not one of {', '.join(WEEKDAYS)}")
        if not session.days:
            raise ConfigError(f"{where}.days: name at least one weekday")
        for key in ("open", "close", "last_ticket"):
            value = getattr(session, key)
            if (value or key != "last_ticket") and not _HHMM.match(value):
                raise ConfigError(f"{where}.{key}: {value!r} must be a time such as 08:30 (24-hour, hall time)")
        if session.close <= session.open:
            raise ConfigError(f"{where}.close: {session.close} must be after open {session.open}")
        if session.last_ticket and not session.open <= session.last_ticket <= session.close:
            raise ConfigError(f"{where}.last_ticket: {session.last_ticket} must be between open and close")
        for zc in session.zones:
            if zc not in zone_codes:
                raise ConfigError(f"{where}.zones: unknown zone {zc!r}")
        if session.kind not in SESSION_KINDS:
            raise ConfigError(f"{where}.kind: {session.kind!r} is not one of {', '.join(SESSION_KINDS)}")
        sessions.append(session)
    o.finish()
    if enforce and not sessions:
        raise ConfigError("opening.enforce: true needs at least one [[opening.sessions]]")
    return Opening(enforce=enforce, makeup_day_as=makeup, sessions=tuple(sessions))


def _public(data: Any) -> Public:
    p = _Reader(data, "public")
    d = Public()
    base_url = p.str("base_url", d.base_url).rstrip("/")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError(f"public.base_url: {base_url!r} is not an http(s) address such as "
                          "http://192.168.1.10:8000 (what citizens' phones open from the ticket's QR)")
    out = Public(base_url=base_url, complaint_zh=p.str("complaint_zh", d.complaint_zh),
                 complaint_en=p.str("complaint_en", d.complaint_en))
    p.finish()
    return out


def _sms(data: Any) -> Sms:
    r = _Reader(data, "sms")
    d = Sms()
    sms = Sms(
        enabled=r.bool("enabled", d.enabled), url=r.str("url", d.url, nonempty=False),
        auth_header=r.str("auth_header", d.auth_header, nonempty=False),
        body_template=r.str("body_template", d.body_template),
        ahead=r.int("ahead", d.ahead, minimum=1), max_attempts=r.int("max_attempts", d.max_attempts, minimum=1),
        retry_s=r.int("retry_s", d.retry_s, minimum=1),
    )
    r.finish()
    if sms.enabled:
        parts = urlsplit(sms.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"sms.url: {sms.url!r} is not the gateway's http(s) address")
        if sms.auth_header and ":" not in sms.auth_header:
            raise ConfigError("sms.auth_header: write it as 'Name: value', e.g. 'Authorization: Bearer …'")
        if "$phone" not in sms.body_template or "$text" not in sms.body_template:
            raise ConfigError("sms.body_template: must contain $phone and $text")
    return sms


def load_config(path: str | Path | None = None) -> HallConfig:
    """Read and validate a hall TOML file (the sample hall when path is None)."""
    path = Path(path) if path else DEFAULT_CONFIG
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    try:
        return parse_config(data)
    except ConfigError as e:
        raise ConfigError(f"{path}: {e}") from None
