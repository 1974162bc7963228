"""Paper and show-of-hands figures are checked against the register frozen at opening, and
their entry is audited with who made it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from tests.governance.conftest import Plenary, make_election, make_motion, make_rules

from moim.errors import Conflict, Invalid
from moim.governance import services
from moim.governance.enums import AnalogMethod, AuditAction, BallotShape, Verdict
from moim.governance.models import AnalogResult, AuditEntry, Poll
from moim.members.models import Organization


def open_motion(organization: Organization, plenary: Plenary, chair: Any) -> Poll:
    decision = make_motion(plenary.assembly, make_rules(organization))
    return services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)


def test_five_hundred_hands_among_twelve_entitled_are_refused(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    poll = open_motion(organization, plenary, chair)

    with pytest.raises(Invalid, match="500 is more than the 12 votes"):
        services.enter_analog_result(
            poll=poll, by=chair, method=AnalogMethod.SHOW_OF_HANDS, counts={1: 500, 2: 3}
        )
    services.close_poll(poll=poll, by=chair)
    with pytest.raises(Invalid):
        services.enter_analog_result(
            poll=poll, by=chair, method=AnalogMethod.SHOW_OF_HANDS, counts={1: 500}
        )
    poll = services.count_poll(poll=poll, by=chair)

    assert not AnalogResult.objects.filter(poll=poll).exists()
    assert poll.verdict != Verdict.ADOPTED
    assert not AuditEntry.objects.filter(action=AuditAction.ANALOG_ENTERED).exists()


def test_figures_adding_up_past_those_present_are_refused(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    poll = open_motion(organization, plenary, chair)

    with pytest.raises(Invalid, match="add up to 13, more than the 12"):
        services.enter_analog_result(
            poll=poll, by=chair, method=AnalogMethod.PAPER, counts={1: 7, 2: 4, 3: 2}
        )
    assert not AnalogResult.objects.filter(poll=poll).exists()


def test_electronic_votes_leave_less_room_for_paper(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    poll = open_motion(organization, plenary, chair)
    yes = poll.options.get(position=1).pk
    for member in plenary.members[:5]:
        services.cast_ballot(
            poll=poll, voter=plenary.delegate_of(member), member=member, choices=[yes]
        )

    with pytest.raises(Invalid, match="5 voted electronically"):
        services.enter_analog_result(
            poll=poll, by=chair, method=AnalogMethod.PAPER, counts={1: 6, 2: 2}
        )
    services.enter_analog_result(poll=poll, by=chair, method=AnalogMethod.PAPER, counts={1: 7})
    assert AnalogResult.objects.get(poll=poll).counts == {"1": 7}


@pytest.mark.parametrize(
    ("raw", "message"),
    [(-1, "cannot be negative"), ("2.5", "not a whole number"), (True, "whole number")],
)
def test_negative_or_fractional_counts_are_refused(
    organization: Organization, plenary: Plenary, chair: Any, raw: Any, message: str
) -> None:
    poll = open_motion(organization, plenary, chair)
    with pytest.raises(Invalid, match=message):
        services.enter_analog_result(
            poll=poll, by=chair, method=AnalogMethod.PAPER, counts={1: raw}
        )
    assert not AnalogResult.objects.filter(poll=poll).exists()


def test_an_election_on_paper_allows_as_many_marks_as_a_ballot_holds(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    decision = make_election(
        plenary.assembly,
        make_rules(organization, name="Election rules"),
        plenary.members[:3],
        seats=2,
    )
    poll = services.create_poll(decision=decision, by=chair, shape=BallotShape.CHOOSE)
    poll = services.open_poll(poll=poll, by=chair)

    services.enter_analog_result(
        poll=poll, by=chair, method=AnalogMethod.PAPER, counts={1: 12, 2: 10, 3: 2}
    )
    with pytest.raises(Invalid, match="13 is more than the 12"):
        services.enter_analog_result(poll=poll, by=chair, method=AnalogMethod.PAPER, counts={1: 13})
    with pytest.raises(Invalid, match="add up to 25"):
        services.enter_analog_result(
            poll=poll, by=chair, method=AnalogMethod.PAPER, counts={1: 12, 2: 12, 3: 1}
        )
    assert AnalogResult.objects.get(poll=poll).counts == {"1": 12, "2": 10, "3": 2}


def test_the_entry_is_audited_with_who_made_it_and_the_figures(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    poll = open_motion(organization, plenary, chair)
    services.enter_analog_result(
        poll=poll, by=chair, method=AnalogMethod.SHOW_OF_HANDS, counts={1: 5, 2: 3}
    )
    services.enter_analog_result(
        poll=poll, by=chair, method=AnalogMethod.SHOW_OF_HANDS, counts={1: 6, 2: 3, 3: 1}
    )

    entries = list(AuditEntry.objects.filter(action=AuditAction.ANALOG_ENTERED))
    assert [e.actor for e in entries] == ["charles", "charles"]
    assert entries[0].data["counts"] == {"1": 5, "2": 3}
    assert entries[0].data["entered_by"] == "charles"
    assert entries[1].data["replaces"] == {
        "method": "show_of_hands",
        "counts": {"1": 5, "2": 3},
    }
    assert entries[1].data["total"] == 10
    assert AnalogResult.objects.get(poll=poll).entered_by == chair


def test_console_form_shows_the_refusal_and_keeps_the_figures(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    poll = open_motion(organization, plenary, chair)
    client = Client()
    client.force_login(chair)
    url = reverse("governance:analog", args=[poll.pk])

    refused = client.post(url, {"method": "show_of_hands", "count-1": "500", "count-2": "3"})
    fraction = client.post(url, {"method": "paper", "count-1": "2.5"})
    negative = client.post(url, {"method": "paper", "count-1": "-4"})

    assert refused.status_code == 400
    assert "Yes: 500 is more than the 12 votes that can still be cast" in refused.text
    assert 'value="500"' in refused.text
    assert "Enter a whole number of votes." in fraction.text
    assert "A count cannot be negative." in negative.text
    assert not AnalogResult.objects.filter(poll=poll).exists()

    accepted = client.post(url, {"method": "paper", "count-1": "7", "count-2": "4"})
    assert accepted.status_code == 302
    assert AnalogResult.objects.get(poll=poll).counts == {"1": 7, "2": 4}


def test_electronic_votes_cast_after_the_paper_figures_cannot_push_the_count_past_those_present(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    """Figures entered while the poll is open fit the room left then; ballots cast afterwards
    must not make the count hold more votes than members present."""
    poll = open_motion(organization, plenary, chair)
    services.enter_analog_result(poll=poll, by=chair, method=AnalogMethod.PAPER, counts={2: 10})
    yes = poll.options.get(position=1).pk
    for member in plenary.members[:5]:
        services.cast_ballot(
            poll=poll, voter=plenary.delegate_of(member), member=member, choices=[yes]
        )
    services.close_poll(poll=poll, by=chair)

    with pytest.raises(Conflict, match="No: 10 is more than the 7 votes"):
        services.count_poll(poll=poll, by=chair)

    poll.refresh_from_db()
    assert (poll.counted_at, poll.verdict, poll.result) == (None, "", {})
    assert AnalogResult.objects.get(poll=poll).counts == {"2": 10}
    # The chair corrects the figures; then the poll counts.
    services.enter_analog_result(poll=poll, by=chair, method=AnalogMethod.PAPER, counts={2: 7})
    poll = services.count_poll(poll=poll, by=chair)
    assert poll.result["cast_weight"] == 12
