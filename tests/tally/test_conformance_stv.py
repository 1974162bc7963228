"""STV counts against reference results that no one on this project computed.

Data: the shared conformance folder (see its README): Glasgow City Council's 2007 ward ballots
and Droop's classic small cases, with Droop's reference counts (github.com/jklundell/droop at
cf5829307f37c4c794786b66af45f09c15d68de3). One test per row of each `cases.json`.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from moim.tally.ballots import Election
from moim.tally.formats.blt import read_blt
from moim.tally.result import Action, Result
from moim.tally.stv_scottish import count_scottish_stv
from moim.tally.ties import TieBreaker, TieBreakMethod
from tests.tally.conformance import conformance_dir, decimals, load_cases, load_json, norm

pytestmark = pytest.mark.conformance

if not (conformance_dir() / "scottish-stv" / "cases.json").is_file():
    pytest.skip(
        f"conformance data not found at {conformance_dir()} (set MOIM_CONFORMANCE_DIR)",
        allow_module_level=True,
    )


def _ids(rows: list[dict[str, Any]]) -> list[str]:
    return [f"{row['case']}-{row['rule']}" for row in rows]


def _load(kind: str, row: dict[str, Any]) -> tuple[Election, dict[str, Any]]:
    folder: Path = conformance_dir() / kind
    return read_blt(folder / row["blt"]), load_json(folder / row["expected"])


def _droop_order(election: Election) -> TieBreaker:
    """Droop's "by lot": the first tied candidate in the tie order (BLT order or [tie])."""
    return TieBreaker(TieBreakMethod.ORDER, look_back=True, order=election.tie_order)


def _assert_first_stage(result: Result, expected: dict[str, Any]) -> None:
    assert result.quota == Decimal(expected["quota"])
    first = decimals(expected["first_stage"])
    assert {k: Decimal(v) for k, v in result.rounds[0].votes.items() if k in first} == first


SCOTTISH = load_cases("scottish-stv")


@pytest.mark.parametrize("row", SCOTTISH, ids=_ids(SCOTTISH))
def test_scottish_stv_matches_droop(row: dict[str, Any]) -> None:
    election, expected = _load("scottish-stv", row)

    result = count_scottish_stv(election, tie_breaker=_droop_order(election))

    _assert_first_stage(result, expected)
    # Droop records a zero surplus as a stage; the statute has no such stage.
    stages = [s for s in expected["stages"] if not s["action"].endswith("(0.00000)")]
    ours = [r for r in result.rounds if r.action is not Action.ELECT_REMAINING]
    # Rule 52(2): once continuing = vacancies no further transfer is made; Droop still
    # transfers the last excluded candidate's papers, so its last stage may have no match.
    ends_with_last_vacancies = any(e["last_vacancies"] for e in expected["elections"])
    assert len(ours) >= len(stages) - (1 if ends_with_last_vacancies else 0)
    for stage, ours_round in zip(stages, ours, strict=False):
        assert {k: Decimal(v) for k, v in ours_round.votes.items()} == decimals(stage["votes"]), (
            stage["action"]
        )
        assert ours_round.exhausted == Decimal(stage["non_transferable"]), stage["action"]
    # Order of election; the final last-vacancies step is a set. Droop lists candidates who
    # reach the quota at the same stage with equal votes in its own order, which has no
    # meaning in the statute, so candidates elected at one stage are compared as a set.
    regular = [norm(e["candidate"]) for e in expected["elections"] if not e["last_vacancies"]]
    last = {norm(e["candidate"]) for e in expected["elections"] if e["last_vacancies"]}
    assert set(result.elected) == {norm(n) for n in expected["elected"]}
    assert set(result.elected[len(regular) :]) == last
    ours_regular = result.elected[: len(regular)]
    by_round: dict[int, set[str]] = {}
    for e in expected["elections"]:
        if not e["last_vacancies"]:
            by_round.setdefault(e["round"], set()).add(norm(e["candidate"]))
    groups = [by_round[k] for k in sorted(by_round)]
    position = 0
    for group in groups:
        assert set(ours_regular[position : position + len(group)]) == group
        position += len(group)
