"""The ballot path's reads, written as SQL (governance/ballot_reads.py), give what the ORM gives."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Exists, Model, OuterRef, Q
from django.http import Http404
from tests.assemblies.factories import AssemblyFactory
from tests.factories import (
    MemberFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
)
from tests.governance.conftest import build_plenary, make_motion, make_rules

from moim.assemblies.models import Assembly
from moim.governance import ballot_reads, services
from moim.governance.enums import PollState
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


def _open_polls_by_the_orm(person: Person, assembly_id: int | None) -> list[tuple[Poll, list]]:
    """What the sitting page read with the ORM before its read was written as SQL."""
    voted = VoteRecord.objects.filter(poll=OuterRef("poll"), member=OuterRef("member"))
    entries = (
        RegisterEntry.objects.filter(poll__state=PollState.OPEN)
        .filter(Q(proxy_holder=person) | Q(delegate=person))
        .select_related("member", "poll__decision__assembly")
        .annotate(voted=Exists(voted))
        .order_by("poll__decision__position", "poll__pk", "member__name_en", "pk")
    )
    if assembly_id is not None:
        entries = entries.filter(poll__decision__assembly_id=assembly_id)
    polls: dict[int, tuple[Poll, list]] = {}
    for entry in entries:
        if person.pk in entry.voters():
            polls.setdefault(entry.poll_id, (entry.poll, []))[1].append((entry, entry.voted))
    return list(polls.values())


def _shown(found: list[tuple[Poll, list]]) -> list[Any]:
    return [
        (
            values(poll),
            values(poll.decision),
            values(poll.decision.assembly),
            [(values(e), values(e.member), bool(voted)) for e, voted in held],
        )
        for poll, held in found
    ]


def test_the_open_polls_a_person_holds_votes_in_match_the_orm_in_one_query(
    organization: Organization, secretariat: Any, chair: Any, django_assert_num_queries: Any
) -> None:
    plenary = build_plenary(organization, 4)
    holder = plenary.delegates[0]
    services.give_proxy(
        assembly=plenary.assembly, principal=plenary.members[1], holder=holder, by=secretariat
    )
    rules = make_rules(organization, quorum="0")
    polls = [
        services.open_poll(
            poll=services.create_poll(decision=make_motion(plenary.assembly, rules, t), by=chair),
            by=chair,
        )
        for t in ("Budget", "Statute", "Host city")
    ]
    services.cast_ballot(
        poll=polls[0],
        voter=holder,
        member=plenary.members[1],
        choices=[polls[0].options.get(position=1).pk],
    )
    services.close_poll(poll=polls[2], by=chair)
    # Another assembly's open poll.
    other = build_plenary(
        organization, 1, assembly=AssemblyFactory(organization=organization, edition=6), prefix="o"
    )
    services.open_poll(
        poll=services.create_poll(decision=make_motion(other.assembly, rules), by=chair),
        by=chair,
    )

    for person, assembly_id in (
        (holder, plenary.assembly.pk),
        (holder, None),
        (plenary.delegates[2], plenary.assembly.pk),
        # The delegate of the member who gave its proxy: that vote is the holder's now.
        (plenary.delegates[1], plenary.assembly.pk),
        (other.delegates[0], None),
        (other.delegates[0], plenary.assembly.pk),
    ):
        expected = _open_polls_by_the_orm(person, assembly_id)
        with django_assert_num_queries(1):
            read = ballot_reads.open_ballots(person, assembly_id)
            shown = _shown(read)
        assert shown == _shown(expected)
    mine = ballot_reads.open_ballots(holder, plenary.assembly.pk)
    assert [(p.pk, [v for _e, v in held]) for p, held in mine] == [
        (polls[0].pk, [False, True]),
        (polls[1].pk, [False, False]),
    ]
    assert ballot_reads.open_ballots(other.delegates[0], plenary.assembly.pk) == []
    assert ballot_reads.open_ballots(plenary.delegates[1], plenary.assembly.pk) == []
    assert len(_shown(ballot_reads.open_ballots(other.delegates[0]))) == 1


def test_the_assembly_of_an_edition_comes_with_its_organization_and_host_as_the_orm_reads_it(
    organization: Organization, django_assert_num_queries: Any
) -> None:
    host = MemberFactory(organization=organization)
    hosted = AssemblyFactory(organization=organization, edition=3, host=host)
    unhosted = AssemblyFactory(organization=organization, edition=4, host=None)
    for assembly in (hosted, unhosted):
        expected = Assembly.objects.select_related("organization", "host").get(pk=assembly.pk)
        with django_assert_num_queries(1):
            read = ballot_reads.assembly_by_edition(assembly.edition)
        with django_assert_num_queries(0):
            assert values(read.organization) == values(expected.organization)
            assert values(read.host) == values(expected.host)
        assert values(read) == values(expected)
        assert read.country == expected.country
    foreign = AssemblyFactory(organization=OrganizationFactory(slug="elsewhere"), edition=7)
    for missing in (foreign.edition, 99):
        with pytest.raises(Http404):
            ballot_reads.assembly_by_edition(missing)


def test_options_attached_to_several_polls_match_the_orm_s_prefetch_in_one_query(
    opened: tuple[Any, Poll], organization: Organization, chair: Any, django_assert_num_queries: Any
) -> None:
    plenary, first = opened
    decision = make_motion(plenary.assembly, make_rules(organization, name="Second"), "Second")
    second = services.create_poll(decision=decision, by=chair)
    polls = [Poll.objects.get(pk=first.pk), Poll.objects.get(pk=second.pk)]
    with django_assert_num_queries(1):
        ballot_reads.attach_options(polls)
    with django_assert_num_queries(0):
        read = [[values(o) for o in poll.options.all()] for poll in polls]
    assert read == [[values(o) for o in p.options.order_by("position")] for p in (first, second)]
    assert all(read)
    with django_assert_num_queries(0):
        ballot_reads.attach_options([])
