"""The ticket state machine.

    waiting ──call──▶ called ──start──▶ serving ──finish──▶ done
       │  ▲            │  ▲ recall          │
       │  │            │  └───┘             └─transfer─▶ transferred (waits in the new zone)
       │  └─requeue── no_show ◀─(after N recalls)─┘
       └─cancel──▶ cancelled

`transferred` behaves like `waiting` in its new zone (it keeps its original
queue time, so it does not lose its place). A no-show may be requeued once,
within the grace time. Anything else is an IllegalTransition (HTTP 409).
"""

from __future__ import annotations

from dataclasses import dataclass

WAITING_STATES = frozenset({"waiting", "transferred"})
ACTIVE_STATES = frozenset({"called", "serving"})
FINAL_STATES = frozenset({"done", "cancelled"})
ALL_STATES = WAITING_STATES | ACTIVE_STATES | FINAL_STATES | {"no_show"}

# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "call": (WAITING_STATES, "called"),
    "recall": (frozenset({"called"}), "called"),
    "start": (frozenset({"called"}), "serving"),
    "finish": (frozenset({"serving"}), "done"),
    "no_show": (frozenset({"called"}), "no_show"),
    "transfer": (ACTIVE_STATES, "transferred"),
    "cancel": (WAITING_STATES, "cancelled"),
    "requeue": (frozenset({"no_show"}), "waiting"),
}

_STATE_WORDS = {
    "waiting": "is waiting in the queue",
    "transferred": "is waiting after a transfer",
    "called": "has been called",
    "serving": "is being served",
    "done": "is already finished",
    "no_show": "was marked as not present",
    "cancelled": "was cancelled",
}


class IllegalTransition(Exception):
    """The action is impossible from the ticket's current state."""

    def __init__(self, message: str, *, state: str, action: str):
        super().__init__(message)
        self.state = state
        self.action = action


@dataclass(frozen=True)
class TicketFacts:
    """What the rules need to know about a ticket beyond its state."""

    state: str
    recalls: int = 0
    requeued: bool = False
    no_show_age_s: float | None = None  # seconds since it became a no-show


def next_state(
    facts: TicketFacts,
    action: str,
    *,
    recalls_before_no_show: int = 1,
    no_show_grace_s: int = 1800,
    number: str = "ticket",
) -> str:
    """The state after `action`, or IllegalTransition with a message staff can act on."""
    if action not in TRANSITIONS:
        raise ValueError(f"unknown action {action!r}")
    sources, target = TRANSITIONS[action]
    if facts.state not in sources:
        raise IllegalTransition(
            f"{number} {_STATE_WORDS.get(facts.state, facts.state)}; cannot {action.replace('_', '-')}",
            state=facts.state, action=action,
        )
    if action == "no_show" and facts.recalls < recalls_before_no_show:
        left = recalls_before_no_show - facts.recalls
        raise IllegalTransition(
            f"{number} has been recalled {facts.recalls} time(s); recall {left} more "
            "time(s) before marking it as not present",
            state=facts.state, action=action,
        )
    if action == "requeue":
        if facts.requeued:
            raise IllegalTransition(
                f"{number} was already put back in the queue once; please take a new number",
                state=facts.state, action=action,
            )
        if facts.no_show_age_s is not None and facts.no_show_age_s > no_show_grace_s:
            raise IllegalTransition(
                f"{number} missed its call more than {no_show_grace_s // 60} minutes ago; "
                "please take a new number",
                state=facts.state, action=action,
            )
    return target
