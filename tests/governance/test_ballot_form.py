"""The voting pages check every posted field before the database sees it: a clear refusal
(400, or the form's error in an htmx fragment), never a crash, and nothing stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from tests.assemblies.factories import AssemblyFactory
from tests.governance.conftest import Plenary, build_plenary, make_election, make_motion, make_rules

from moim.governance import services
from moim.governance.enums import BallotShape, DecisionKind
from moim.governance.models import Poll, VoteRecord
from moim.members.models import Organization


@pytest.fixture
def voting(organization: Organization, chair: Any) -> tuple[Plenary, Poll]:
    plenary = build_plenary(organization, 3)
    decision = make_motion(plenary.assembly, make_rules(organization, quorum="0"))
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    return plenary, poll


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


BAD_FIELDS = {
    "member=abc": ({"member": "abc"}, "You hold no vote for member abc in this poll."),
    "member missing": ({"member": ""}, "Choose the member you vote for."),
    "member unknown": ({"member": "987654"}, "You hold no vote for member 987654 in this poll."),
    "member negative": ({"member": "-1"}, "You hold no vote for member -1 in this poll."),
    "choice=²": ({"choice": ["²"]}, "² is not an option of this poll."),
    "choice=abc": ({"choice": ["abc"]}, "abc is not an option of this poll."),
    "choice unknown": ({"choice": ["987654"]}, "987654 is not an option of this poll."),
    "submission bad": ({"submission": "<script>"}, "16 to 128 letters"),
}


@pytest.mark.parametrize(("change", "message"), BAD_FIELDS.values(), ids=BAD_FIELDS.keys())
@pytest.mark.parametrize("page", ["vote", "sitting"])
def test_a_bad_field_gets_a_clear_400_and_stores_nothing(
    voting: tuple[Plenary, Poll], change: dict[str, Any], message: str, page: str
) -> None:
    plenary, poll = voting
    form: dict[str, Any] = {
        "member": plenary.members[0].pk,
        "choice": [poll.options.get(position=1).pk],
        "submission": "a-good-token-0123456789",
        **change,
    }
    if page == "vote":
        url = reverse("governance:vote", args=[poll.pk])
    else:
        url = reverse("governance:sitting_ballot", args=[plenary.assembly.edition])
        form["poll"] = poll.pk

    response = logged_in(plenary.users[0]).post(url, form)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not VoteRecord.objects.filter(poll=poll).exists()


def test_a_member_of_another_assembly_is_refused_without_naming_it(
    organization: Organization, voting: tuple[Plenary, Poll]
) -> None:
    plenary, poll = voting
    elsewhere = build_plenary(
        organization, 1, assembly=AssemblyFactory(organization=organization, edition=9), prefix="x"
    )
    stranger = elsewhere.members[0]

    response = logged_in(plenary.users[0]).post(
        reverse("governance:vote", args=[poll.pk]),
        {"member": stranger.pk, "choice": [poll.options.get(position=1).pk]},
    )

    assert response.status_code == 400
    assert f"You hold no vote for member {stranger.pk} in this poll." in response.content.decode()
    assert stranger.name_en not in response.content.decode()
    assert not VoteRecord.objects.exists()


def test_the_sitting_page_refuses_a_poll_id_that_is_not_a_number(
    voting: tuple[Plenary, Poll],
) -> None:
    plenary, poll = voting
    url = reverse("governance:sitting_ballot", args=[plenary.assembly.edition])
    client = logged_in(plenary.users[0])

    for raw in ("abc", "²", "1e3", "99999999999999999999999"):
        response = client.post(url, {"poll": raw, "member": plenary.members[0].pk})
        assert response.status_code == 400, raw
        assert "This poll is not open." in response.content.decode()
    assert not VoteRecord.objects.filter(poll=poll).exists()


def test_a_bad_field_in_an_htmx_post_shows_the_error_in_the_fragment(
    voting: tuple[Plenary, Poll],
) -> None:
    plenary, poll = voting

    response = logged_in(plenary.users[0]).post(
        reverse("governance:vote", args=[poll.pk]),
        {"member": "abc", "choice": ["²"]},
        headers={"HX-Request": "true"},
    )

    body = response.content.decode()
    assert response.status_code == 200  # htmx swaps only a 2xx answer into the page
    assert 'role="alert"' in body
    assert "You hold no vote for member abc in this poll." in body
    assert "<html" not in body


@pytest.mark.parametrize(
    ("rank", "message"),
    [
        ("²", "A rank is a whole number."),
        ("x", "A rank is a whole number."),
        ("0", "Ranks start at 1."),
        ("99", "A rank is at most the number of candidates."),
    ],
)
def test_a_bad_rank_gets_a_clear_400(
    organization: Organization, chair: Any, rank: str, message: str
) -> None:
    plenary = build_plenary(organization, 4)
    rules = make_rules(organization, DecisionKind.ELECTION, name="Election", quorum="0")
    decision = make_election(plenary.assembly, rules, plenary.members[:3])
    poll = services.create_poll(decision=decision, by=chair, shape=BallotShape.RANKED)
    poll = services.open_poll(poll=poll, by=chair)
    first, second = poll.options.order_by("position")[:2]

    response = logged_in(plenary.users[0]).post(
        reverse("governance:vote", args=[poll.pk]),
        {"member": plenary.members[0].pk, f"rank-{first.pk}": "1", f"rank-{second.pk}": rank},
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not VoteRecord.objects.filter(poll=poll).exists()


def test_a_good_ranked_ballot_from_the_form_is_stored_in_rank_order(
    organization: Organization, chair: Any
) -> None:
    plenary = build_plenary(organization, 4)
    rules = make_rules(organization, DecisionKind.ELECTION, name="Election", quorum="0")
    decision = make_election(plenary.assembly, rules, plenary.members[:3])
    poll = services.create_poll(decision=decision, by=chair, shape=BallotShape.RANKED)
    poll = services.open_poll(poll=poll, by=chair)
    a, _b, c = poll.options.order_by("position")

    response = logged_in(plenary.users[0]).post(
        reverse("governance:vote", args=[poll.pk]),
        {"member": plenary.members[0].pk, f"rank-{a.pk}": "2", f"rank-{c.pk}": "1"},
    )

    assert "Your receipt code" in response.content.decode()
    services.close_poll(poll=poll, by=chair)
    assert [list(x) for x in poll.ballots.values_list("choices", flat=True)] == [
        [c.position, a.position]
    ]


def test_a_delegate_naming_a_fellow_member_of_the_poll_is_refused_on_the_page_and_the_api(
    voting: tuple[Plenary, Poll],
) -> None:
    """The member is on this poll's register, but its vote is another delegate's."""
    plenary, poll = voting
    fellow = plenary.members[1]
    client = logged_in(plenary.users[0])
    yes = poll.options.get(position=1).pk

    page = client.post(
        reverse("governance:vote", args=[poll.pk]), {"member": fellow.pk, "choice": [yes]}
    )
    api = client.post(
        f"/api/governance/polls/{poll.pk}/ballots",
        {"member": fellow.slug, "choices": [yes]},
        content_type="application/json",
    )

    assert page.status_code == 400
    assert f"You hold no vote for member {fellow.pk} in this poll." in page.content.decode()
    assert api.status_code == 400, api.content
    assert api.json()["detail"] == f"You do not hold {fellow.name_en}'s vote."
    assert not VoteRecord.objects.filter(poll=poll).exists()
