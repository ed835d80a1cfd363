"""The policies the simulator compares: which zones each window serves and how it picks.

- dedicated: each window serves only its home zone (one counter per department).
- pooled: every window serves every zone, first come first served (the reform's ideal).
- shipped: the server's balanced dispatch with each window's configured zones.
- shipped+rebalance: shipped, and the manager accepts every move queue_server.core.rebalance proposes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from queue_server.hall_config import HallConfig


@dataclass(frozen=True)
class Policy:
    name: str
    mode: str = "balanced"  # dispatch.choose_next mode
    pool: str = "configured"  # "home", "configured" or "all"
    rebalance: bool = False

    def window_zones(self, zones: tuple[str, ...], all_zones: Sequence[str]) -> tuple[str, ...]:
        if self.pool == "home":
            return zones[:1]
        if self.pool == "all":
            return (zones[0], *[z for z in all_zones if z != zones[0]])
        return zones

    def movable(self, cfg: HallConfig, window: int, all_zones: Sequence[str]) -> tuple[str, ...]:
        """Zones a window may be moved to: front desks among front zones; other desks stay put."""
        kinds = {z.code: z.kind for z in cfg.zones}
        try:
            home = cfg.window(window).zones[0]
        except KeyError:
            return ()
        if kinds.get(home) != "front":
            return ()
        return tuple(z for z in all_zones if kinds[z] == "front")


POLICIES = {
    "dedicated": Policy("dedicated", pool="home"),
    "pooled": Policy("pooled", mode="fifo", pool="all"),
    "shipped": Policy("shipped"),
    "shipped+rebalance": Policy("shipped+rebalance", rebalance=True),
}


def policies_named(name: str) -> list[Policy]:
    """`all` or one policy name (ValueError naming the choices otherwise)."""
    if name == "all":
        return list(POLICIES.values())
    if name not in POLICIES:
        raise ValueError(f"unknown policy {name!r}; choose one of {', '.join(POLICIES)} or all")
    return [POLICIES[name]]
