import pytest

from queue_server.core.ticket_states import ALL_STATES, TRANSITIONS, IllegalTransition, TicketFacts, next_state


@pytest.mark.parametrize(
    "state,action,expected",
    [
        ("waiting", "call", "called"),
        ("transferred", "call", "called"),
        ("called", "recall", "called"),
        ("called", "start", "serving"),
        ("serving", "finish", "done"),
        ("serving", "transfer", "transferred"),
        ("called", "transfer", "transferred"),
        ("waiting", "cancel", "cancelled"),
    ],
)
def test_allowed(state, action, expected):
    assert next_state(TicketFacts(state=state), action) == expected


def test_every_impossible_transition_is_refused_with_a_message():
    for action, (sources, _) in TRANSITIONS.items():
        for state in ALL_STATES - sources:
            with pytest.raises(IllegalTransition) as e:
                next_state(TicketFacts(state=state, recalls=9), action, number="A007")
            assert "A007" in str(e.value)


def test_no_show_only_after_the_configured_recalls():
    with pytest.raises(IllegalTransition, match="recall 2 more"):
        next_state(TicketFacts(state="called", recalls=0), "no_show", recalls_before_no_show=2)
    assert next_state(TicketFacts(state="called", recalls=2), "no_show", recalls_before_no_show=2) == "no_show"


def test_requeue_once_within_grace():
    facts = TicketFacts(state="no_show", no_show_age_s=60)
    assert next_state(facts, "requeue", no_show_grace_s=1800) == "waiting"
    with pytest.raises(IllegalTransition, match="already"):
        next_state(TicketFacts(state="no_show", requeued=True, no_show_age_s=60), "requeue")
    with pytest.raises(IllegalTransition, match="more than 30 minutes"):
        next_state(TicketFacts(state="no_show", no_show_age_s=1801), "requeue", no_show_grace_s=1800)
