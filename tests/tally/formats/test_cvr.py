"""CVR CSV: reading rank cells, grouping, errors with their line, and writing back."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moim.tally.ballots import (
    OVERVOTE,
    UNDECLARED_WRITE_IN,
    BallotRules,
    Ending,
    OvervoteRule,
    Preferences,
    to_preferences,
)
from moim.tally.formats.cvr import CellCoder, CvrError, read_cvr, write_cvr
from moim.tally.formats.cvr_fast import read_fast, split_header
from moim.tally.matrix import CvrBallots

NAMES = ["Ann", "Bob", "Cy"]


def _file(tmp_path: Path, text: str, name: str = "ballots.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


SAMPLE = (
    "id,precinct,rank1,rank2,rank3\n"
    "1,P1,Ann,Bob,\n"
    "2,P2,Ann,Bob,\n"
    "3,P1,,Cy,Ann\n"
    "4,P1,overvote,Bob,\n"
    "5,P2,Ann|Cy,,Bob\n"
    "6,P2,UWI,Ann,\n"
    "7,P1,,,\n"
)


def _rows(ballots: CvrBallots) -> dict[tuple[tuple[int, ...], ...], int]:
    raw = ballots.raw()
    return dict(zip(raw.ballots, raw.weights, strict=True))


def test_read_cvr_rank_cells_become_raw_ballots(tmp_path: Path) -> None:
    ballots = read_cvr(_file(tmp_path, SAMPLE), candidates=NAMES)

    assert ballots.candidates == tuple(NAMES)
    assert ballots.total == 7
    assert ballots.undervotes == 1
    assert _rows(ballots) == {
        ((0,), (1,), ()): 2,
        ((), (2,), (0,)): 1,
        ((OVERVOTE,), (1,), ()): 1,
        ((0, 2), (), (1,)): 1,
        ((UNDECLARED_WRITE_IN,), (0,), ()): 1,
        ((), (), ()): 1,
    }


def test_read_cvr_fast_and_careful_readers_agree(tmp_path: Path) -> None:
    path = _file(tmp_path, SAMPLE)

    fast = read_cvr(path, candidates=NAMES)
    careful = read_cvr(io.StringIO(SAMPLE), candidates=NAMES)

    assert _rows(fast) == _rows(careful)


def test_read_cvr_quoted_names_crlf_and_bom(tmp_path: Path) -> None:
    text = (
        "\ufeffid,precinct,rank1,rank2\r\n"
        '1,P1,"STROUD, JR.","Say ""Hi"""\r\n'
        '2,P1,"Say ""Hi""",STROUD\r\n'
    )
    path = _file(tmp_path, text)

    ballots = read_cvr(path)

    assert ballots.candidates == ("STROUD, JR.", 'Say "Hi"', "STROUD")
    assert _rows(ballots) == {((0,), (1,)): 1, ((1,), (2,)): 1}


def test_read_cvr_header_of_ranks_only(tmp_path: Path) -> None:
    ballots = read_cvr(_file(tmp_path, "rank1,rank2\nBob,Ann\nBob,Ann\nAnn,\n"))

    assert ballots.candidates == ("Bob", "Ann")
    assert _rows(ballots) == {((0,), (1,)): 2, ((1,), ()): 1}


def test_read_cvr_learns_candidates_in_order_of_first_appearance(tmp_path: Path) -> None:
    rows = "".join(f"{i},,{a},{b}\n" for i, (a, b) in enumerate([("Zed", ""), ("Amy", "Zed")]))
    ballots = read_cvr(_file(tmp_path, "id,precinct,rank1,rank2\n" + rows))

    assert ballots.candidates == ("Zed", "Amy")


def test_read_cvr_unknown_candidate_names_line_and_column(tmp_path: Path) -> None:
    text = "id,precinct,rank1,rank2\n1,,Ann,Bob\n2,,Bob,Dora\n"

    with pytest.raises(CvrError) as caught:
        read_cvr(_file(tmp_path, text), candidates=NAMES)

    assert str(caught.value).startswith("line 3, column rank2: unknown candidate 'Dora'")
    assert caught.value.line == 3


