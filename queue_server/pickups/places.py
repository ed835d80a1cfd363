"""Where in the hall to go, named from the configuration (zone name and its home windows)."""

from __future__ import annotations

from queue_server.hall_config import HallConfig


def _span(numbers: list[int]) -> str:
    if not numbers:
        return ""
    if numbers == list(range(numbers[0], numbers[-1] + 1)) and len(numbers) > 1:
        return f"{numbers[0]}–{numbers[-1]}"
    return ", ".join(str(n) for n in numbers)


def zone_place(config: HallConfig, kind: str) -> tuple[str, str]:
    """("统一出件区（41–44 号窗口）", "Licence Pickup & Post area (windows 41–44)") for the first zone of a kind."""
    zone = next((z for z in config.zones if z.kind == kind), None)
    if zone is None:
        return ("服务台", "the service desk")
    home = sorted(w.number for w in config.windows if w.home == zone.code)
    if not home:
        home = sorted(w.number for w in config.windows if zone.code in w.zones)
    span = _span(home)
    zh = f"{zone.name_zh}区" + (f"（{span} 号窗口）" if span else "")
    en = f"{zone.name_en} area" + (f" (window{'s' if len(home) > 1 else ''} {span})" if span else "")
    return zh, en


def pickup_place(config: HallConfig) -> tuple[str, str]:
    return zone_place(config, "pickup")


def consult_place(config: HallConfig) -> tuple[str, str]:
    return zone_place(config, "consult")
