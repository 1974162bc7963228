"""The decision's rules bind whoever runs its polls: a secret ballot stays secret whatever the
door (service, API, console, back office, a second round, rules changed before opening), and a
ballot marks from one option to as many as it can count."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from tests.governance.conftest import Plenary, make_election, make_motion, make_rules

from moim.errors import Invalid
from moim.governance import results, services
from moim.governance.enums import AuditAction, BallotShape, DecisionKind, PollState
from moim.governance.models import AuditEntry, Decision, Poll, VoteRecord
from moim.members.models import Organization

pytestmark = pytest.mark.django_db

SECRET_REFUSED = "say the ballot is secret: a poll of it cannot be named"


@pytest.fixture
def secret_election(organization: Organization, plenary: Plenary) -> Decision:
    rules = make_rules(organization, DecisionKind.ELECTION, name="Elections", secret=True)
    return make_election(plenary.assembly, rules, plenary.members[:3])


@pytest.fixture
def named_election(organization: Organization, plenary: Plenary) -> Decision:
    rules = make_rules(organization, DecisionKind.ELECTION, name="Named elections")
    return make_election(plenary.assembly, rules, plenary.members[:3])


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def vote_all(poll: Poll, plenary: Plenary) -> None:
    first = poll.options.order_by("position").first()
    assert first is not None
    for member in plenary.members:
        services.cast_ballot(
            poll=poll, voter=plenary.delegate_of(member), member=member, choices=[first.pk]
        )


# --- secrecy ----------------------------------------------------------------------------------


def test_the_service_refuses_a_named_poll_where_the_rules_say_secret(
    secret_election: Decision, chair: Any
) -> None:
    with pytest.raises(Invalid) as refused:
        services.create_poll(decision=secret_election, by=chair, secret=False)

    assert refused.value.message == (f"The rules of this decision (Elections) {SECRET_REFUSED}.")
    assert not Poll.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.POLL_CREATED).exists()


def test_the_service_refuses_a_secret_poll_where_the_rules_say_named(
    named_election: Decision, chair: Any
) -> None:
    with pytest.raises(Invalid, match="say the vote is named"):
        services.create_poll(decision=named_election, by=chair, secret=True)
    assert not Poll.objects.exists()


def test_the_rules_secrecy_is_the_polls_when_none_is_asked(
    secret_election: Decision, named_election: Decision, chair: Any
) -> None:
    assert services.create_poll(decision=secret_election, by=chair).secret is True
    assert services.create_poll(decision=named_election, by=chair).secret is False


def test_the_api_refuses_a_named_poll_of_a_secret_decision(
    secret_election: Decision, chair: Any
) -> None:
    response = logged_in(chair).post(
        f"/api/governance/decisions/{secret_election.pk}/polls",
        {"secret": False},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert SECRET_REFUSED in response.json()["detail"]
    assert not Poll.objects.exists()


def test_the_api_makes_a_secret_decisions_poll_secret(
    secret_election: Decision, chair: Any
) -> None:
    response = logged_in(chair).post(
        f"/api/governance/decisions/{secret_election.pk}/polls",
        {"secret": True, "shape": "choose"},
        content_type="application/json",
    )

    assert response.json()["secret"] is True
    assert Poll.objects.get().secret is True


def test_the_console_makes_a_secret_decisions_poll_secret_and_cannot_ask_otherwise(
    secret_election: Decision, chair: Any
) -> None:
    client = logged_in(chair)
    # A crafted form field is not a way round the rules: the console does not read it.
    client.post(
        reverse("governance:create_poll", args=[secret_election.pk]),
        {"shape": "choose", "secret": ""},
    )

    assert Poll.objects.get().secret is True


def test_the_back_office_cannot_make_a_poll_named(
    secret_election: Decision, chair: Any, secretariat: Any
) -> None:
    poll = services.create_poll(decision=secret_election, by=chair)
    office = logged_in(secretariat)

    changed = office.post(
        reverse("admin:governance_poll_change", args=[poll.pk]), {"secret": "", "max_choices": 1}
    )
    added = office.post(
        reverse("admin:governance_poll_add"),
        {"decision": secret_election.pk, "round": 2, "shape": "choose", "secret": ""},
    )

    assert (changed.status_code, added.status_code) == (403, 403)
    assert list(Poll.objects.values_list("secret", flat=True)) == [True]


def test_a_second_round_keeps_the_rules_secrecy(
    organization: Organization, chair: Any, plenary: Plenary
) -> None:
    rules = make_rules(organization, DecisionKind.ELECTION, name="Elections", secret=True)
    decision = make_election(plenary.assembly, rules, plenary.members[:2])
    first = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    a, b = (o.pk for o in first.options.order_by("position"))
    for i, member in enumerate(plenary.members):  # 6 to 6: a tie, so a second round
        services.cast_ballot(
            poll=first,
            voter=plenary.delegate_of(member),
            member=member,
            choices=[a if i % 2 else b],
        )
    services.close_poll(poll=first, by=chair)
    services.count_poll(poll=first, by=chair)
    services.publish_poll(poll=first, by=chair)

    with pytest.raises(Invalid, match=SECRET_REFUSED):
        services.create_poll(decision=decision, by=chair, secret=False)
    response = logged_in(chair).post(
        f"/api/governance/decisions/{decision.pk}/polls",
        {"secret": False},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert SECRET_REFUSED in response.json()["detail"]
    second = services.create_poll(decision=decision, by=chair)
    assert (second.round, second.secret) == (2, True)


def test_a_draft_opens_secret_when_the_rules_became_secret_before_opening(
    organization: Organization, plenary: Plenary, chair: Any, secretariat: Any
) -> None:
    rules = make_rules(organization, name="Ordinary motion")
    decision = make_motion(plenary.assembly, rules)
    poll = services.create_poll(decision=decision, by=chair)
    assert poll.secret is False
    rules.secret = True
    services.save_rules(rules=rules, by=secretariat)

    poll = services.open_poll(poll=poll, by=chair)
    vote_all(poll, plenary)
    services.close_poll(poll=poll, by=chair)
    services.count_poll(poll=poll, by=chair)
    poll = services.publish_poll(poll=poll, by=chair)

    assert poll.secret is True
    assert set(VoteRecord.objects.filter(poll=poll).values_list("choices", flat=True)) == {None}
    assert results.roll_call(poll) == []
    opened = AuditEntry.objects.get(action=AuditAction.POLL_OPENED, subject=f"poll:{poll.pk}")
    assert (opened.data["secret"], opened.data["secret_changed_by_rules"]) == (True, True)


# --- max_choices ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "value", "allowed"),
    [
        (BallotShape.CHOOSE, -1, 1),
        (BallotShape.CHOOSE, 0, 1),
        (BallotShape.CHOOSE, 2, 1),  # one seat: plurality counts one mark
        (BallotShape.CHOOSE, 50, 1),
        (BallotShape.APPROVAL, 4, 3),
        (BallotShape.RANKED, 50, 3),
    ],
)
def test_the_service_bounds_max_choices(
    named_election: Decision, chair: Any, shape: BallotShape, value: int, allowed: int
) -> None:
    with pytest.raises(Invalid) as refused:
        services.create_poll(decision=named_election, by=chair, shape=shape, max_choices=value)

    assert refused.value.message == (
        f"At most how many choices: {value} is not allowed; this ballot (3 option(s), 1 "
        f"seat(s)) allows from 1 to {allowed}."
    )
    assert not Poll.objects.exists()


def test_the_service_takes_max_choices_within_the_bounds(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    rules = make_rules(organization, DecisionKind.ELECTION, name="Committee")
    committee = make_election(plenary.assembly, rules, plenary.members[:5], seats=3)
    with pytest.raises(Invalid, match="allows from 1 to 3"):
        services.create_poll(decision=committee, by=chair, max_choices=4)
    with pytest.raises(Invalid, match="is not a whole number"):
        services.create_poll(decision=committee, by=chair, max_choices=True)
    assert services.create_poll(decision=committee, by=chair, max_choices=2).max_choices == 2


def test_a_motion_marks_exactly_one_answer(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    decision = make_motion(plenary.assembly, make_rules(organization))
    with pytest.raises(Invalid, match="allows from 1 to 1"):
        services.create_poll(decision=decision, by=chair, max_choices=3)
    assert services.create_poll(decision=decision, by=chair).max_choices == 1


def test_the_api_schema_refuses_max_choices_below_one(
    named_election: Decision, chair: Any, client: Client
) -> None:
    response = logged_in(chair).post(
        f"/api/governance/decisions/{named_election.pk}/polls",
        {"max_choices": -1},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "body.max_choices", "detail": "Must be at least 1."}
    ]
    assert not Poll.objects.exists()
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]["NewPollIn"]
    bounds = schema["properties"]["max_choices"]["anyOf"][0]
    assert (bounds["minimum"], bounds["maximum"]) == (1, 500)


def test_the_api_refuses_more_choices_than_options(named_election: Decision, chair: Any) -> None:
    response = logged_in(chair).post(
        f"/api/governance/decisions/{named_election.pk}/polls",
        {"max_choices": 50, "shape": "approval"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["detail"] == (
        "At most how many choices: 50 is not allowed; this ballot (3 option(s), 1 seat(s)) "
        "allows from 1 to 3."
    )
    assert not Poll.objects.exists()


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("-1", "At most how many choices: at least 1."),
        ("abc", "At most how many choices: enter a whole number."),
        ("50", "At most how many choices: 50 is not allowed"),
    ],
)
def test_the_console_form_refuses_max_choices_out_of_bounds(
    named_election: Decision, chair: Any, value: str, said: str
) -> None:
    response = logged_in(chair).post(
        reverse("governance:create_poll", args=[named_election.pk]),
        {"shape": "choose", "max_choices": value},
    )

    assert any(m.startswith(said) for m in messages_of(response)), messages_of(response)
    assert not Poll.objects.exists()


def test_the_console_form_takes_max_choices(named_election: Decision, chair: Any) -> None:
    logged_in(chair).post(
        reverse("governance:create_poll", args=[named_election.pk]),
        {"shape": "approval", "max_choices": "2"},
    )

    assert Poll.objects.get().max_choices == 2


def test_the_back_office_cannot_set_max_choices(
    named_election: Decision, chair: Any, secretariat: Any
) -> None:
    poll = services.create_poll(decision=named_election, by=chair)
    response = logged_in(secretariat).post(
        reverse("admin:governance_poll_change", args=[poll.pk]), {"max_choices": 50}
    )

    assert response.status_code == 403
    poll.refresh_from_db()
    assert poll.max_choices == 1


def test_the_model_and_the_database_bound_max_choices(named_election: Decision, chair: Any) -> None:
    poll = services.create_poll(decision=named_election, by=chair)
    poll.max_choices = 50
    with pytest.raises(ValidationError) as invalid:
        poll.full_clean()
    assert invalid.value.message_dict["max_choices"] == [
        "From 1 to 1 for this ballot (3 option(s), 1 seat(s))."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        Poll.objects.filter(pk=poll.pk).update(max_choices=0)


def test_a_draft_with_max_choices_out_of_bounds_does_not_open(
    named_election: Decision, chair: Any
) -> None:
    poll = services.create_poll(decision=named_election, by=chair)
    Poll.objects.filter(pk=poll.pk).update(max_choices=50)

    with pytest.raises(Invalid, match="50 is not allowed"):
        services.open_poll(poll=poll, by=chair)

    poll.refresh_from_db()
    assert poll.state == PollState.DRAFT