def test_read_cvr_unknown_name_is_a_write_in_when_allowed(tmp_path: Path) -> None:
    text = "id,precinct,rank1,rank2\n1,,Dora,Bob\n"

    ballots = read_cvr(_file(tmp_path, text), candidates=NAMES, write_ins=True)

    assert _rows(ballots) == {((UNDECLARED_WRITE_IN,), (1,)): 1}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "id,precinct,rank1,rank2\n1,,Ann,Bob\n2,,Ann\n",
            "line 3: 3 columns where the header has 4",
        ),
        ("id,precinct,rank1\n1,,Ann\n\n2,,Bob\n", "line 3: empty line"),
        ("id,precinct,first,second\n1,,Ann,Bob\n", "line 1: header column 3 is 'first'"),
        ("id,precinct\n1,,\n", "line 1: the header has no rank columns"),
        ('id,precinct,rank1\n1,,"Ann\n', "malformed CSV"),
        ("", "the file is empty"),
    ],
)
def test_read_cvr_malformed_file_names_line_and_problem(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(CvrError) as caught:
        read_cvr(_file(tmp_path, text), candidates=NAMES)

    assert message in str(caught.value)


def test_read_cvr_not_utf8_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("id,precinct,rank1\n1,,Zoë\n".encode("latin-1"))

    with pytest.raises(CvrError, match="not UTF-8"):
        read_cvr(path)


def test_read_cvr_by_precinct_keeps_precincts_apart(tmp_path: Path) -> None:
    ballots = read_cvr(_file(tmp_path, SAMPLE), candidates=NAMES, by_precinct=True)

    p1 = ballots.only_precinct("P1")
    p2 = ballots.only_precinct("P2")

    assert (p1.total, p2.total) == (4, 3)
    assert _rows(p2) == {((0,), (1,), ()): 1, ((0, 2), (), (1,)): 1, ((3 - 6,), (0,), ()): 1}


def test_preferences_block_conversion_equals_core_conversion(tmp_path: Path) -> None:
    ballots = read_cvr(_file(tmp_path, SAMPLE), candidates=NAMES)
    rules = BallotRules(OvervoteRule.ALWAYS_SKIP_TO_NEXT_RANK, 0, True)

    fast = ballots.preferences(rules, drop=frozenset({1}), write_in=3)
    core = to_preferences(ballots.raw(), rules, drop=frozenset({1}), write_in=3)

    def table(p: Preferences) -> dict[tuple[tuple[int, ...], int], int]:
        out: dict[tuple[tuple[int, ...], int], int] = {}
        columns = (p.prefs.tolist(), p.endings.tolist(), p.weights.tolist())
        for row, end, w in zip(*columns, strict=True):
            key = (tuple(c for c in row if c >= 0), end)
            out[key] = out.get(key, 0) + w
        return out

    assert table(fast) == table(core)
    assert table(fast)[((), int(Ending.SKIPPED_RANKINGS))] == 2


def test_write_cvr_round_trips(tmp_path: Path) -> None:
    ballots = read_cvr(_file(tmp_path, SAMPLE), candidates=NAMES)
    out = io.StringIO()

    rows = write_cvr(ballots, NAMES, out)
    again = read_cvr(_file(tmp_path, out.getvalue(), "again.csv"), candidates=NAMES)

    assert rows == 7
    assert out.getvalue().startswith("id,precinct,rank1,rank2,rank3\r\n")
    assert _rows(again) == _rows(ballots)
    assert np.array_equal(np.sort(again.weights), np.sort(ballots.weights))


def test_read_cvr_tells_apart_names_alike_at_both_ends(tmp_path: Path) -> None:
    # Same length, same first and last eight bytes: only the middle differs.
    one, two = "Councillor Anna Smith-Jones", "Councillor Anne Smith-Jones"
    text = f"id,precinct,rank1,rank2\n1,,{one},{two}\n2,,{two},\n3,,{two},{one}\n"

    ballots = read_cvr(_file(tmp_path, text))

    assert ballots.candidates == (one, two)
    assert _rows(ballots) == {((0,), (1,)): 1, ((1,), ()): 1, ((1,), (0,)): 1}


def test_read_fast_reads_well_formed_files_itself(tmp_path: Path) -> None:
    data = SAMPLE.encode("utf-8")
    header, begin = split_header(data) or ([], 0)
    coder = CellCoder(NAMES, False)

    found = read_fast(data, begin, range(2, 5), len(header), coder.code)

    assert found is not None
    cells, weights = found
    assert int(weights.sum()) == 7
    assert len(cells) == 6


def test_read_cvr_candidate_codes_as_aliases(tmp_path: Path) -> None:
    text = "id,precinct,rank1,rank2\n1,,A,Bob\n2,,Cy,A\n"

    ballots = read_cvr(_file(tmp_path, text), candidates=NAMES, aliases={"A": "Ann"})

    assert _rows(ballots) == {((0,), (1,)): 1, ((2,), (0,)): 1}


names_st = st.lists(
    st.text(alphabet='ab ,"é|\n', min_size=1, max_size=12)
    .map(str.strip)
    .filter(lambda n: n and "|" not in n and n not in ("overvote", "UWI")),
    min_size=1,
    max_size=5,
    unique=True,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(names=names_st, data=st.data(), crlf=st.booleans())
def test_read_cvr_fast_reader_matches_careful_reader_on_any_file(
    tmp_path: Path, names: list[str], data: st.DataObject, crlf: bool
) -> None:
    cells = st.sampled_from([*names, "", "overvote", "UWI", "|".join(names[:2])])
    rows = data.draw(st.lists(st.lists(cells, min_size=3, max_size=3), max_size=25))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(["id", "precinct", "rank1", "rank2", "rank3"])
    for number, row in enumerate(rows, start=1):
        writer.writerow([number, "P", *row])
    path = _file(tmp_path, out.getvalue(), "any.csv")

    fast = read_cvr(path, candidates=names)
    careful = read_cvr(io.StringIO(out.getvalue(), newline=""), candidates=names)

    assert _rows(fast) == _rows(careful)
    assert fast.total == len(rows)


def test_election_of_cvr_ballots_converts_as_the_core_does(tmp_path: Path) -> None:
    text = SAMPLE.replace("6,P2,UWI,Ann,\n", "")
    ballots = read_cvr(_file(tmp_path, text), candidates=NAMES)
    election = ballots.election(withdrawn=["Bob"])
    rules = BallotRules(OvervoteRule.EXHAUST_IMMEDIATELY, 1, True)

    fast = election.preferences(rules)
    core = to_preferences(election.ballots, rules, drop=election.withdrawn)

    def rows(p: Preferences) -> dict[tuple[tuple[int, ...], int], int]:
        out: dict[tuple[tuple[int, ...], int], int] = {}
        for r, e, w in zip(p.prefs.tolist(), p.endings.tolist(), p.weights.tolist(), strict=True):
            key = (tuple(c for c in r if c >= 0), e)
            out[key] = out.get(key, 0) + w
        return out

    assert rows(fast) == rows(core)
