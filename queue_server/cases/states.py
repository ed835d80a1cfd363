"""The states of a case and who may move it where. Pure.

    accepted (已受理) ─→ in_review (审批中) ─→ done (已办结, a pickup licence is made ready) | denied (不予许可)
    pending_supply (待补正): accepted under 容缺 with deferrable materials outstanding; back to accepted when the
    window marks them supplied. A case is never finished while materials are outstanding.
    refused (不予受理): refused at the window; a one-time notice lists what is missing. Final.
"""

from __future__ import annotations

LABELS = {
    "accepted": ("已受理", "Accepted"), "pending_supply": ("待补正", "Materials to supply"),
    "in_review": ("审批中", "Under review"), "done": ("已办结", "Approved"), "denied": ("不予许可", "Not approved"),
    "refused": ("不予受理", "Not accepted"),
}
OPEN = ("accepted", "pending_supply", "in_review")  # the promised date still runs
# What the back office (page, API, CSV) may set from each state.
TRANSITIONS = {
    "accepted": ("in_review", "done", "denied"),
    "pending_supply": ("in_review", "denied"),
    "in_review": ("done", "denied"),
    "done": (), "denied": (), "refused": (),
}
BACK_OFFICE_STATES = ("in_review", "done", "denied")


class TransitionError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def next_state(current: str, wanted: str, *, supply_outstanding: bool) -> str | None:
    """The state to store, None when the case is in it already (a repeated call changes nothing)."""
    if wanted not in BACK_OFFICE_STATES:
        raise TransitionError("bad_state", f"the state must be one of {', '.join(BACK_OFFICE_STATES)}")
    if current == wanted:
        return None
    if wanted == "done" and supply_outstanding:
        raise TransitionError("supply_outstanding", "materials promised under 容缺 are still outstanding")
    if wanted not in TRANSITIONS.get(current, ()):
        raise TransitionError("bad_transition", f"a case that is {current} cannot become {wanted}")
    return wanted
