"""The one table of counting methods, read by the command line; ties settled by the chair."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from moim.tally import cli, registry
from moim.tally.ballots import Candidate, Election, group_raw
from moim.tally.result import Result, Status
from moim.tally.ties import TieBreaker, TieBreakMethod

# Four ballots A>B, four B>A, one C>A... : C is excluded first, then A and B tie at 4 each
# with no earlier stage to look back on (they were level from the start).
TIED = """3 1
4 1 2 0
4 2 1 0
1 3 0
0
"Ann"
"Bo"
"Cy"
"Tied election"
"""


@pytest.fixture
def tied(tmp_path: Path) -> Path:
    path = tmp_path / "tied.blt"
    path.write_text(TIED, encoding="utf-8")
    return path


def test_the_command_line_offers_exactly_the_registered_methods() -> None:
    action = next(a for a in cli.build_parser()._actions if a.dest == "method")

    assert tuple(action.choices or ()) == registry.NAMES
    assert "stv-scottish: Single transferable vote (Scottish rules)" in str(action.help)


def test_an_unknown_method_is_refused_with_the_valid_ones_listed() -> None:
    with pytest.raises(registry.MethodError) as refused:
        registry.get("stv")

    assert str(refused.value) == (
        "'stv' is not a counting method; the methods are: yna, plurality, block, approval, irv, "
        "stv-scottish, stv-meek, stv-wigm, schulze"
    )


def test_a_method_is_checked_against_the_ballot_shape_and_seats() -> None:
    with pytest.raises(registry.MethodError, match=r"choose one of: block$"):
        registry.check("irv", "choose", 3)
    with pytest.raises(registry.MethodError, match="choose one of: stv-scottish, stv-meek"):
        registry.check("irv", "ranked", 3)

    assert registry.check("stv-meek", "ranked", 3).name == "stv-meek"
    assert [m.name for m in registry.methods_for("ranked", 1)] == [
        "irv", "stv-scottish", "stv-meek", "stv-wigm", "schulze",
    ]  # fmt: skip
    assert registry.default_for("ranked", 5) == "stv-scottish"


def test_every_method_but_yna_counts_through_the_table() -> None:
    election = Election(
        "t",
        (Candidate("A"), Candidate("B")),
        1,
        group_raw([(((0,),), 3), (((1,), (0,)), 1)]),
    )
    for method in registry.METHODS.values():
        if method.counter is None:
            continue
        result = method.count(election, tie_breaker=TieBreaker())
        assert result.elected == ["A"], method.name


def test_a_tie_stops_for_the_chair_and_the_chairs_decision_settles_it(
    tied: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stopped = cli.main([str(tied), "--method", "irv", "--json", "--no-progress"])
    pending = json.loads(capsys.readouterr().out)

    decided = cli.main(
        [str(tied), "--method", "irv", "--json", "--no-progress", "--tie-decisions", "2"]
    )
    record = json.loads(capsys.readouterr().out)

    assert stopped == cli.EXIT_TIE
    assert pending["pending_tie"] == ["Ann", "Bo"]
    assert decided == cli.EXIT_OK
    assert record["elected"] == ["Ann"]  # the chair excluded Bo
    tie = record["rounds"][1]["ties"][0]
    assert (tie["tied"], tie["chosen"], tie["method"]) == (["Ann", "Bo"], "Bo", "chair")


def test_a_draw_by_lot_for_the_chair_is_reproducible_from_its_seed(
    tied: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = []
    for _ in range(2):
        cli.main([str(tied), "--method", "irv", "--json", "--tie-decisions", "lot:abc123"])
        runs.append(json.loads(capsys.readouterr().out))

    tie = runs[0]["rounds"][1]["ties"][0]
    assert runs[0] == runs[1]
    assert (tie["method"], tie["seed"]) == ("lot", "abc123")
    assert runs[0]["status"] == str(Status.COMPLETE)


def test_a_decision_naming_someone_not_tied_is_an_input_error(
    tied: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main([str(tied), "--method", "irv", "--tie-decisions", "Cy"])

    assert code == cli.EXIT_INPUT
    assert "names Cy, who is not among the tied (Ann, Bo)" in capsys.readouterr().err


def test_decisions_go_with_the_chair_policy_only(
    tied: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main([str(tied), "--method", "irv", "--tie-break", "lot", "--tie-decisions", "1"])

    assert code == cli.EXIT_INPUT
    assert "--tie-decisions go with --tie-break chair" in capsys.readouterr().err
    assert TieBreakMethod.CHAIR == "chair"


def test_a_method_and_its_option_registered_in_the_table_alone_count_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The recipe for a new counting method: its module, and one row (with its option) here.
    @dataclass(frozen=True)
    class Options(registry.Options):
        mood: str = "calm"

    def count_toy(
        election: Election, seats: int | None, ties: TieBreaker, options: registry.Options
    ) -> Result:
        result = registry.get("plurality").count(election, seats=seats, tie_breaker=ties)
        result.method = "toy"
        result.details["mood"] = getattr(options, "mood")  # noqa: B009 (the subclass's field)
        return result

    toy = registry.Method("toy", "Toy", frozenset({registry.Shape.CHOOSE}), 1, count_toy)
    mood = registry.Option("mood", "how the toy counts", ("calm", "loud"))
    monkeypatch.setattr(registry, "Options", Options)
    monkeypatch.setattr(registry, "OPTIONS", (*registry.OPTIONS, mood))
    monkeypatch.setitem(registry.METHODS, "toy", toy)
    monkeypatch.setattr(registry, "NAMES", (*registry.NAMES, "toy"))
    path = tmp_path / "two.blt"
    path.write_text('2 1\n3 1 0\n1 2 0\n0\n"Ann"\n"Bo"\n"Two"\n', encoding="utf-8")

    code = cli.main([str(path), "--method", "toy", "--mood", "loud", "--json"])
    record = json.loads(capsys.readouterr().out)

    assert code == cli.EXIT_OK
    assert (record["method"], record["elected"], record["details"]["mood"]) == (
        "toy", ["Ann"], "loud",
    )  # fmt: skip
