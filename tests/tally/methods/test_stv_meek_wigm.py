"""Meek STV and WIGM on a count worked by hand.

12 ballots A>B, 4 B, 5 C; 2 seats (21 votes).
"""

from __future__ import annotations

from decimal import Decimal

from moim.tally.ballots import from_rankings
from moim.tally.methods.stv_meek import MeekArithmetic, count_meek
from moim.tally.methods.stv_wigm import WigmArithmetic, count_wigm

BALLOTS = [(["A", "B"], 12), (["B"], 4), (["C"], 5)]


def test_meek_exact_keep_factor_brings_a_down_to_the_quota() -> None:
    # quota 21/3 = 7; A (12 > 7) is elected; its keep factor becomes 7/12, so A keeps 7 and
    # passes 12 × 5/12 = 5 to B, who then has 9 > 7 and is elected; C is defeated.
    election = from_rankings("ABC", BALLOTS, seats=2)

    result = count_meek(election, arithmetic=MeekArithmetic.RATIONAL)

    assert result.quota == Decimal(7)
    assert result.elected == ["A", "B"]
    assert result.excluded == ["C"]
    second = result.rounds[2]
    assert second.elected == ("B",)
    assert second.keep_factors["A"] == Decimal("0.583333333333")  # 7/12 shown at 12 places
    assert second.votes == {"A": Decimal(7), "B": Decimal(9), "C": Decimal(5)}


def test_meek_reference_rounds_keep_factors_up() -> None:
    # quota 7 + 10⁻⁹; kf(A) = 7.000000001 / 12 = 0.583333333416… rounded up to 0.583333334;
    # A keeps 12 × 0.583333334 = 7.000000008 and B receives 12 × 0.416666666 = 4.999999992.
    election = from_rankings("ABC", BALLOTS, seats=2)

    result = count_meek(election, arithmetic=MeekArithmetic.PRF)

    assert result.quota == Decimal("7.000000001")
    second = result.rounds[2]
    assert second.keep_factors["A"] == Decimal("0.583333334")
    assert second.votes["A"] == Decimal("7.000000008")
    assert second.votes["B"] == Decimal("8.999999992")
    assert result.elected == ["A", "B"]


def test_wigm_reference_truncates_to_four_places() -> None:
    # quota 7 + 0.0001; A's surplus 12 − 7.0001 = 4.9999 moves each paper at 4.9999/12 =
    # 0.41665… truncated to 0.4166: B gets 4 + 12 × 0.4166 = 8.9992.
    election = from_rankings("ABC", BALLOTS, seats=2)

    result = count_wigm(election, arithmetic=WigmArithmetic.PRF)

    assert result.quota == Decimal("7.0001")
    assert result.rounds[1].votes["B"] == Decimal("8.9992")
    assert result.rounds[1].votes["A"] == Decimal("7.0001")
    assert result.elected == ["A", "B"]


def test_wigm_batch_defeats_sure_losers_together() -> None:
    # 3 seats; D (1) and E (1) together (2) stay below C (4): both go at once with batch.
    election = from_rankings(
        "ABCDE",
        [(["A"], 5), (["B"], 5), (["C"], 4), (["D", "C"], 1), (["E", "C"], 1)],
        seats=3,
    )

    single = count_wigm(election)
    batch = count_wigm(election, batch=True)

    # quota 16/4 + 0.0001: A and B are elected and their surpluses (0.9999 each) exhaust
    assert [r.excluded for r in batch.rounds if r.excluded] == [("D", "E")]
    assert not [t for r in batch.rounds for t in r.ties if t.kind == "exclude"]
    # one at a time, D and E tie: the tie order takes D; C then fills the last seat and E,
    # still hopeful, is defeated with the count complete
    assert [(t.tied, t.chosen) for t in single.ties if t.kind == "exclude"] == [(("D", "E"), "D")]
    assert single.excluded == ["D", "E"]
    assert single.elected == batch.elected == ["A", "B", "C"]
