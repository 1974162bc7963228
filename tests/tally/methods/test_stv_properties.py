"""Properties every STV count must keep, on random small elections."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from moim.tally.ballots import Candidate, Election, RawBallot, group_raw
from moim.tally.methods.stv_meek import MeekArithmetic, count_meek
from moim.tally.methods.stv_scottish import count_scottish_stv
from moim.tally.methods.stv_wigm import WigmArithmetic, count_wigm
from moim.tally.result import Result
from moim.tally.ties import TieBreaker, TieBreakMethod

ORDER = TieBreaker(TieBreakMethod.ORDER)


@st.composite
def elections(draw: st.DrawFn) -> tuple[int, int, list[tuple[RawBallot, int]]]:
    n = draw(st.integers(2, 6))
    seats = draw(st.integers(1, n - 1))
    ranking = st.permutations(range(n)).flatmap(
        lambda p: st.integers(1, n).map(lambda k: tuple((c,) for c in p[:k]))
    )
    ballots = draw(st.lists(st.tuples(ranking, st.integers(1, 9)), min_size=1, max_size=25))
    return n, seats, ballots


def build(n: int, seats: int, ballots: list[tuple[RawBallot, int]]) -> Election:
    names = tuple(Candidate(f"C{i}") for i in range(n))
    return Election("p", names, seats, group_raw(ballots))


COUNTS: dict[str, Callable[[Election], Result]] = {
    "scottish": lambda e: count_scottish_stv(e, tie_breaker=ORDER),
    "wigm-prf": lambda e: count_wigm(e, tie_breaker=ORDER),
    "wigm-rational": lambda e: count_wigm(e, arithmetic=WigmArithmetic.RATIONAL, tie_breaker=ORDER),
    "meek-prf": lambda e: count_meek(e, tie_breaker=ORDER),
}


@settings(max_examples=60, deadline=None)
@given(elections())
def test_totals_are_conserved_in_every_round(case: tuple[int, int, list]) -> None:  # type: ignore[type-arg]
    election = build(*case)
    valid = Decimal(election.ballots.total_weight)
    for name, count in COUNTS.items():
        result = count(election)
        # exact fractions are shown truncated: allow one unit of the last place per figure
        slack = Decimal(0)
        if result.arithmetic == "exact rational":
            slack = Decimal(len(election.candidates) + 2).scaleb(-result.precision)
        for r in result.rounds:
            held = sum((Decimal(v) for v in r.votes.values()), Decimal(0))
            loss = Decimal(r.inactive.get("loss", 0))
            # elected + continuing + exhausted (+ what truncation dropped) = valid weight
            assert valid - slack <= held + Decimal(r.exhausted) + loss <= valid, (name, r.number)
            assert loss >= 0, (name, r.number)
        assert len(result.elected) == election.seats, name
        assert len(set(result.elected)) == election.seats, name


@settings(max_examples=40, deadline=None)
@given(elections(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_ballot_order(case: tuple[int, int, list], rnd) -> None:  # type: ignore[no-untyped-def,type-arg]
    n, seats, ballots = case
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    for count in COUNTS.values():
        assert (
            count(build(n, seats, ballots)).to_json() == count(build(n, seats, shuffled)).to_json()
        )


@settings(max_examples=25, deadline=None)
@given(elections())
def test_meek_exact_elects_the_seats_and_conserves_votes(case: tuple[int, int, list]) -> None:  # type: ignore[type-arg]
    election = build(*case)

    result = count_meek(election, arithmetic=MeekArithmetic.RATIONAL, tie_breaker=ORDER)

    assert len(result.elected) == election.seats
    first = result.rounds[0]
    assert sum(first.votes.values()) + first.exhausted == election.ballots.total_weight
