from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from tests.governance.conftest import Plenary, make_election, make_motion, make_rules

from moim.errors import Conflict, Invalid
from moim.governance import services
from moim.governance.enums import AnalogMethod, BallotShape, PollState, Verdict
from moim.governance.models import AuditEntry, Ballot, Poll, RegisterEntry, VoteRecord
from moim.members.enums import OfficeKind
from moim.members.models import Office, Organization, Term
from moim.members.queries import registry_today


def option_ids(poll: Poll) -> dict[str, int]:
    return {o.label_en: o.pk for o in poll.options.all()}


def test_motion_life_cycle_counts_and_publishes(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    rules = make_rules(organization)
    decision = make_motion(plenary.assembly, rules)
    poll = services.create_poll(decision=decision, by=chair)
    poll = services.open_poll(poll=poll, by=chair)
    ids = option_ids(poll)
    for i, member in enumerate(plenary.members):
        choice = "Yes" if i < 7 else ("No" if i < 10 else "Abstain")
        services.cast_ballot(
            poll=poll, voter=plenary.delegate_of(member), member=member, choices=[ids[choice]]
        )
    services.close_poll(poll=poll, by=chair)
    services.count_poll(poll=poll, by=chair)
    poll = services.publish_poll(poll=poll, by=chair)
    decision.refresh_from_db()

    assert poll.state == PollState.PUBLISHED
    assert poll.verdict == Verdict.ADOPTED
    assert decision.verdict == Verdict.ADOPTED
    weights = {o["label"]: (o["weight"], o["heads"]) for o in poll.result["options"]}
    assert weights == {"Yes": (7, 7), "No": (3, 3), "Abstain": (2, 2)}
    assert poll.entitled_count == 12
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions[:5] == [
        "poll_created",
        "poll_opened",
        "poll_closed",
        "poll_counted",
        "poll_published",
    ]


def test_only_chair_runs_polls(
    organization: Organization, plenary: Plenary, delegate_a: Any
) -> None:
    decision = make_motion(plenary.assembly, make_rules(organization))
    with pytest.raises(PermissionDenied):
        services.create_poll(decision=decision, by=delegate_a)
    assert not Poll.objects.exists()


def test_register_is_frozen_at_opening(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    decision = make_motion(plenary.assembly, make_rules(organization))
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    late = plenary.members[0]
    late.fees_paid_through = 2000
    late.save()

    entries = RegisterEntry.objects.filter(poll=poll)
    assert entries.count() == 12
    assert entries.filter(member=late).exists()
    online = entries.filter(attendance="online").count()
    assert online == 4


def test_member_in_arrears_is_not_entitled(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    arrears = plenary.members[0]
    arrears.fees_paid_through = 2001
    arrears.save()
    decision = make_motion(plenary.assembly, make_rules(organization))
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)

    with pytest.raises(services.BallotError, match="not on this poll's voting register"):
        services.cast_ballot(
            poll=poll,
            voter=plenary.delegate_of(arrears),
            member=arrears,
            choices=[option_ids(poll)["Yes"]],
        )
    assert poll.entitled_count == 11
    assert not Ballot.objects.exists()


@pytest.mark.parametrize(
    ("shape", "choices", "message"),
    [
        (BallotShape.CHOOSE, ["A", "B", "C"], "Over-vote: 3 chosen, at most 2"),
        (BallotShape.CHOOSE, ["A", "A"], "chosen more than once"),
        (BallotShape.RANKED, ["B", "A", "B"], "ranked more than once"),
        (BallotShape.CHOOSE, [999999], "does not exist"),
        (BallotShape.CHOOSE, ["other"], "belongs to another poll"),
        (BallotShape.CHOOSE, ["x"], "is not an option id"),
    ],
)
def test_invalid_ballots_are_refused_and_store_nothing(
    organization: Organization,
    plenary: Plenary,
    chair: Any,
    shape: BallotShape,
    choices: list[Any],
    message: str,
) -> None:
    rules = make_rules(organization, name="Election rules")
    a, b, c = plenary.members[:3]
    decision = make_election(plenary.assembly, rules, [a, b, c], seats=2)
    poll = services.open_poll(
        poll=services.create_poll(decision=decision, by=chair, shape=shape), by=chair
    )
    other = make_motion(plenary.assembly, rules, "Other")
    other_poll = services.create_poll(decision=other, by=chair)
    ids = {o.candidate.member.name_en: o.pk for o in poll.options.all() if o.candidate}
    ids.update({"A": ids[a.name_en], "B": ids[b.name_en], "C": ids[c.name_en]})
    ids["other"] = other_poll.options.first().pk  # type: ignore[union-attr]
    mapped = [ids.get(x, x) if isinstance(x, str) else x for x in choices]
    voter = plenary.members[5]

    with pytest.raises(services.BallotError, match=message):
        services.cast_ballot(
            poll=poll, voter=plenary.delegate_of(voter), member=voter, choices=mapped
        )
    assert Ballot.objects.count() == 0
    assert VoteRecord.objects.count() == 0


def test_duplicate_rank_number_is_refused() -> None:
    with pytest.raises(services.BallotError, match="Rank 2 is given to more than one"):
        services.ranking_from_ranks({10: 1, 11: 2, 12: 2})
    assert services.ranking_from_ranks({10: 2, 11: 1, 12: None}) == [11, 10]


def test_second_ballot_for_a_member_is_refused(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    decision = make_motion(plenary.assembly, make_rules(organization))
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    member = plenary.members[0]
    ids = option_ids(poll)
    services.cast_ballot(
        poll=poll, voter=plenary.delegate_of(member), member=member, choices=[ids["Yes"]]
    )
    with pytest.raises(Conflict, match="already voted"):
        services.cast_ballot(
            poll=poll, voter=plenary.delegate_of(member), member=member, choices=[ids["No"]]
        )
    assert list(Ballot.objects.values_list("choices", flat=True)) == [[1]]


def test_someone_else_cannot_vote_for_a_member(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    decision = make_motion(plenary.assembly, make_rules(organization))
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    with pytest.raises(services.BallotError, match="do not hold"):
        services.cast_ballot(
            poll=poll,
            voter=plenary.delegates[1],
            member=plenary.members[0],
            choices=[option_ids(poll)["Yes"]],
        )
    assert not VoteRecord.objects.exists()


def test_proxy_holder_votes_for_principal_who_may_not_vote(
    organization: Organization, plenary: Plenary, chair: Any, secretariat: Any
) -> None:
    rules = make_rules(organization, principal_may_vote=False)
    principal, holder_member = plenary.members[0], plenary.members[1]
    holder = plenary.delegate_of(holder_member)
    services.give_proxy(
        assembly=plenary.assembly, principal=principal, holder=holder, by=secretariat
    )
    decision = make_motion(plenary.assembly, rules)
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    ids = option_ids(poll)

    with pytest.raises(services.BallotError, match="do not hold"):
        services.cast_ballot(
            poll=poll, voter=plenary.delegate_of(principal), member=principal, choices=[ids["No"]]
        )
    receipt = services.cast_ballot(poll=poll, voter=holder, member=principal, choices=[ids["Yes"]])
    held = [e.member for e in services.votes_held_by(poll, holder)]

    assert held == [principal, holder_member] or set(held) == {principal, holder_member}
    assert VoteRecord.objects.get(poll=poll).member == principal
    assert len(receipt.code) == 19


def test_proxies_beyond_the_maximum_are_refused(
    organization: Organization, plenary: Plenary, secretariat: Any
) -> None:
    make_rules(organization, max_proxies=1)
    holder = plenary.delegates[5]
    services.give_proxy(
        assembly=plenary.assembly, principal=plenary.members[0], holder=holder, by=secretariat
    )
    with pytest.raises(Conflict, match="already holds 1 proxies"):
        services.give_proxy(
            assembly=plenary.assembly, principal=plenary.members[1], holder=holder, by=secretariat
        )
    assert holder.proxies_held.count() == 1


def test_ranked_election_records_rounds_and_changes_the_registry(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    office = Office.objects.create(
        organization=organization, kind=OfficeKind.PRESIDENT, name_en="President", seats=1
    )
    a, b, c = plenary.members[:3]
    old = Term.objects.create(office=office, member=c, starts="2017-01-01", source="election")
    rules = make_rules(organization, name="Election rules")
    decision = make_election(plenary.assembly, rules, [a, b, c], office=office, method="irv")
    poll = services.open_poll(
        poll=services.create_poll(decision=decision, by=chair, shape=BallotShape.RANKED),
        by=chair,
    )
    ids = {o.candidate.member: o.pk for o in poll.options.all() if o.candidate}
    rankings = [[a, b]] * 5 + [[b, a]] * 4 + [[c, b]] * 3
    for member, ranking in zip(plenary.members, rankings, strict=True):
        services.cast_ballot(
            poll=poll,
            voter=plenary.delegate_of(member),
            member=member,
            choices=[ids[m] for m in ranking],
        )
    services.close_poll(poll=poll, by=chair)
    services.count_poll(poll=poll, by=chair)
    poll = services.publish_poll(poll=poll, by=chair)
    old.refresh_from_db()

    assert poll.result["elected"] == [b.name_en]
    assert len(poll.result["rounds"]) == 2
    current = Term.objects.current(registry_today()).get(office=office)
    assert current.member == b
    assert old.ends is not None


def test_acclamation_carries_a_motion_without_numbers(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    decision = make_motion(plenary.assembly, make_rules(organization))
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    services.close_poll(poll=poll, by=chair)
    services.enter_analog_result(poll=poll, by=chair, method=AnalogMethod.ACCLAMATION)
    poll = services.count_poll(poll=poll, by=chair)

    assert poll.verdict == Verdict.ADOPTED
    assert poll.result["acclamation"] is True


def test_paper_votes_count_beside_electronic_ones(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    decision = make_motion(plenary.assembly, make_rules(organization))
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    no = poll.options.get(position=2).pk
    for member in plenary.members[:4]:
        services.cast_ballot(
            poll=poll, voter=plenary.delegate_of(member), member=member, choices=[no]
        )
    services.enter_analog_result(
        poll=poll, by=chair, method=AnalogMethod.PAPER, counts={1: 6, 2: 1}
    )
    services.close_poll(poll=poll, by=chair)
    poll = services.count_poll(poll=poll, by=chair)

    rows = {
        o["label"]: (o["electronic_weight"], o["analog_weight"], o["weight"])
        for o in poll.result["options"]
    }
    assert rows == {"Yes": (0, 6, 6), "No": (4, 1, 5), "Abstain": (0, 0, 0)}
    assert poll.verdict == Verdict.ADOPTED


def test_analog_counts_for_unknown_options_are_refused(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    decision = make_motion(plenary.assembly, make_rules(organization))
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    with pytest.raises(Invalid, match="Option 9 is not an option"):
        services.enter_analog_result(poll=poll, by=chair, method=AnalogMethod.PAPER, counts={9: 3})
    assert not hasattr(Poll.objects.get(pk=poll.pk), "analog")


@pytest.mark.parametrize("secret", [False, True], ids=["named", "secret"])
def test_a_tie_leads_to_a_second_round(
    organization: Organization, plenary: Plenary, chair: Any, secret: bool
) -> None:
    a, b = plenary.members[:2]
    decision = make_election(
        plenary.assembly,
        make_rules(organization, name="Elections", secret=secret),
        [a, b],
        method="plurality",
    )
    first = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    ids = [o.pk for o in first.options.order_by("position")]
    for i, member in enumerate(plenary.members):
        services.cast_ballot(
            poll=first, voter=plenary.delegate_of(member), member=member, choices=[ids[i % 2]]
        )
    for step in (services.close_poll, services.count_poll, services.publish_poll):
        first = step(poll=first, by=chair)
    assert first.verdict == Verdict.TIE
    decision.refresh_from_db()
    assert decision.published_at is None

    second = services.create_poll(decision=decision, by=chair)
    assert second.round == 2
    assert second.secret is secret
    assert [o.label_en for o in second.options.all()] == [a.name_en, b.name_en]
    second = services.open_poll(poll=second, by=chair)
    first_option = second.options.get(position=1).pk
    for member in plenary.members:
        services.cast_ballot(
            poll=second, voter=plenary.delegate_of(member), member=member, choices=[first_option]
        )
    for step in (services.close_poll, services.count_poll):
        second = step(poll=second, by=chair)
    assert second.verdict == Verdict.ELECTED
    assert second.result["ballots"] == len(plenary.members)
    assert Ballot.objects.filter(poll=second).count() == len(plenary.members)
