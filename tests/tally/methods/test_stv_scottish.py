"""Scottish STV on small counts worked by hand."""

from __future__ import annotations

from decimal import Decimal

from moim.tally.ballots import from_rankings
from moim.tally.methods.stv_scottish import count_scottish_stv
from moim.tally.result import Action
from moim.tally.ties import TieBreaker, TieBreakMethod

# The "food election" of the Wikipedia article "Single transferable vote" (section "Example"):
# 20 voters, 3 seats; the article's winners are Chocolate, Oranges and Strawberries.
FOOD = [
    (["Oranges"], 4),
    (["Pears", "Oranges"], 2),
    (["Chocolate", "Strawberries"], 8),
    (["Chocolate", "Hamburgers"], 4),
    (["Strawberries"], 1),
    (["Hamburgers"], 1),
]
NAMES = ["Oranges", "Pears", "Chocolate", "Strawberries", "Hamburgers"]


def test_food_election_stage_by_stage() -> None:
    election = from_rankings(NAMES, FOOD, seats=3)

    result = count_scottish_stv(election)

    # quota ⌊20/4⌋+1 = 6; Chocolate's surplus 6 moves at 6/12 = 0.5 a paper: Strawberries
    # 1 + 8×0.5 = 5, Hamburgers 1 + 4×0.5 = 3; Pears (2) is excluded and Oranges reaches 6;
    # excluding Hamburgers leaves one continuing candidate for one seat (rule 52): no transfer.
    assert result.quota == Decimal(6)
    assert [r.action for r in result.rounds] == [
        Action.FIRST,
        Action.SURPLUS,
        Action.EXCLUSION,
        Action.ELECT_REMAINING,
    ]
    assert result.rounds[1].votes == {
        "Oranges": Decimal("4.00000"),
        "Pears": Decimal("2.00000"),
        "Chocolate": Decimal("6.00000"),
        "Strawberries": Decimal("5.00000"),
        "Hamburgers": Decimal("3.00000"),
    }
    assert result.rounds[1].transfers["Strawberries"] == Decimal(4)
    assert result.rounds[2].votes["Oranges"] == Decimal(6)
    assert result.rounds[3].excluded == ("Hamburgers",)
    assert result.rounds[3].votes == result.rounds[2].votes
    assert result.elected == ["Chocolate", "Oranges", "Strawberries"]
    assert result.excluded == ["Pears", "Hamburgers"]


def test_transfer_values_are_truncated_to_five_places() -> None:
    # quota ⌊15/3⌋+1 = 6; A has 9 (7 A>B, 2 A>C), surplus 3: each paper moves at 3/9 =
    # 0.333333… truncated to 0.33333, so B gets 7×0.33333 = 2.33331 and C 2×0.33333 = 0.66666;
    # the 0.00003 lost to truncation is reported, not given to anyone.
    two = from_rankings("ABCD", [(["A", "B"], 7), (["A", "C"], 2), (["B"], 1), (["D"], 5)], seats=2)
    result = count_scottish_stv(two)

    surplus = result.rounds[1]
    assert surplus.votes["B"] == Decimal("3.33331")
    assert surplus.votes["C"] == Decimal("0.66666")
    assert surplus.inactive["loss"] == Decimal("0.00003")


def test_a_tie_looks_back_before_the_policy() -> None:
    # quota ⌊17/3⌋+1 = 6. A's surplus 2 moves its 8 papers at 0.25: B 1 + 2 = 3 ties C at 3.
    # At the first stage B had 1 and C 3, so B is excluded without asking the chair.
    election = from_rankings("ABCD", [(["A", "B"], 8), (["B"], 1), (["C"], 3), (["D"], 5)], seats=2)

    result = count_scottish_stv(election, tie_breaker=TieBreaker(TieBreakMethod.CHAIR))

    assert result.rounds[1].votes["B"] == result.rounds[1].votes["C"] == Decimal(3)
    exclusion = result.rounds[2]
    assert exclusion.excluded == ("B",)
    assert [(t.tied, t.chosen, t.method) for t in exclusion.ties] == [
        (("B", "C"), "B", "look-back")
    ]
    assert result.status == "complete"


def test_ties_by_lot_are_reproducible_from_the_seed() -> None:
    ballots = [(["A"], 3), (["B"], 1), (["C"], 1), (["D"], 1)]
    election = from_rankings("ABCD", ballots, seats=1)

    first = count_scottish_stv(election, tie_breaker=TieBreaker.by_lot("assembly-2026"))
    again = count_scottish_stv(election, tie_breaker=TieBreaker.by_lot("assembly-2026"))

    assert first.to_json() == again.to_json()
    assert first.ties[0].seed == "assembly-2026"
    assert first.ties[0].method == "lot"
    assert first.elected == ["A"]


def test_a_tie_for_the_chair_stops_the_count_with_the_tied_names() -> None:
    election = from_rankings("ABC", [(["A"], 3), (["B"], 2), (["C"], 2)], seats=1)

    result = count_scottish_stv(election, tie_breaker=TieBreaker(TieBreakMethod.CHAIR))

    assert result.status == "tie-for-chair"
    assert result.pending_tie == ("B", "C")
    assert '"status": "tie-for-chair"' in result.to_json()
