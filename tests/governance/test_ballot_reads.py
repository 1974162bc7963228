"""The ballot path's reads, written as SQL (governance/ballot_reads.py), give what the ORM gives."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Exists, Model, OuterRef, Q
from django.http import Http404
from tests.factories import MemberFactory, OrganizationFactory, PersonFactory, UserFactory
from tests.governance.conftest import build_plenary, make_motion, make_rules

from moim.governance import ballot_reads, services
from moim.governance.models import Poll, RegisterEntry, VoteRecord
from moim.members.models import Organization, Person


def values(instance: Model | None) -> dict[str, Any] | None:
    if instance is None:
        return None
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@pytest.fixture
def opened(organization: Organization, chair: Any) -> tuple[Any, Poll]:
    plenary = build_plenary(organization, 4)
    decision = make_motion(plenary.assembly, make_rules(organization, quorum="0", secret=True))
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    return plenary, poll


def test_the_poll_comes_with_its_decision_and_options_as_the_orm_reads_them(
    opened: tuple[Any, Poll], django_assert_num_queries: Any
) -> None:
    _plenary, poll = opened
    expected = Poll.objects.select_related("decision").get(pk=poll.pk)
    with django_assert_num_queries(1):
        read = ballot_reads.poll_for_ballot(poll.pk)
    with django_assert_num_queries(0):
        decision = read.decision
        options = list(read.options.all())
    assert values(read) == values(expected)
    assert values(decision) == values(expected.decision)
    assert [values(o) for o in options] == [
        values(o) for o in expected.options.order_by("position")
    ]
    assert len(options) == 3


def test_another_organization_s_poll_and_a_missing_one_answer_404(
    opened: tuple[Any, Poll], chair: Any
) -> None:
    other = OrganizationFactory(slug="elsewhere")
    plenary = build_plenary(other, 1, prefix="x")
    decision = make_motion(plenary.assembly, make_rules(other))
    foreign = services.create_poll(decision=decision, by=chair)
    with pytest.raises(Http404):
        ballot_reads.poll_for_ballot(foreign.pk)
    with pytest.raises(Http404):
        ballot_reads.poll_for_ballot(foreign.pk + 1000)


def test_the_person_of_a_login_comes_with_its_member_or_without_one(
    organization: Organization, django_assert_num_queries: Any
) -> None:
    member = MemberFactory(organization=organization)
    with_member = PersonFactory(organization=organization, member=member, user=UserFactory())
    alone = PersonFactory(organization=organization, member=None, user=UserFactory())
    nobody = UserFactory()
    for person in (with_member, alone):
        expected = Person.objects.select_related("member").get(pk=person.pk)
        with django_assert_num_queries(1):
            read = ballot_reads.person_of_login(person.user_id)
        with django_assert_num_queries(0):
            assert values(read.member if read else None) == values(expected.member)
        assert values(read) == values(expected)
    assert ballot_reads.person_of_login(nobody.pk) is None
    assert ballot_reads.person_of_login(None) is None


def test_the_votes_held_with_a_proxy_and_after_a_cast_match_the_orm(
    organization: Organization, secretariat: Any, chair: Any
) -> None:
    plenary = build_plenary(organization, 4)
    # The second member's vote is carried by the first member's delegate: a proxy given
    # before the poll opens, so the poll's register records it.
    services.give_proxy(
        assembly=plenary.assembly,
        principal=plenary.members[1],
        holder=plenary.delegates[0],
        by=secretariat,
    )
    decision = make_motion(plenary.assembly, make_rules(organization, quorum="0"))
    second = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    holder = plenary.delegates[0]
    services.cast_ballot(
        poll=second,
        voter=holder,
        member=plenary.members[1],
        choices=[second.options.get(position=1).pk],
    )

    held = services.ballots_held_by(second, holder)

    voted = VoteRecord.objects.filter(poll=OuterRef("poll"), member=OuterRef("member"))
    expected = [
        (e, bool(e.voted))
        for e in RegisterEntry.objects.filter(poll=second)
        .filter(Q(proxy_holder=holder) | Q(delegate=holder))
        .select_related("member")
        .annotate(voted=Exists(voted))
        .order_by("member__name_en", "pk")
        if holder.pk in e.voters()
    ]
    assert len(held) == 2
    assert [(values(e), values(e.member), v) for e, v in held] == [
        (values(e), values(e.member), v) for e, v in expected
    ]
    assert sorted(v for _e, v in held) == [False, True]


def test_the_person_with_the_votes_held_in_one_query_matches_the_two_reads(
    opened: tuple[Any, Poll], django_assert_num_queries: Any
) -> None:
    plenary, poll = opened
    user_id = plenary.delegates[2].user_id
    with django_assert_num_queries(1):
        person, held = ballot_reads.person_with_ballots(user_id, poll)
    assert person is not None
    assert values(person) == values(ballot_reads.person_of_login(user_id))
    assert values(person.member) == values(plenary.members[2])
    expected = ballot_reads.ballots_held(poll, person)
    assert [(values(e), values(e.member), v) for e, v in held] == [
        (values(e), values(e.member), v) for e, v in expected
    ]
    assert len(held) == 1
    nobody = UserFactory()
    assert ballot_reads.person_with_ballots(nobody.pk, poll) == (None, [])
    # A person who holds no vote in the poll: the person, and nothing held.
    outsider = PersonFactory(organization=poll.decision.assembly.organization, user=UserFactory())
    alone, none_held = ballot_reads.person_with_ballots(outsider.user_id, poll)
    assert (values(alone), none_held) == (values(outsider), [])
