"""Motion verdicts at their boundaries (hand-computed; see DOMAIN.md "Voting semantics")."""

from __future__ import annotations

from fractions import Fraction

import pytest

from moim.tally.ballots import YesNoAbstain, YesNoAbstainBallots
from moim.tally.methods.yna import Base, Majority, MotionRule, count_motion, required_yes

Y, N, A = YesNoAbstain.YES, YesNoAbstain.NO, YesNoAbstain.ABSTAIN


def ballots(yes: int, no: int, abstain: int = 0) -> YesNoAbstainBallots:
    return YesNoAbstainBallots.from_votes([(Y, 1)] * yes + [(N, 1)] * no + [(A, 1)] * abstain)


@pytest.mark.parametrize(
    ("majority", "base", "needed"),
    [
        (Majority.ABSOLUTE, 11, 6),  # ⌊11/2⌋+1 = 6, not ⌈11/2⌉+1 = 7
        (Majority.ABSOLUTE, 10, 6),
        (Majority.ABSOLUTE, 1, 1),
        (Majority.TWO_THIRDS, 9, 6),
        (Majority.TWO_THIRDS, 10, 7),  # ⌈20/3⌉ = 7
        (Majority.TWO_THIRDS, 11, 8),  # ⌈22/3⌉ = 8
        (Majority.THREE_QUARTERS, 8, 6),
        (Majority.THREE_QUARTERS, 9, 7),  # ⌈27/4⌉ = 7
        (Majority.THREE_QUARTERS, 10, 8),  # ⌈30/4⌉ = 8
    ],
)
def test_required_yes_boundaries(majority: Majority, base: int, needed: int) -> None:
    assert required_yes(majority, base) == needed


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "verdict"),
    [(6, 5, 0, "adopted"), (5, 5, 1, "rejected"), (5, 4, 2, "rejected"), (6, 3, 2, "adopted")],
)
def test_absolute_majority_counts_abstentions_in_the_base(
    yes: int, no: int, abstain: int, verdict: str
) -> None:
    result = count_motion(ballots(yes, no, abstain), rule=MotionRule(Majority.ABSOLUTE))

    assert result.details["verdict"] == verdict
    assert result.details["required_yes"] == 6


def test_absolute_majority_without_abstentions_in_the_base() -> None:
    # b = yes + no = 9 → 5 needed; with the 2 abstentions in, b = 11 → 6 needed
    rule = MotionRule(Majority.ABSOLUTE, abstentions_in_base=False)

    result = count_motion(ballots(5, 4, 2), rule=rule)

    assert result.details["base_weight"] == 9
    assert result.details["verdict"] == "adopted"
    assert result.details["percent_of_base"] == {"yes": "55.56", "no": "44.44", "abstain": None}


def test_simple_majority_is_yes_over_no_whatever_the_abstentions() -> None:
    assert count_motion(ballots(3, 2, 10), rule=MotionRule()).details["verdict"] == "adopted"
    assert count_motion(ballots(2, 2, 0), rule=MotionRule()).details["verdict"] == "rejected"


def test_two_thirds_of_the_entitled_weight() -> None:
    rule = MotionRule(Majority.TWO_THIRDS, Base.ENTITLED)

    short = count_motion(ballots(19, 1), rule=rule, entitled=30)
    enough = count_motion(ballots(20, 1), rule=rule, entitled=30)

    assert short.details["required_yes"] == 20
    assert (short.details["verdict"], enough.details["verdict"]) == ("rejected", "adopted")


def test_quorum_exactly_met_and_one_short() -> None:
    rule = MotionRule(Majority.SIMPLE, quorum=Fraction(1, 2))

    met = count_motion(ballots(3, 1), rule=rule, entitled=10, present=5)
    short = count_motion(ballots(3, 1), rule=rule, entitled=11, present=5)

    assert met.details["verdict"] == "adopted"
    assert short.details["verdict"] == "no-quorum"


def test_weights_and_heads_are_reported_apart() -> None:
    votes = YesNoAbstainBallots.from_votes([(Y, 3), (Y, 1), (N, 2), (A, 1)])

    result = count_motion(votes, rule=MotionRule(Majority.ABSOLUTE))

    assert result.details["weights"] == {"yes": 4, "no": 2, "abstain": 1}
    assert result.details["heads"] == {"yes": 2, "no": 1, "abstain": 1}
    assert result.details["percent_of_base"] == {"yes": "57.14", "no": "28.57", "abstain": "14.29"}
    assert "Verdict: ADOPTED" in result.to_text()


def test_an_entitled_base_needs_the_entitled_weight() -> None:
    with pytest.raises(ValueError, match="entitled weight"):
        count_motion(ballots(1, 0), rule=MotionRule(Majority.ABSOLUTE, Base.ENTITLED))
