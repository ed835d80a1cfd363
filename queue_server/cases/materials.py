"""Materials brought against a matter's guide: accept, accept under 容缺 (a pledge), or refuse. Pure.

The guide is per matter (what the admin page edits): its `materials`, of which `optional_materials` are 辅件
(the rest 主件), and `deferrable_materials`, those that may be handed in later under a 容缺 pledge.
"""

from __future__ import annotations

from dataclasses import dataclass

from queue_server.hall_config import Matter


@dataclass(frozen=True)
class MaterialCheck:
    # ids, in the matter's order. missing_main: missing and not deferrable (blocks acceptance; listed on the
    # one-time notice). missing_aux: missing but deferrable (owed under the pledge; the stored column's name).
    missing_main: tuple[str, ...]
    missing_aux: tuple[str, ...]
    decision: str  # "accept" | "deficiency" (容缺受理: only deferrable ones missing, asked for) | "refuse"

    @property
    def missing(self) -> tuple[str, ...]:
        return self.missing_main + self.missing_aux


def deficiency_allowed(matter: Matter) -> bool:
    """容缺受理 is possible for a matter iff its guide names materials that may follow later."""
    return bool(matter.deferrable_materials)


def check_materials(matter: Matter, provided: set[str], *, deficiency_requested: bool) -> MaterialCheck:
    """What is missing and what the window may do about it.

    A missing deferrable material is owed: the case is accepted only under a 容缺 pledge. A missing 主件 that is
    not deferrable refuses acceptance. A missing 辅件 that is not deferrable (e.g. a power of attorney when no
    agent applies) is only needed where it applies: the window judges, the case does not wait for it.
    """
    missing = [mid for mid in matter.materials if mid not in provided]
    deferred = tuple(mid for mid in missing if mid in matter.deferrable_materials)
    blocking = tuple(mid for mid in missing if mid not in matter.deferrable_materials
                     and mid not in matter.optional_materials)
    if blocking or (deferred and not deficiency_requested):
        decision = "refuse"
    elif deferred:
        decision = "deficiency"
    else:
        decision = "accept"
    return MaterialCheck(missing_main=blocking, missing_aux=deferred, decision=decision)
