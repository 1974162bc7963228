"""The ballot model: grouping and the ballot rules applied on the way to the clean form."""

from __future__ import annotations

import numpy as np
import pytest

from moim.tally.ballots import (
    OVERVOTE,
    UNDECLARED_WRITE_IN,
    BallotRules,
    Ending,
    OvervoteRule,
    Preferences,
    clean_ranking,
    exact_total,
    from_rankings,
    group_raw,
    to_preferences,
)

SKIP = OvervoteRule.ALWAYS_SKIP_TO_NEXT_RANK
EXHAUST = OvervoteRule.EXHAUST_IMMEDIATELY


def test_group_raw_adds_weights_of_identical_ballots_in_first_seen_order() -> None:
    raw = group_raw([(((0,), (1,)), 2), (((2,),), 1), (((0,), (1,)), 3)])

    assert raw.ballots == (((0,), (1,)), ((2,),))
    assert raw.weights == (5, 1)
    assert raw.total_weight == 6


@pytest.mark.parametrize(
    ("ballot", "rules", "expected"),
    [
        # a blank rank within the allowance is skipped
        (
            ((0,), (), (1,)),
            BallotRules(max_skipped_ranks_allowed=1),
            ([0, 1], Ending.EXHAUSTED_CHOICES),
        ),
        # two blanks with one allowed: exhausts on reaching the next mark
        (
            ((0,), (), (), (1,)),
            BallotRules(max_skipped_ranks_allowed=1),
            ([0], Ending.SKIPPED_RANKINGS),
        ),
        # no allowance and a blank first rank: nothing counts
        (((), (1,)), BallotRules(max_skipped_ranks_allowed=0), ([], Ending.SKIPPED_RANKINGS)),
        # trailing blanks never exhaust
        (
            ((0,), (), (), ()),
            BallotRules(max_skipped_ranks_allowed=0),
            ([0], Ending.EXHAUSTED_CHOICES),
        ),
        # an overvote exhausts immediately, or is skipped
        (((0,), (1, 2), (3,)), BallotRules(EXHAUST), ([0], Ending.OVERVOTES)),
        (((0,), (1, 2), (3,)), BallotRules(SKIP), ([0, 3], Ending.EXHAUSTED_CHOICES)),
        (((OVERVOTE,), (3,)), BallotRules(EXHAUST), ([], Ending.OVERVOTES)),
        # a repeated candidate is ignored, or exhausts
        (((0,), (0,), (1,)), BallotRules(), ([0, 1], Ending.EXHAUSTED_CHOICES)),
        (
            ((0,), (0,), (1,)),
            BallotRules(exhaust_on_duplicate_candidate=True),
            ([0], Ending.REPEATED_RANKINGS),
        ),
    ],
)
def test_clean_ranking_applies_the_ballot_rules(
    ballot: tuple[tuple[int, ...], ...], rules: BallotRules, expected: tuple[list[int], Ending]
) -> None:
    assert clean_ranking(ballot, rules) == expected


def test_clean_ranking_maps_write_ins_and_drops_withdrawn() -> None:
    ballot = ((UNDECLARED_WRITE_IN,), (1,), (2,))

    assert clean_ranking(ballot, BallotRules(), drop=frozenset({1}), write_in=9) == (
        [9, 2],
        Ending.EXHAUSTED_CHOICES,
    )
    with pytest.raises(ValueError, match="undeclared write-in"):
        clean_ranking(ballot, BallotRules())


def test_to_preferences_groups_ballots_that_become_identical() -> None:
    raw = group_raw([(((0,), (1,)), 2), (((0,), (), (1,)), 3), (((0,), (1, 2)), 1)])

    prefs = to_preferences(raw, BallotRules(SKIP))

    assert prefs.prefs.tolist() == [[0, 1], [0, -1]]
    assert prefs.weights.tolist() == [5, 1]
    assert prefs.endings.tolist() == [Ending.EXHAUSTED_CHOICES] * 2


def test_preferences_grouped_merges_rows_and_keeps_total_weight() -> None:
    prefs = Preferences.from_rows([([1, 2], 3), ([0], 2), ([1, 2], 1)], endings=[0, 0, 0])

    grouped = prefs.grouped()

    assert grouped.prefs.tolist() == [[0, -1], [1, 2]]
    assert grouped.weights.tolist() == [2, 4]
    assert grouped.total_weight == prefs.total_weight == 6


def test_preferences_grouped_keeps_rows_apart_when_endings_differ() -> None:
    prefs = Preferences.from_rows([([1], 1), ([1], 1)], endings=[0, int(Ending.OVERVOTES)])

    assert prefs.grouped().endings.tolist() == [0, int(Ending.OVERVOTES)]


def test_preferences_grouped_handles_wide_rows() -> None:
    rng = np.random.default_rng(7)
    rows = rng.integers(-1, 200, (300, 30)).astype(np.int32)
    doubled = np.concatenate([rows, rows])
    prefs = Preferences(doubled, np.ones(600, dtype=np.int64), np.zeros(600, dtype=np.int8))

    grouped = prefs.grouped()

    assert len(grouped) == len({tuple(r) for r in rows.tolist()})
    assert grouped.total_weight == 600


def test_from_rankings_and_the_ending_report_keys() -> None:
    election = from_rankings(["Ann", "Bo"], [(["Bo", "Ann"], 2)], seats=1, title="T")

    assert election.names == ("Ann", "Bo")
    assert election.ballots.ballots == (((1,), (0,)),)
    assert [e.report_key for e in Ending] == [
        "exhaustedChoices",
        "overvotes",
        "skippedRankings",
        "repeatedRankings",
    ]


def test_prepared_ballots_refuse_other_rules_rather_than_count_nothing() -> None:
    from moim.tally.ballots import Candidate, Election, RawBallots

    clean = Preferences.from_rows([([0], 3)])
    election = Election("t", (Candidate("A"),), 1, RawBallots((), ()), prepared=clean)

    assert election.preferences() is clean
    with pytest.raises(ValueError, match="default rules"):
        election.preferences(BallotRules(EXHAUST))


@pytest.mark.parametrize(
    ("weights", "total"),
    [
        ([], 0),
        ([3, 4, 5], 12),
        ([2**62, 2**62], 2**63),  # past int64: added as Python ints, not wrapped
        ([2**63 - 1, 1, 1], 2**63 + 1),
        ([5, -2], 3),
    ],
)
def test_exact_total_never_wraps(weights: list[int], total: int) -> None:
    array = np.array(weights, dtype=np.int64)

    prefs = Preferences(
        np.zeros((len(weights), 1), np.int32), array, np.zeros(len(weights), np.int8)
    )

    assert exact_total(array) == total
    assert prefs.total_weight == total
