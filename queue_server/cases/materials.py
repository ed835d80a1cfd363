"""Materials brought against a matter's list: accept, accept under 容缺 (a pledge), or refuse. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from queue_server.hall_config import Material


@dataclass(frozen=True)
class MaterialCheck:
    missing_main: tuple[str, ...]  # ids, in the matter's order
    missing_aux: tuple[str, ...]
    decision: str  # "accept" | "deficiency" (容缺受理: only aux missing, allowed, asked for) | "refuse"

    @property
    def missing(self) -> tuple[str, ...]:
        return self.missing_main + self.missing_aux


def check_materials(required: list[Material], provided: set[str], *, deficiency_allowed: bool,
                    deficiency_requested: bool) -> MaterialCheck:
    """What is missing and what the window may do about it."""
    main = tuple(m.id for m in required if m.id not in provided and m.kind == "main")
    aux = tuple(m.id for m in required if m.id not in provided and m.kind == "aux")
    if main or (aux and not (deficiency_allowed and deficiency_requested)):
        decision = "refuse"
    elif aux:
        decision = "deficiency"
    else:
        decision = "accept"
    return MaterialCheck(missing_main=main, missing_aux=aux, decision=decision)
