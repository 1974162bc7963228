"""The `moim tally` command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from moim.tally.cli import EXIT_INPUT, main

FOOD = """5 3
4 1 0
2 2 1 0
8 3 4 0
4 3 5 0
1 4 0
1 5 0
0
"Oranges"
"Pears"
"Chocolate"
"Strawberries"
"Hamburgers"
"Food election"
"""


@pytest.fixture
def food(tmp_path: Path) -> Path:
    path = tmp_path / "food.blt"
    path.write_text(FOOD, encoding="utf-8")
    return path


def test_table_lists_rounds_and_the_elected(food: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main([str(food), "--method", "stv-scottish"])

    out = capsys.readouterr().out
    assert status == 0
    assert "Food election — stv-scottish, 3 seat(s)" in out
    assert "Quota: 6.00000" in out
    assert "Strawberries          1.00000      5.00000" in out
    assert out.rstrip().endswith("Elected: Chocolate, Oranges, Strawberries")


def test_json_is_the_documented_record(food: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main([str(food), "--method", "stv-scottish", "--json"])

    record = json.loads(capsys.readouterr().out)
    assert record["schema"] == "moim.tally/1"
    assert record["elected"] == ["Chocolate", "Oranges", "Strawberries"]
    assert record["quota"] == "6.00000"
    assert record["rounds"][1]["votes"]["Strawberries"] == "5.00000"
    assert record["rounds"][1]["transfers"]["Hamburgers"] == "2.00000"


def test_json_is_byte_identical_across_runs(food: Path) -> None:
    command = [sys.executable, "-m", "moim.cli", "tally", str(food), "--method", "stv-meek",
               "--json"]  # fmt: skip

    runs = [subprocess.run(command, capture_output=True, check=True).stdout for _ in range(2)]

    assert runs[0] == runs[1]
    # Meek's quota is 20/4 (+10⁻⁹): Strawberries reaches it before Oranges
    assert json.loads(runs[0])["elected"] == ["Chocolate", "Strawberries", "Oranges"]


def test_syntax_error_exits_non_zero_with_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.blt"
    bad.write_text('2 1\n1 1 0\n3 1 7 0\n0\n"A"\n"B"\n', encoding="utf-8")

    status = main([str(bad), "--method", "stv-scottish"])

    captured = capsys.readouterr()
    assert status == EXIT_INPUT
    assert captured.out == ""
    assert f"{bad}: line 3: candidate 7 is not between 1 and 2" in captured.err


def test_tie_for_the_chair_exits_3_and_a_seed_breaks_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tie.blt"
    path.write_text('3 1\n3 1 0\n2 2 0\n2 3 0\n0\n"A"\n"B"\n"C"\n"T"\n', encoding="utf-8")

    chair = main([str(path), "--method", "stv-scottish"])
    chair_out = capsys.readouterr().out
    lot = main([str(path), "--method", "stv-scottish", "--tie-break", "lot", "--seed", "7",
                "--json"])  # fmt: skip
    record = json.loads(capsys.readouterr().out)

    assert chair == 3
    assert "Stopped: tie for the chair between B, C" in chair_out
    assert lot == 0
    assert record["tie_policy"]["seed"] == "7"
    assert record["rounds"][1]["ties"][0]["seed"] == "7"


def test_tie_order_option_takes_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "tie.blt"
    path.write_text('3 1\n3 1 0\n2 2 0\n2 3 0\n0\n"A"\n"B"\n"C"\n"T"\n', encoding="utf-8")

    main([str(path), "--method", "stv-wigm", "--tie-break", "order", "--tie-order", "C,B,A",
          "--json"])  # fmt: skip

    record = json.loads(capsys.readouterr().out)
    assert record["excluded"][0] == "C"


@pytest.mark.parametrize(
    ("method", "elected"),
    [("plurality", ["Chocolate"]), ("approval", ["Chocolate"]), ("schulze", ["Chocolate"]),
     ("stv-wigm", ["Chocolate", "Strawberries", "Oranges"])],
)  # fmt: skip
def test_other_methods_from_a_blt_file(
    food: Path, capsys: pytest.CaptureFixture[str], method: str, elected: list[str]
) -> None:
    seats = [] if method.startswith("stv") else ["--seats", "1"]

    status = main([str(food), "--method", method, "--json", *seats])

    assert status == 0
    assert json.loads(capsys.readouterr().out)["elected"] == elected


def test_motion_file_gives_a_verdict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "motion.yna"
    path.write_text("yes 6\nno 4\nabstain 1\n", encoding="utf-8")

    status = main([str(path), "--method", "yna", "--majority", "absolute"])

    out = capsys.readouterr().out
    assert status == 0
    assert "Yes needed: 6" in out
    assert "Verdict: ADOPTED" in out


def test_motion_file_error_names_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "motion.yna"
    path.write_text("yes\nmaybe\n", encoding="utf-8")

    assert main([str(path), "--method", "yna"]) == EXIT_INPUT
    assert "line 2" in capsys.readouterr().err


def test_missing_file_is_an_input_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["/nonexistent/file.blt", "--method", "stv-meek"]) == EXIT_INPUT
    assert "no such file" in capsys.readouterr().err


def test_irv_on_a_blt_file(food: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # first preferences: Chocolate 12 of 20 is a majority at once
    status = main([str(food), "--method", "irv", "--json"])

    record = json.loads(capsys.readouterr().out)
    assert status == 0
    assert record["elected"] == ["Chocolate"]
