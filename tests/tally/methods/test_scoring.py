"""Jury scoring maths against values computed by hand (population standard deviation)."""

from __future__ import annotations

import math

import pytest

from moim.tally.methods.scoring import (
    Method,
    Sheet,
    TieRule,
    TieState,
    rank,
    weighted_total,
    z_scores,
)

R = math.sqrt(1.5)  # 1.224744...: the z-score of the extremes of three evenly spaced totals


def sheets(table: dict[str, dict[str, float]]) -> list[Sheet]:
    return [
        Sheet(juror=juror, entry=entry, total=total)
        for juror, row in table.items()
        for entry, total in row.items()
    ]


def test_weighted_total_is_the_weighted_mean_on_the_scale() -> None:
    # (3 * 8 + 1 * 6) / (3 + 1) = 30 / 4
    assert weighted_total({"impact": 8, "design": 6}, {"impact": 3, "design": 1}) == 7.5


def test_weighted_total_refuses_a_missing_criterion() -> None:
    with pytest.raises(ValueError, match="criteria not scored: design"):
        weighted_total({"impact": 8}, {"impact": 3, "design": 1})


def test_weighted_total_refuses_weights_adding_to_zero() -> None:
    with pytest.raises(ValueError, match="more than zero"):
        weighted_total({"impact": 8}, {"impact": 0})


def test_z_scores_of_a_harsh_juror() -> None:
    # totals 4, 6, 8: mean 6, variance (4 + 0 + 4) / 3 = 8/3, sd = 1.63299
    z = z_scores({"e1": 4, "e2": 6, "e3": 8})
    assert z["e1"] == pytest.approx(-2 / math.sqrt(8 / 3)) == pytest.approx(-R)
    assert z["e2"] == 0
    assert z["e3"] == pytest.approx(R)


def test_z_scores_of_a_juror_with_no_spread_are_zero() -> None:
    assert z_scores({"e1": 7, "e2": 7, "e3": 7}) == {"e1": 0.0, "e2": 0.0, "e3": 0.0}


def test_z_scores_of_a_single_sheet_are_zero() -> None:
    assert z_scores({"e1": 9.5}) == {"e1": 0.0}


def test_rank_with_a_harsh_a_lenient_and_a_flat_juror() -> None:
    table = {
        "harsh": {"e1": 4, "e2": 6, "e3": 8},  # z: -R, 0, R
        "lenient": {"e1": 9, "e2": 8, "e3": 10},  # mean 9, sd sqrt(2/3): z 0, -R, R
        "flat": {"e1": 7, "e2": 7, "e3": 7},  # no spread: z 0, 0, 0
    }
    ranked = rank(sheets(table))
    by_entry = {row.entry: row for row in ranked}
    # weighted means: 20/3, 21/3, 25/3
    assert by_entry["e1"].weighted_mean == pytest.approx(20 / 3)
    assert by_entry["e2"].weighted_mean == pytest.approx(7)
    assert by_entry["e3"].weighted_mean == pytest.approx(25 / 3)
    # z means: -R/3, -R/3, 2R/3 -- e1 and e2 tie on z, the weighted mean breaks it for e2
    assert by_entry["e1"].z_mean == pytest.approx(-R / 3)
    assert by_entry["e2"].z_mean == pytest.approx(-R / 3)
    assert by_entry["e3"].z_mean == pytest.approx(2 * R / 3)
    assert [(r.entry, r.position, r.tie) for r in ranked] == [
        ("e3", 1, TieState.NONE),
        ("e2", 2, TieState.RESOLVED),
        ("e1", 3, TieState.RESOLVED),
    ]
    assert all(row.sheets == 3 for row in ranked)


def test_z_scores_cancel_a_juror_who_stretches_the_scale() -> None:
    table = {
        "stretcher": {"e1": 1, "e2": 9, "e3": 5},  # mean 5, sd sqrt(32/3): z -R, R, 0
        "b": {"e1": 8, "e2": 6, "e3": 7},  # z R, -R, 0
        "c": {"e1": 8, "e2": 6, "e3": 7},  # z R, -R, 0
    }
    by_weighted = rank(sheets(table), method=Method.WEIGHTED)
    by_z = rank(sheets(table), method=Method.Z_SCORE)
    # raw means 17/3, 21/3, 19/3: the stretcher alone puts e2 first
    assert [r.entry for r in by_weighted] == ["e2", "e3", "e1"]
    # z means R/3, -R/3, 0: two jurors of three preferred e1
    assert [r.entry for r in by_z] == ["e1", "e3", "e2"]
    assert by_z[0].z_mean == pytest.approx(R / 3)
    assert by_z[2].z_mean == pytest.approx(-R / 3)


def test_rank_leaves_a_full_tie_unresolved_with_a_shared_position() -> None:
    table = {"a": {"e1": 6, "e2": 6, "e3": 9}, "b": {"e1": 7, "e2": 7, "e3": 8}}
    ranked = rank(sheets(table))
    assert [(r.entry, r.position, r.tie) for r in ranked] == [
        ("e3", 1, TieState.NONE),
        ("e1", 2, TieState.UNRESOLVED),
        ("e2", 2, TieState.UNRESOLVED),
    ]


def test_rank_without_a_tie_rule_leaves_the_tie_to_the_jury() -> None:
    table = {
        "harsh": {"e1": 4, "e2": 6, "e3": 8},
        "lenient": {"e1": 9, "e2": 8, "e3": 10},
    }
    ranked = rank(sheets(table), tie_rule=TieRule.NONE)
    assert [(r.entry, r.position, r.tie) for r in ranked][1:] == [
        ("e1", 2, TieState.UNRESOLVED),
        ("e2", 2, TieState.UNRESOLVED),
    ]


def test_standardising_refuses_two_sheets_for_one_entry() -> None:
    with pytest.raises(ValueError, match="two sheets"):
        rank([Sheet("a", "e1", 5), Sheet("a", "e1", 6)])
