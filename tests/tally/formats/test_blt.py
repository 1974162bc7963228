"""Reading and writing BLT files."""

from __future__ import annotations

from pathlib import Path

import pytest

from moim.tally.formats.blt import BltError, dumps_blt, loads_blt, read_blt

FULL = """4 2
-4
[tie 3 2 1 4]
3 1 2 0
2 3 - 1 0
1 0
1 2 0
0
"Ann  Lee "
"Bo"
"Çé Ü"
"Dee"
"The title"
"a source note"
First prefs 3 3 2 0
"""


def test_read_blt_reads_every_part_of_the_file() -> None:
    election = loads_blt(FULL)

    assert election.names == ("Ann Lee", "Bo", "Çé Ü", "Dee")
    assert election.seats == 2
    assert election.withdrawn == frozenset({3})
    assert election.tie_order == (2, 1, 0, 3)
    assert election.title == "The title"
    assert election.comments == ("a source note", "First prefs 3 3 2 0")
    # "1 0" (no preference) is not counted
    assert election.ballots.ballots == (((0,), (1,)), ((2,), (), (0,)), ((1,),))
    assert election.ballots.weights == (3, 2, 1)


def test_read_blt_withdrawn_option_and_nicknames_with_equal_rankings() -> None:
    text = '3 1\n[withdrawn 2]\n[nick a b c]\n2 a b=c 0\n1 c 0\n0\n"A"\n"B"\n"C"\n"T"\n'

    election = loads_blt(text)

    assert election.withdrawn == frozenset({1})
    assert election.ballots.ballots == (((0,), (1, 2)), ((2,),))


def test_read_blt_streams_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "e.blt"
    path.write_text(FULL, encoding="utf-8")
    seen: list[int] = []

    election = read_blt(path, progress=seen.append)

    assert election.ballots.total_weight == 6
    assert sum(seen) == len(FULL)


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("", 1, "the file is empty"),
        ("3\n", 1, "two numbers"),
        ("2 3\n", 1, "3 seats but only 2 candidates"),
        ("2 1\n1 3 0\n0\n", 2, "candidate 3 is not between 1 and 2"),
        ("2 1\n1 1 2\n0\n", 2, "must end with 0"),
        ("2 1\nx 1 0\n0\n", 2, "'x' is not a whole number (the ballot weight)"),
        ("2 1\n1 1 0\n", 2, "do not end with a line holding 0"),
        ('2 1\n1 1 0\n0\n"A"\n', 4, "1 candidate names for 2 candidates"),
        ('2 1\n1 1 0\n0\nA\n"B"\n', 4, "expected a quoted candidate name"),
        ("2 1\n[colour 1]\n", 2, "unknown option [colour]"),
        ("2 1\n-3\n", 2, "withdrawn candidate -3"),
        ('2 1\n[nick a b]\n1 z 0\n0\n"A"\n"B"\n', 3, "unknown candidate nickname 'z'"),
    ],
)
def test_read_blt_names_the_line_and_the_problem(text: str, line: int, problem: str) -> None:
    with pytest.raises(BltError) as caught:
        loads_blt(text)

    assert caught.value.line == line
    assert problem in str(caught.value)
    assert str(caught.value).startswith(f"line {line}: ")


def test_write_blt_round_trips() -> None:
    election = loads_blt(FULL)

    again = loads_blt(dumps_blt(election))

    assert again.names == election.names
    assert again.withdrawn == election.withdrawn
    assert again.tie_order == election.tie_order
    assert again.ballots == election.ballots
    assert again.title == election.title


def test_write_blt_refuses_marks_it_cannot_record() -> None:
    from moim.tally.ballots import OVERVOTE, Candidate, Election, RawBallots

    election = Election("t", (Candidate("A"),), 1, RawBallots((((OVERVOTE,),),), (1,)))

    with pytest.raises(ValueError, match="cannot record"):
        dumps_blt(election)


def test_write_blt_quotes_names() -> None:
    election = loads_blt('1 1\n1 1 0\n0\n"Say \\"hi\\""\n"T"\n')

    text = dumps_blt(election)

    assert election.names == ('Say "hi"',)
    assert '"Say \\"hi\\""' in text
    assert loads_blt(text).names == ('Say "hi"',)
