"""Arrivals files: one row per citizen (arrival, zone, matter, priority, service_s, no_show).

A bad row stops the run with every problem listed by line number, so a hall
manager can fix the spreadsheet in one pass.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from queue_server.hall_config import HallConfig

COLUMNS = ("arrival", "zone", "matter", "priority", "service_s", "no_show")
MAX_ERRORS = 20


class InputError(ValueError):
    """An input file is wrong; the message names the file, the line and what to do."""


@dataclass(frozen=True, slots=True)
class Arrival:
    at: float  # seconds since local midnight
    zone: str
    service_s: float
    matter: str | None = None
    priority: str | None = None
    no_show: bool = False


def parse_clock(text: str) -> float:
    """HH:MM[:SS] → seconds since midnight (ValueError if malformed)."""
    parts = text.strip().split(":")
    if len(parts) not in (2, 3) or not all(p.strip().isdigit() for p in parts):
        raise ValueError(text)
    h, m, s = (int(p) for p in [*parts, "0"][:3])
    if h > 23 or m > 59 or s > 59:
        raise ValueError(text)
    return h * 3600 + m * 60 + s


def format_clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def parse_arrivals(text: str, cfg: HallConfig, source: str = "arrivals") -> list[Arrival]:
    """Read an arrivals CSV (header required); raises InputError listing bad rows by line number."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in ("arrival", "zone", "service_s") if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"{source}: line 1: the header lacks {', '.join(missing)}; "
                         f"expected columns {','.join(COLUMNS)}")
    zones = set(cfg.zone_codes())
    matters = {m.code: m.zone for m in cfg.matters}
    classes = set(cfg.rules.priority_classes)
    out: list[Arrival] = []
    errors: list[str] = []
    for row in reader:
        line = reader.line_num
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        problems = []
        try:
            at = parse_clock(row.get("arrival") or "")
        except ValueError:
            problems.append(f"arrival {row.get('arrival')!r} is not a time HH:MM:SS")
            at = 0.0
        zone = (row.get("zone") or "").strip()
        if zone not in zones:
            problems.append(f"zone {zone!r} is not one of {', '.join(sorted(zones))}")
        matter = (row.get("matter") or "").strip() or None
        if matter is not None and matters.get(matter, zone) != zone:
            problems.append(f"matter {matter!r} belongs to zone {matters[matter]!r}, not {zone!r}")
        elif matter is not None and matter not in matters:
            problems.append(f"matter {matter!r} is not in the hall's catalogue")
        priority = (row.get("priority") or "").strip() or None
        if priority is not None and priority not in classes:
            problems.append(f"priority {priority!r} is not a green-channel class ({', '.join(sorted(classes))})")
        try:
            service = float(row.get("service_s") or "")
            if not service > 0 or service > 86400:
                raise ValueError
        except ValueError:
            problems.append(f"service_s {row.get('service_s')!r} must be a number of seconds above 0")
            service = 1.0
        no_show_text = (row.get("no_show") or "0").strip()
        if no_show_text not in ("0", "1"):
            problems.append(f"no_show {no_show_text!r} must be 0 or 1")
        if problems:
            errors.append(f"line {line}: " + "; ".join(problems))
            continue
        out.append(Arrival(at=at, zone=zone, service_s=service, matter=matter, priority=priority,
                           no_show=no_show_text == "1"))
    if errors:
        more = f"\n… and {len(errors) - MAX_ERRORS} more" if len(errors) > MAX_ERRORS else ""
        raise InputError(f"{source}: {len(errors)} bad row(s); fix them and run again:\n"
                         + "\n".join(errors[:MAX_ERRORS]) + more)
    if not out:
        raise InputError(f"{source}: no arrivals; the file needs a header and at least one row")
    out.sort(key=lambda a: a.at)
    return out


def read_arrivals(path: str | Path, cfg: HallConfig) -> list[Arrival]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; save the CSV as UTF-8") from None
    return parse_arrivals(text, cfg, source=str(path))


def arrivals_csv(arrivals: Iterable[Arrival]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for a in arrivals:
        w.writerow([format_clock(a.at), a.zone, a.matter or "", a.priority or "", max(1, round(a.service_s)),
                    int(a.no_show)])
    return buf.getvalue()
