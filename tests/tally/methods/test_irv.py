"""Instant-runoff voting: a textbook example, RCTab's rules, and an independent recount."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from moim.tally.ballots import (
    OVERVOTE,
    UNDECLARED_WRITE_IN,
    Candidate,
    Election,
    OvervoteRule,
    from_rankings,
    group_raw,
)
from moim.tally.methods.irv import count_irv, rctab_rounds
from moim.tally.methods.rctab import UWI_NAME, RctabRules
from moim.tally.result import Status
from moim.tally.ties import TieBreaker, TieBreakMethod

# Wikipedia, "Instant-runoff voting", section "Examples": the vote on the location of Tennessee's
# capital, with the electorate split 42/26/15/17 by city. Knoxville wins in the third round.
TENNESSEE = [
    (["Memphis", "Nashville", "Chattanooga", "Knoxville"], 42),
    (["Nashville", "Chattanooga", "Knoxville", "Memphis"], 26),
    (["Chattanooga", "Knoxville", "Nashville", "Memphis"], 15),
    (["Knoxville", "Chattanooga", "Nashville", "Memphis"], 17),
]
CITIES = ["Memphis", "Nashville", "Chattanooga", "Knoxville"]


def test_irv_textbook_tennessee_capital() -> None:
    result = count_irv(from_rankings(CITIES, TENNESSEE))

    assert result.elected == ["Knoxville"]
    assert [r.votes for r in result.rounds] == [
        {"Memphis": 42, "Nashville": 26, "Chattanooga": 15, "Knoxville": 17},
        {"Memphis": 42, "Nashville": 26, "Knoxville": 32},
        {"Memphis": 42, "Knoxville": 58},
    ]
    assert [r.excluded for r in result.rounds] == [("Chattanooga",), ("Nashville",), ()]
    assert [r.threshold for r in result.rounds] == [51, 51, 51]
    assert result.method == "irv"
    assert "Elected: Knoxville" in result.to_text()


def _election(ballots: Sequence[tuple[tuple[tuple[int, ...], ...], int]]) -> Election:
    candidates = tuple(Candidate(n) for n in ["A", "B", "C"])
    return Election("t", candidates, 1, group_raw(ballots))


A, B, C = (0,), (1,), (2,)


def test_irv_rctab_write_ins_go_alone_in_round_one_and_undervotes_stay_apart() -> None:
    uwi = (UNDECLARED_WRITE_IN,)
    election = _election(
        [((A, B), 4), ((B,), 3), ((C, B), 2), ((uwi, C), 2), ((uwi,), 1), (((), ()), 5)]
    )

    result = count_irv(election, rules=RctabRules(batch_elimination=True))

    rounds = rctab_rounds(result)
    assert rounds[0]["tally"] == {"A": 4, "B": 3, "C": 2, UWI_NAME: 3}
    assert rounds[0]["eliminated"] == [UWI_NAME]
    assert rounds[1]["tally"] == {"A": 4, "B": 3, "C": 4}
    assert rounds[1]["inactive"]["exhaustedChoices"] == 1
    assert result.details["undervotes"] == 5
    assert result.details["total_ballots"] == 17


def test_irv_rctab_skipped_ranks_and_overvotes_exhaust_by_rule() -> None:
    ballots = [((A,), 3), (((), (), B), 2), (((OVERVOTE,), C), 2), ((C,), 1)]
    strict = RctabRules(max_skipped_ranks_allowed=1)
    lenient = RctabRules(overvote_rule=OvervoteRule.ALWAYS_SKIP_TO_NEXT_RANK)

    first = rctab_rounds(count_irv(_election(ballots), rules=strict))[0]
    second = rctab_rounds(count_irv(_election(ballots), rules=lenient))[0]

    assert first["tally"] == {"A": 3, "B": 0, "C": 1}
    assert first["inactive"] == {
        "exhaustedChoices": 0,
        "overvotes": 2,
        "skippedRankings": 2,
        "repeatedRankings": 0,
    }
    assert second["tally"] == {"A": 3, "B": 2, "C": 3}


def test_irv_tie_for_elimination_follows_the_tie_policy() -> None:
    election = _election([((A,), 4), ((B, A), 2), ((C, B), 2)])

    by_order = count_irv(election, ties=TieBreaker(TieBreakMethod.ORDER, look_back=False))
    by_chair = count_irv(election)

    assert by_order.rounds[0].excluded == ("B",)
    assert by_order.rounds[0].ties[0].tied == ("B", "C")
    assert by_order.elected == ["A"]
    assert by_chair.status is Status.TIE_FOR_CHAIR
    assert by_chair.pending_tie == ("B", "C")


def naive_irv(
    n: int, ballots: Sequence[tuple[Sequence[int], int]]
) -> tuple[int, list[dict[int, int]]] | None:
    """IRV from its definition, for comparison; None when an elimination would need a tie-break."""
    remaining = set(range(n))
    rounds = []
    while True:
        tally = dict.fromkeys(remaining, 0)
        for ranking, weight in ballots:
            for c in ranking:
                if c in remaining:
                    tally[c] += weight
                    break
        rounds.append(tally)
        active = sum(tally.values())
        for c, v in tally.items():
            if 2 * v > active:
                return c, rounds
        if len(remaining) == 1:
            return next(iter(remaining)), rounds
        low = min(tally.values())
        losers = [c for c, v in tally.items() if v == low]
        if len(losers) > 1:
            return None
        remaining.remove(losers[0])


rankings = st.integers(min_value=2, max_value=6).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(
            st.tuples(
                st.permutations(list(range(n))).flatmap(
                    lambda p: st.integers(1, len(p)).map(lambda k: p[:k])
                ),
                st.integers(1, 50),
            ),
            min_size=1,
            max_size=30,
        ),
    )
)


@settings(max_examples=200, deadline=None)
@given(rankings)
def test_irv_agrees_with_a_naive_count(case: tuple[int, list[tuple[list[int], int]]]) -> None:
    n, ballots = case
    expected = naive_irv(n, ballots)
    assume(expected is not None)
    assert expected is not None
    names = [f"C{i}" for i in range(n)]
    election = from_rankings(names, [([names[c] for c in r], w) for r, w in ballots])

    result = count_irv(election)

    winner, rounds = expected
    assert result.elected == [names[winner]]
    assert [r.votes for r in result.rounds] == [
        {names[c]: v for c, v in sorted(t.items())} for t in rounds
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_irv_result_does_not_depend_on_ballot_order(seed: int) -> None:
    rng = random.Random(seed)
    names = [f"C{i}" for i in range(6)]
    ballots = [(rng.sample(names, rng.randint(1, 6)), 1) for _ in range(400)]
    shuffled = list(ballots)
    rng.shuffle(shuffled)
    rules = RctabRules(batch_elimination=True)

    one = count_irv(from_rankings(names, ballots), rules=rules)
    two = count_irv(from_rankings(names, shuffled), rules=rules)

    assert one.to_json() == two.to_json()
