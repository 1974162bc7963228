"""Plurality, block vote and approval."""

from __future__ import annotations

import pytest

from moim.tally.ballots import Candidate, Election, group_raw
from moim.tally.methods.choice import ChoiceMethod, count_choice
from moim.tally.ties import TieBreaker, TieBreakMethod, TieForChair, TieKind


def election(ballots: list[tuple[tuple[tuple[int, ...], ...], int]], seats: int = 1) -> Election:
    names = ("Ann", "Bo", "Cy", "Di")
    return Election("t", tuple(Candidate(n) for n in names), seats, group_raw(ballots))


def test_plurality_counts_first_marks_and_rejects_two_at_once() -> None:
    e = election([(((0,), (1,)), 4), (((1,),), 3), (((2, 3),), 5)])

    result = count_choice(e, ChoiceMethod.PLURALITY)

    assert result.elected == ["Ann"]
    assert result.rounds[0].votes == {"Ann": 4, "Bo": 3, "Cy": 0, "Di": 0}
    assert result.details["invalid_weight"] == 5


def test_block_vote_elects_the_n_highest_and_rejects_over_marked_ballots() -> None:
    e = election(
        [(((0,), (1,)), 5), (((1,), (2,)), 4), (((2,),), 2), (((0,), (1,), (2,)), 9)], seats=2
    )

    result = count_choice(e, ChoiceMethod.BLOCK)

    assert result.rounds[0].votes == {"Ann": 5, "Bo": 9, "Cy": 6, "Di": 0}
    assert result.elected == ["Bo", "Cy"]
    assert result.details["invalid_weight"] == 9


def test_approval_counts_every_mark() -> None:
    e = election([(((0, 1, 2),), 2), (((1,),), 1)])

    result = count_choice(e, ChoiceMethod.APPROVAL)

    assert result.rounds[0].votes == {"Ann": 2, "Bo": 3, "Cy": 2, "Di": 0}
    assert result.elected == ["Bo"]


def test_a_tie_for_the_last_seat_goes_to_the_policy() -> None:
    e = election([(((0,),), 2), (((1,),), 2)])

    by_order = count_choice(
        e, ChoiceMethod.PLURALITY, tie_breaker=TieBreaker(TieBreakMethod.ORDER, order=(1, 0))
    )
    for_chair = count_choice(e, ChoiceMethod.PLURALITY)

    assert by_order.elected == ["Bo"]
    assert by_order.ties[0].tied == ("Ann", "Bo")
    assert for_chair.status == "tie-for-chair"
    assert for_chair.pending_tie == ("Ann", "Bo")
    assert for_chair.elected == []


def test_tie_for_chair_is_an_exception_the_policy_raises() -> None:
    with pytest.raises(TieForChair, match="Ann, Bo"):
        TieBreaker().choose([0, 1], kind=TieKind.ELECT, round=1, names=("Ann", "Bo"))


def test_level_totals_at_the_last_seats_need_no_tie_break_when_all_are_elected() -> None:
    # Block vote, 3 seats: Ann 5, Bo 4, Cy 4, Di 1. Bo and Cy share the cut-off total, and both
    # fill the two seats left, so nothing is asked of the chair.
    e = election(
        [(((0,), (1,), (2,)), 4), (((0,),), 1), (((3,),), 1)],
        seats=3,
    )

    result = count_choice(e, ChoiceMethod.BLOCK)

    assert result.rounds[0].votes == {"Ann": 5, "Bo": 4, "Cy": 4, "Di": 1}
    assert result.status == "complete"
    assert result.elected == ["Ann", "Bo", "Cy"]
    assert result.ties == []
