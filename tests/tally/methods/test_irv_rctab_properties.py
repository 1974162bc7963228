"""RCTab IRV against a direct reading of its rules, ballot by ballot, on random raw ballots.

The reference below re-reads every ballot from rank 1 in every round, as the RCTab rules are
written (see the conformance README, "RCTab IRV"): it shares no code with `moim.tally`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from moim.tally.ballots import OVERVOTE, Candidate, Election, OvervoteRule, group_raw
from moim.tally.methods.irv import count_irv, rctab_rounds
from moim.tally.methods.rctab import RctabRules

Ballot = tuple[tuple[int, ...], ...]
KEYS = ("overvotes", "skippedRankings", "repeatedRankings", "exhaustedChoices")


def read_ballot(ballot: Ballot, continuing: set[int], rules: RctabRules) -> int | str:
    """The candidate this ballot counts for, or why it is inactive."""
    last = 0
    seen: set[int] = set()
    marked = [rank for rank, cell in enumerate(ballot, start=1) if cell]
    for rank, cell in enumerate(ballot, start=1):
        if not cell:
            continue
        skipped = rules.max_skipped_ranks_allowed
        if skipped is not None and rank - last > skipped + 1:
            return "skippedRankings"
        last = rank
        if rules.exhaust_on_duplicate_candidate:
            if any(c in seen for c in cell):
                return "repeatedRankings"
            seen.update(cell)
        if len(cell) > 1 or cell == (OVERVOTE,):
            if rules.overvote_rule is OvervoteRule.EXHAUST_IMMEDIATELY:
                return "overvotes"
            continue
        if cell[0] in continuing:
            return cell[0]
    return "exhaustedChoices" if marked else "undervote"


@dataclass
class Expected:
    tally: dict[int, int]
    inactive: dict[str, int]
    threshold: int
    eliminated: list[int] = field(default_factory=list)
    elected: list[int] = field(default_factory=list)


def reference(n: int, ballots: Sequence[tuple[Ballot, int]], rules: RctabRules) -> list[Expected]:
    """RCTab's rounds; empty when an elimination would need a tie-break."""
    continuing = set(range(n))
    rounds: list[Expected] = []
    while True:
        tally = dict.fromkeys(continuing, 0)
        inactive = dict.fromkeys(KEYS, 0)
        for ballot, weight in ballots:
            outcome = read_ballot(ballot, continuing, rules)
            if isinstance(outcome, int):
                tally[outcome] += weight
            elif outcome != "undervote":
                inactive[outcome] += weight
        threshold = sum(tally.values()) // 2 + 1
        record = Expected(tally, inactive, threshold)
        rounds.append(record)
        winners = [c for c, v in tally.items() if v >= threshold and sum(tally.values())]
        if winners or len(continuing) == 1:
            record.elected = winners or list(continuing)
            return rounds
        ordered = sorted(set(tally.values()))
        losers: list[int] = []
        if rules.batch_elimination:
            below = 0
            for value in ordered:
                if below < value:
                    losers = [c for c, v in tally.items() if v < value]
                below += value * sum(1 for v in tally.values() if v == value)
        if len(losers) < 2:
            losers = [c for c, v in tally.items() if v == ordered[0]]
            if len(losers) > 1:
                return []
        record.eliminated = losers
        continuing -= set(losers)


cells = st.one_of(
    st.just(()),
    st.tuples(st.integers(0, 3)),
    st.just((OVERVOTE,)),
    st.lists(st.integers(0, 3), min_size=2, max_size=2, unique=True).map(
        lambda c: tuple(sorted(c))
    ),
)
ballots_st = st.lists(
    st.tuples(st.lists(cells, min_size=1, max_size=5).map(tuple), st.integers(1, 9)),
    min_size=1,
    max_size=25,
)
rules_st = st.builds(
    RctabRules,
    overvote_rule=st.sampled_from(list(OvervoteRule)),
    max_skipped_ranks_allowed=st.one_of(st.none(), st.integers(0, 2)),
    exhaust_on_duplicate_candidate=st.booleans(),
    batch_elimination=st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(ballots=ballots_st, rules=rules_st)
def test_rctab_irv_agrees_with_a_direct_reading_of_the_rules(
    ballots: list[tuple[Ballot, int]], rules: RctabRules
) -> None:
    expected = reference(4, ballots, rules)
    assume(expected)
    names = ["A", "B", "C", "D"]
    election = Election("t", tuple(Candidate(n) for n in names), 1, group_raw(ballots))

    result = count_irv(election, rules=rules)

    got = rctab_rounds(result)
    assert len(got) == len(expected)
    for mine, theirs in zip(got, expected, strict=True):
        assert mine["tally"] == {names[c]: v for c, v in sorted(theirs.tally.items())}
        assert mine["inactive"] == theirs.inactive
        assert mine["threshold"] == theirs.threshold
        assert mine["eliminated"] == sorted(names[c] for c in theirs.eliminated)
    assert result.elected == [names[c] for c in expected[-1].elected]
