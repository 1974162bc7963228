"""What one cast costs in queries, from the delegate's page, the sitting page and the API.

A ballot is the request every delegate makes in the same minute: its queries are pinned here.
The request reads the session, the user and its roles (3), the poll with its options, the
person and the votes it holds (3, the API: the member instead of the votes held), then casts:
a savepoint in these tests (a transaction in production), one query that locks the poll row
and reads the register entry and the vote record, the vote record and the ballot (4, with
the savepoint's release). The answer needs no further query.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from tests.governance.conftest import Plenary, build_plenary, make_motion, make_rules

from moim.governance import services
from moim.governance.models import Ballot, Poll, SealedBallot, VoteRecord
from moim.members.models import Organization

pytestmark = pytest.mark.django_db

TOKEN = "query-count-token-0123456789"
# The voting page: the session; the user with its roles; the poll with its options; the person
# with the votes it holds.
BEFORE_THE_CAST = 4
# The API: the session; the user with its roles; the poll with its options; the person; the
# member named.
BEFORE_THE_CAST_BY_API = 5
# The sitting page: the session; the user with its roles; the poll; its options; the person; the
# votes held.
BEFORE_THE_CAST_ON_THE_SITTING_PAGE = 6
# Savepoint, the locked read, the vote record, the ballot, release.
THE_CAST = 5


def open_poll(organization: Organization, chair: Any, *, secret: bool) -> tuple[Plenary, Poll]:
    plenary = build_plenary(organization, 3)
    rules = make_rules(organization, quorum="0", secret=secret)
    decision = make_motion(plenary.assembly, rules)
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    return plenary, poll


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def stored(poll: Poll) -> int:
    return Ballot.objects.filter(poll=poll).count() + SealedBallot.objects.filter(poll=poll).count()


@pytest.mark.parametrize("secret", [False, True], ids=["named", "secret"])
def test_a_cast_from_the_voting_page_costs_a_fixed_number_of_queries(
    organization: Organization, chair: Any, django_assert_num_queries: Any, secret: bool
) -> None:
    plenary, poll = open_poll(organization, chair, secret=secret)
    member = plenary.members[0]
    client = logged_in(plenary.users[0])
    yes = poll.options.get(position=1).pk

    with django_assert_num_queries(BEFORE_THE_CAST + THE_CAST):
        response = client.post(
            reverse("governance:vote", args=[poll.pk]),
            {"member": member.pk, "choice": yes, "submission": TOKEN},
            HTTP_HX_REQUEST="true",
        )

    html = response.content.decode()
    assert 'class="receipt-code"' in html
    assert "Voted." in html
    assert VoteRecord.objects.filter(poll=poll, member=member).count() == 1
    assert stored(poll) == 1


def test_the_full_voting_page_after_a_cast_costs_one_query_more(
    organization: Organization, chair: Any, django_assert_num_queries: Any
) -> None:
    """The whole page (no htmx) shows the organization's name: one query more."""
    plenary, poll = open_poll(organization, chair, secret=False)
    member = plenary.members[0]
    yes = poll.options.get(position=1).pk
    client = logged_in(plenary.users[0])

    with django_assert_num_queries(BEFORE_THE_CAST + THE_CAST + 1):
        response = client.post(
            reverse("governance:vote", args=[poll.pk]),
            {"member": member.pk, "choice": yes, "submission": TOKEN},
        )

    assert 'class="receipt-code"' in response.content.decode()
    assert stored(poll) == 1


def test_a_refused_cast_reads_the_votes_held_again_and_stores_nothing(
    organization: Organization, chair: Any, django_assert_num_queries: Any
) -> None:
    plenary, poll = open_poll(organization, chair, secret=False)
    member = plenary.members[0]
    yes = poll.options.get(position=1).pk
    services.cast_ballot(poll=poll, voter=plenary.delegates[0], member=member, choices=[yes])
    client = logged_in(plenary.users[0])

    # The locked read finds the vote record: rolled back (savepoint, read, rollback, release),
    # nothing written; the page reads the votes held again.
    with django_assert_num_queries(BEFORE_THE_CAST + 4 + 1):
        response = client.post(
            reverse("governance:vote", args=[poll.pk]),
            {"member": member.pk, "choice": yes, "submission": TOKEN},
            HTTP_HX_REQUEST="true",
        )

    assert "has already voted in this poll" in response.content.decode()
    assert stored(poll) == 1


def test_a_cast_through_the_api_costs_a_fixed_number_of_queries(
    organization: Organization, chair: Any, django_assert_num_queries: Any
) -> None:
    plenary, poll = open_poll(organization, chair, secret=True)
    member = plenary.members[1]
    yes = poll.options.get(position=1).pk
    client = logged_in(plenary.users[1])

    with django_assert_num_queries(BEFORE_THE_CAST_BY_API + THE_CAST):
        response = client.post(
            f"/api/governance/polls/{poll.pk}/ballots",
            json.dumps({"member": member.slug, "choices": [yes], "submission": TOKEN}),
            content_type="application/json",
        )

    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["member"] == member.slug
    assert answer["receipt_hash"] == services.receipt_hash(poll.pk, answer["receipt"])
    assert stored(poll) == 1


def test_a_cast_from_the_sitting_page_costs_a_fixed_number_of_queries(
    organization: Organization, chair: Any, django_assert_num_queries: Any
) -> None:
    plenary, poll = open_poll(organization, chair, secret=False)
    member = plenary.members[2]
    yes = poll.options.get(position=1).pk
    client = logged_in(plenary.users[2])
    url = reverse("governance:sitting_ballot", args=[plenary.assembly.edition])

    # The sitting page's fragment then lists the open polls with the votes held (one query) and
    # the options of those still to cast (one).
    with django_assert_num_queries(BEFORE_THE_CAST_ON_THE_SITTING_PAGE + THE_CAST + 2):
        response = client.post(
            url,
            {"poll": poll.pk, "member": member.pk, "choice": yes, "submission": TOKEN},
            HTTP_HX_REQUEST="true",
        )

    assert 'class="receipt-code"' in response.content.decode()
    assert stored(poll) == 1
