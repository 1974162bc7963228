"""The Schulze method against the worked example of its definition."""

from __future__ import annotations

from moim.tally.ballots import from_rankings
from moim.tally.methods.schulze import count_schulze

# The first worked example of M. Schulze, "A new monotonic, clone-independent, reversal
# symmetric, and Condorcet-consistent single-winner election method", Social Choice and Welfare
# 36 (2011) 267–303 (also the example of the Wikipedia article "Schulze method"): 45 voters,
# 5 candidates. Published result: E > A > C > B > D, with the strongest paths p[E,A] = 25,
# p[E,B] = 28, p[E,C] = 28, p[E,D] = 31, and d[A,B] = 20.
EXAMPLE_1 = [
    ("ACBED", 5),
    ("ADECB", 5),
    ("BEDAC", 8),
    ("CABED", 3),
    ("CAEBD", 7),
    ("CBADE", 2),
    ("DCEBA", 7),
    ("EBADC", 8),
]


def test_schulze_reproduces_the_example_of_the_paper() -> None:
    election = from_rankings("ABCDE", [(list(r), w) for r, w in EXAMPLE_1])

    result = count_schulze(election)

    assert result.elected == ["E"]
    assert result.details["ranking"] == [["E"], ["A"], ["C"], ["B"], ["D"]]
    assert result.details["strongest_paths"]["E"] == {"A": 25, "B": 28, "C": 28, "D": 31}
    assert result.details["pairwise"]["A"]["B"] == 20


def test_schulze_several_seats_take_the_top_of_the_ranking() -> None:
    election = from_rankings("ABCDE", [(list(r), w) for r, w in EXAMPLE_1])

    assert count_schulze(election, seats=3).elected == ["E", "A", "C"]


def test_schulze_equal_rankings_and_unranked_candidates() -> None:
    # 2 ballots A>B=C, 1 ballot C; C is not ranked above A by the first two.
    from moim.tally.ballots import Candidate, Election, group_raw

    raw = group_raw([(((0,), (1, 2)), 2), (((2,),), 1)])
    election = Election("t", tuple(Candidate(n) for n in "ABC"), 1, raw)

    result = count_schulze(election)

    assert result.details["pairwise"]["A"] == {"B": 2, "C": 2}
    assert result.details["pairwise"]["B"] == {"A": 0, "C": 0}
    assert result.details["pairwise"]["C"] == {"A": 1, "B": 1}
    assert result.elected == ["A"]
