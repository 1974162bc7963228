"""Quorum and majority verdicts at their boundaries, through the poll life cycle."""

from __future__ import annotations

from typing import Any

import pytest
from tests.governance.conftest import build_plenary, make_motion, make_rules

from moim.governance import services
from moim.governance.enums import MajorityBase, MajorityRule, QuorumFailure, Verdict
from moim.governance.models import Poll
from moim.members.models import Organization


def run_motion(
    organization: Organization,
    chair: Any,
    votes: tuple[int, int, int],
    *,
    members: int = 12,
    absent: int = 0,
    **rules: Any,
) -> Poll:
    plenary = build_plenary(organization, members, absent=absent)
    decision = make_motion(plenary.assembly, make_rules(organization, **rules))
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    ids = {o.value: o.pk for o in poll.options.all()}
    choices = ["yes"] * votes[0] + ["no"] * votes[1] + ["abstain"] * votes[2]
    for member, choice in zip(plenary.members, choices, strict=False):
        services.cast_ballot(
            poll=poll, voter=plenary.delegate_of(member), member=member, choices=[ids[choice]]
        )
    services.close_poll(poll=poll, by=chair)
    return services.count_poll(poll=poll, by=chair)


@pytest.mark.parametrize(
    ("votes", "rule", "abstentions", "verdict", "base", "required"),
    [
        # b odd: 11 -> ⌊11/2⌋+1 = 6 (not 7)
        ((6, 4, 1), MajorityRule.ABSOLUTE, True, Verdict.ADOPTED, 11, 6),
        ((5, 5, 1), MajorityRule.ABSOLUTE, True, Verdict.REJECTED, 11, 6),
        # b even: 10 -> 6
        ((6, 4, 0), MajorityRule.ABSOLUTE, True, Verdict.ADOPTED, 10, 6),
        ((5, 5, 0), MajorityRule.ABSOLUTE, True, Verdict.REJECTED, 10, 6),
        # abstentions out of the base: b = 9 -> 5; in: b = 12 -> 7
        ((5, 4, 3), MajorityRule.ABSOLUTE, False, Verdict.ADOPTED, 9, 5),
        ((5, 4, 3), MajorityRule.ABSOLUTE, True, Verdict.REJECTED, 12, 7),
        # two-thirds: b = 12 -> 8; b = 11 -> ⌈22/3⌉ = 8
        ((8, 4, 0), MajorityRule.TWO_THIRDS, True, Verdict.ADOPTED, 12, 8),
        ((7, 4, 0), MajorityRule.TWO_THIRDS, True, Verdict.REJECTED, 11, 8),
        # three-quarters: b = 12 -> 9
        ((9, 3, 0), MajorityRule.THREE_QUARTERS, True, Verdict.ADOPTED, 12, 9),
        ((8, 3, 1), MajorityRule.THREE_QUARTERS, True, Verdict.REJECTED, 12, 9),
        # simple: a tie is not a majority
        ((5, 5, 2), MajorityRule.SIMPLE, False, Verdict.REJECTED, 10, None),
        ((5, 4, 3), MajorityRule.SIMPLE, False, Verdict.ADOPTED, 9, None),
    ],
)
def test_majority_boundaries(
    organization: Organization,
    chair: Any,
    votes: tuple[int, int, int],
    rule: MajorityRule,
    abstentions: bool,
    verdict: Verdict,
    base: int,
    required: int | None,
) -> None:
    poll = run_motion(organization, chair, votes, majority=rule, abstentions_counted=abstentions)

    assert poll.verdict == verdict
    assert poll.result["base_weight"] == base
    assert poll.result["required_yes"] == required


def test_entitled_base_counts_members_who_did_not_vote(
    organization: Organization, chair: Any
) -> None:
    adopted = run_motion(
        organization, chair, (7, 0, 0), majority=MajorityRule.ABSOLUTE, base=MajorityBase.ENTITLED
    )
    assert (adopted.verdict, adopted.result["base_weight"]) == (Verdict.ADOPTED, 12)


def test_entitled_base_one_short(organization: Organization, chair: Any) -> None:
    rejected = run_motion(
        organization, chair, (6, 1, 0), majority=MajorityRule.ABSOLUTE, base=MajorityBase.ENTITLED
    )
    assert (rejected.verdict, rejected.result["required_yes"]) == (Verdict.REJECTED, 7)


def test_quorum_exactly_met_opens(organization: Organization, chair: Any) -> None:
    poll = run_motion(organization, chair, (4, 2, 0), absent=6, quorum="0.5")
    assert (poll.present_weight, poll.entitled_weight, poll.quorum_met) == (6, 12, True)
    assert poll.verdict == Verdict.ADOPTED


def test_quorum_one_short_refuses_to_open(organization: Organization, chair: Any) -> None:
    with pytest.raises(services.PollStateError, match="No quorum: 5 of 12"):
        run_motion(organization, chair, (5, 0, 0), absent=7, quorum="0.5")
    assert Poll.objects.get().state == "draft"


def test_quorum_two_thirds_of_an_odd_number(organization: Organization, chair: Any) -> None:
    poll = run_motion(organization, chair, (7, 0, 0), members=11, absent=3, quorum="0.667")
    assert poll.quorum_met is True  # 8 of 11 = 0.727


def test_quorum_two_thirds_of_an_odd_number_one_short(
    organization: Organization, chair: Any
) -> None:
    with pytest.raises(services.PollStateError, match="No quorum: 7 of 11"):
        run_motion(organization, chair, (7, 0, 0), members=11, absent=4, quorum="0.667")


def test_quorum_one_short_voids_the_result_when_so_set(
    organization: Organization, chair: Any
) -> None:
    poll = run_motion(
        organization, chair, (5, 0, 0), absent=7, quorum="0.5", failure=QuorumFailure.VOID_RESULT
    )
    assert poll.quorum_met is False
    assert poll.verdict == Verdict.NO_QUORUM


def test_election_percentages_round_as_motion_percentages_do() -> None:
    # One rounding rule for every figure on a results page: 2 of 3 is 66.67 %, whether the
    # poll was a motion (moim.tally.methods.yna) or an election counted by the plenary.
    from moim.governance import counting
    from moim.tally.methods import yna

    assert counting.percent(2, 3) == yna.percent(2, 3) == "66.67"
    assert counting.percent(1, 8) == "12.50"
    assert counting.percent(0, 0) == "0.00"
