"""Window schedules: which window is open when, serving which zones (window, from, to, zones).

Without a schedule every configured window is open all day with its configured
zones. `zones` is a list separated by spaces, `|` or `;`, home zone first; empty
means the window's configured zones.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from queue_server.hall_config import HallConfig
from simulator.arrivals import InputError, parse_clock


@dataclass(frozen=True, slots=True)
class Shift:
    window: int
    start: float  # seconds since midnight
    end: float
    zones: tuple[str, ...]


def parse_schedule(text: str, cfg: HallConfig, source: str = "schedule") -> list[Shift]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in ("window", "from", "to") if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"{source}: line 1: the header lacks {', '.join(missing)}; expected window,from,to,zones")
    configured = {w.number: w.zones for w in cfg.windows}
    codes = set(cfg.zone_codes())
    shifts, errors = [], []
    for row in reader:
        line = reader.line_num
        problems = []
        try:
            number = int((row.get("window") or "").strip())
        except ValueError:
            number = 0
        if number < 1:
            problems.append(f"window {row.get('window')!r} must be a window number")
        try:
            start, end = parse_clock(row.get("from") or ""), parse_clock(row.get("to") or "")
            if end <= start:
                problems.append("to must be later than from")
        except ValueError:
            problems.append("from and to must be times HH:MM")
            start = end = 0.0
        raw = (row.get("zones") or "").replace("|", " ").replace(";", " ").split()
        zones = tuple(raw) or configured.get(number, ())
        unknown = [z for z in zones if z not in codes]
        if unknown:
            problems.append(f"unknown zone(s) {', '.join(unknown)}")
        if not zones and number >= 1:
            problems.append(f"window {number} is not in the hall config; list its zones")
        if problems:
            errors.append(f"line {line}: " + "; ".join(problems))
        else:
            shifts.append(Shift(number, start, end, zones))
    if errors:
        raise InputError(f"{source}: {len(errors)} bad row(s); fix them and run again:\n" + "\n".join(errors))
    return shifts


def read_schedule(path: str | Path, cfg: HallConfig) -> list[Shift]:
    try:
        return parse_schedule(Path(path).read_text(encoding="utf-8"), cfg, source=str(path))
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
