"""Properties of the single-round methods and Schulze on random ballots."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from moim.tally.ballots import Candidate, Election, RawBallot, group_raw
from moim.tally.methods.choice import ChoiceMethod, count_choice
from moim.tally.methods.schulze import count_schulze
from moim.tally.ties import TieBreaker, TieBreakMethod

ORDER = TieBreaker(TieBreakMethod.ORDER)
BallotList = list[tuple[RawBallot, int]]


@st.composite
def cases(draw: st.DrawFn) -> tuple[int, int, BallotList]:
    n = draw(st.integers(2, 6))
    seats = draw(st.integers(1, n - 1))
    ranking = st.permutations(range(n)).flatmap(
        lambda p: st.integers(1, n).map(lambda k: tuple((c,) for c in p[:k]))
    )
    ballots = draw(st.lists(st.tuples(ranking, st.integers(1, 9)), min_size=1, max_size=20))
    return n, seats, ballots


def build(n: int, seats: int, ballots: BallotList) -> Election:
    return Election("p", tuple(Candidate(f"C{i}") for i in range(n)), seats, group_raw(ballots))


@settings(max_examples=50, deadline=None)
@given(cases(), st.randoms(use_true_random=False))
def test_single_round_methods_ignore_ballot_order(case: tuple[int, int, BallotList], rnd) -> None:  # type: ignore[no-untyped-def]
    n, seats, ballots = case
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    for method in ChoiceMethod:
        a = count_choice(build(n, seats, ballots), method, tie_breaker=ORDER)
        b = count_choice(build(n, seats, shuffled), method, tie_breaker=ORDER)
        assert a.to_json() == b.to_json()
    assert (
        count_schulze(build(n, seats, ballots), tie_breaker=ORDER).to_json()
        == count_schulze(build(n, seats, shuffled), tie_breaker=ORDER).to_json()
    )


@settings(max_examples=50, deadline=None)
@given(cases())
def test_approval_totals_and_winners(case: tuple[int, int, BallotList]) -> None:
    n, seats, ballots = case
    election = build(n, seats, ballots)

    result = count_choice(election, ChoiceMethod.APPROVAL, tie_breaker=ORDER)

    votes = result.rounds[0].votes
    assert sum(votes.values()) == sum(len(b) * w for b, w in ballots)
    assert len(result.elected) == seats
    lowest_winner = min(votes[name] for name in result.elected)
    assert all(votes[name] <= lowest_winner for name in votes if name not in result.elected)


@settings(max_examples=50, deadline=None)
@given(cases())
def test_schulze_elects_a_condorcet_winner(case: tuple[int, int, BallotList]) -> None:
    n, _, ballots = case
    election = build(n, 1, ballots)

    result = count_schulze(election, tie_breaker=ORDER)

    pairwise = result.details["pairwise"]
    assert isinstance(pairwise, dict)
    for name, row in pairwise.items():
        if all(row[other] > pairwise[other][name] for other in row):
            assert result.elected == [name]
