"""Tie policies: look-back, tie order, seeded lot, the chair."""

from __future__ import annotations

import pytest

from moim.tally.ties import TieBreaker, TieBreakMethod, TieForChair, TieKind

NAMES = ("Ann", "Bo", "Cy", "Di")


def test_look_back_narrows_stage_by_stage_from_the_latest() -> None:
    # tied now; one stage back Ann and Bo both lowest (2), two stages back Bo alone lowest
    history = [[1, 0, 5, 9], [2, 2, 3, 9], [4, 4, 4, 9]]

    chosen, record = TieBreaker().choose(
        [0, 1, 2], kind=TieKind.EXCLUDE, round=4, names=NAMES, history=history
    )

    assert chosen == 1
    assert record is not None
    assert (record.tied, record.chosen, record.method) == (("Ann", "Bo", "Cy"), "Bo", "look-back")


def test_look_back_for_a_surplus_takes_the_highest() -> None:
    chosen, _ = TieBreaker().choose(
        [0, 2], kind=TieKind.SURPLUS, round=2, names=NAMES, history=[[3, 0, 4, 0], [5, 0, 5, 0]]
    )

    assert chosen == 2


def test_order_takes_the_first_tied_candidate_in_the_tie_order() -> None:
    breaker = TieBreaker(TieBreakMethod.ORDER, look_back=False, order=(3, 2, 1, 0))

    chosen, record = breaker.choose([0, 2], kind=TieKind.EXCLUDE, round=1, names=NAMES)

    assert chosen == 2
    assert record is not None
    assert record.method == "order"


def test_lot_is_reproducible_and_records_its_seed() -> None:
    draws = {
        TieBreaker.by_lot("s1").choose([0, 1, 2, 3], kind=TieKind.EXCLUDE, round=3, names=NAMES)[0]
        for _ in range(5)
    }
    chosen, record = TieBreaker.by_lot("s1").choose(
        [3, 1, 0, 2], kind=TieKind.EXCLUDE, round=3, names=NAMES
    )

    assert draws == {chosen}  # the order the tied are given in does not matter
    assert record is not None
    assert record.seed == "s1"
    assert record.to_dict()["method"] == "lot"


def test_lot_without_a_seed_makes_one_and_records_it() -> None:
    breaker = TieBreaker.by_lot()

    _, record = breaker.choose([0, 1], kind=TieKind.ELECT, round=1, names=NAMES)

    assert breaker.seed
    assert record is not None
    assert record.seed == breaker.seed


def test_chair_raises_with_the_tied_candidates() -> None:
    with pytest.raises(TieForChair) as caught:
        TieBreaker().choose([2, 0], kind=TieKind.EXCLUDE, round=5, names=NAMES)

    assert caught.value.names == ("Ann", "Cy")
    assert caught.value.round == 5
    assert "round 5: tie to exclude between Ann, Cy" in str(caught.value)


def test_a_single_candidate_is_no_tie() -> None:
    assert TieBreaker().choose([1], kind=TieKind.EXCLUDE, round=1, names=NAMES) == (1, None)
