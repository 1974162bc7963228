"""IRV counts against RCTab's own expected reports, which no one on this project computed.

Data: the shared conformance folder (see its README): Minneapolis 2013 and 2017 mayoral CVRs and
NIST-style test sets, with the expected round-by-round reports of RCTab
(github.com/BrightSpots/rcv at 2167c240ddd25e40427cc3e7e1ecf46ef62f0b7f). One test per row of
`irv/cases.json`; the precinct reports are recounted from that precinct's rows alone.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from moim.tally.formats.cvr import read_cvr
from moim.tally.methods.irv import count_cvr, rctab_rounds
from moim.tally.methods.rctab import load_config
from moim.tally.result import Result
from tests.tally.conformance import conformance_dir, load_cases, load_json

pytestmark = pytest.mark.conformance

if not (conformance_dir() / "irv" / "cases.json").is_file():
    pytest.skip(
        f"IRV conformance data not found at {conformance_dir()} (set MOIM_CONFORMANCE_DIR)",
        allow_module_level=True,
    )

CASES = load_cases("irv")


def _decimals(values: dict[str, Any]) -> dict[str, Decimal]:
    return {k: Decimal(str(v)) for k, v in values.items()}


def _count(folder: Path, *, by_precinct: bool = False) -> tuple[Any, Any, Result]:
    config = load_config(folder / "rctab-config.json")
    cvr = read_cvr(
        folder / "ballots.csv", candidates=config.names, by_precinct=by_precinct, progress=False
    )
    return config, cvr, count_cvr(cvr, rules=config.rules, excluded=config.excluded)


def _assert_rounds(got: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    assert len(got) == len(expected)
    for mine, theirs in zip(got, expected, strict=True):
        label = f"round {theirs['round']}"
        assert mine["round"] == theirs["round"]
        assert Decimal(mine["threshold"]) == Decimal(theirs["threshold"]), label
        assert _decimals(mine["tally"]) == _decimals(theirs["tally"]), label
        assert set(mine["eliminated"]) == set(theirs["eliminated"]), label
        assert set(mine["elected"]) == set(theirs["elected"]), label
        assert _decimals(mine["inactive"]) == _decimals(theirs["inactive"]), label


@pytest.mark.parametrize("row", CASES, ids=[row["case"] for row in CASES])
def test_irv_matches_rctab_every_round(row: dict[str, Any]) -> None:
    folder = conformance_dir() / "irv" / row["case"]
    expected = load_json(folder / "expected.json")

    config, _, result = _count(folder)

    assert config.rules.describe()["overvoteRule"] == row["overvoteRule"]
    _assert_rounds(rctab_rounds(result), expected["rounds"])
    assert result.elected == [expected["winner"]] == [row["winner"]]
    assert Decimal(str(result.details["undervotes"])) == Decimal(expected["undervotes"])
    assert Decimal(str(result.details["total_ballots"])) == Decimal(expected["total_ballots"])
    assert Decimal(str(result.details["final_threshold"])) == Decimal(expected["final_threshold"])
    assert Decimal(str(result.quota)) == Decimal(expected["rounds"][0]["threshold"])
    assert len(result.rounds) == row["rounds"]


PRECINCT_REPORTS = [
    (row["case"], path.name)
    for row in CASES
    for path in sorted((conformance_dir() / "irv" / row["case"]).glob("rctab-expected-precinct-*"))
]


@pytest.mark.parametrize(
    ("case", "report"), PRECINCT_REPORTS, ids=[f"{c}-{r[24:-30]}" for c, r in PRECINCT_REPORTS]
)
def test_irv_precinct_report_matches_rctab(case: str, report: str) -> None:
    folder = conformance_dir() / "irv" / case
    expected = load_json(folder / report)
    precinct = expected["config"]["precinct"]
    config, cvr, contest = _count(folder, by_precinct=True)
    schedule = [r.excluded for r in contest.rounds[:-1]]

    mine = count_cvr(
        cvr.only_precinct(precinct),
        rules=config.rules,
        excluded=config.excluded,
        schedule=schedule,
        write_ins=cvr.has_write_ins,
    )

    assert len(mine.rounds) == len(expected["results"]) == len(contest.rounds)
    for got, theirs, whole in zip(mine.rounds, expected["results"], contest.rounds, strict=True):
        label = f"{precinct} round {theirs['round']}"
        assert _decimals(got.votes) == _decimals(theirs["tally"]), label
        assert _decimals(got.inactive) == _decimals(theirs["inactiveBallots"]), label
        assert Decimal(str(whole.threshold)) == Decimal(theirs["threshold"]), label
    summary = expected["summary"]
    assert Decimal(str(mine.details["total_ballots"])) == Decimal(summary["totalNumBallots"])
    assert mine.details["undervotes"] == summary["undervotes"]
