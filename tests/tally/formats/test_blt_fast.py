"""A BLT file read as a block: the same ballots as the careful reader, the same result as the CVR
CSV of the same ballots for every method, and memory in proportion to distinct ballots."""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
import tracemalloc
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moim.tally import cli, registry
from moim.tally.ballots import PAD, BallotRules, Election, OvervoteRule, to_preferences
from moim.tally.formats import blt_fast
from moim.tally.formats.blt import BltError, read_blt
from moim.tally.formats.blt_fast import BltBallots
from moim.tally.matrix import LazyRawBallots

NAMES = ("Ann", "Ben", "Cho", "Dov", "Eun")
RULES = (
    BallotRules(overvote_rule=OvervoteRule.ALWAYS_SKIP_TO_NEXT_RANK),
    BallotRules(),
    BallotRules(max_skipped_ranks_allowed=0, exhaust_on_duplicate_candidate=True),
)


def careful(path: Path) -> Election:
    """The line-by-line reader (it reads an open stream)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return read_blt(handle)


def matrix(election: Election) -> BltBallots:
    assert isinstance(election.ballots, LazyRawBallots)
    source = election.ballots.matrix
    assert isinstance(source, BltBallots)
    return source


Ballot = tuple[int, list[int | None]]  # weight, candidate indices best first (None: "-")


@st.composite
def elections(draw: st.DrawFn) -> tuple[int, int, list[Ballot]]:
    n = draw(st.integers(min_value=2, max_value=len(NAMES)))
    seats = draw(st.integers(min_value=1, max_value=n - 1))
    # The CSV reader learns candidates in the order they first appear: a first ballot ranking
    # every candidate gives both files the same candidates in the same order.
    ballots: list[Ballot] = [(draw(st.integers(1, 3)), list(range(n)))]
    for _ in range(draw(st.integers(min_value=0, max_value=25))):
        ranking = draw(st.permutations(range(n)))[: draw(st.integers(1, n))]
        marks: list[int | None] = list(ranking)
        if len(marks) > 1 and draw(st.booleans()):
            marks.insert(draw(st.integers(1, len(marks) - 1)), None)  # a skipped rank
        ballots.append((draw(st.integers(min_value=1, max_value=3)), marks))
    return n, seats, ballots


def blt_text(n: int, seats: int, ballots: list[Ballot]) -> str:
    lines = [f"{n} {seats}"]
    for weight, marks in ballots:
        cells = ["-" if m is None else str(m + 1) for m in marks]
        lines.append(" ".join([str(weight), *cells, "0"]))
    lines.append("0")
    lines += [f'"{name}"' for name in NAMES[:n]] + ['"same"']
    return "\n".join(lines) + "\n"


def csv_text(n: int, ballots: list[Ballot]) -> str:
    lines = [",".join(f"rank{r + 1}" for r in range(n + 1))]
    for weight, marks in ballots:
        cells = ["" if m is None else NAMES[m] for m in marks]
        row = ",".join(cells + [""] * (n + 1 - len(cells)))
        lines += [row] * weight
    return "\n".join(lines) + "\n"


def run(path: Path, method: str, seats: int) -> tuple[int, dict[str, object] | str]:
    out, err = io.StringIO(), io.StringIO()
    argv = [str(path), "--method", method, "--json", "--tie-break", "lot", "--seed", "s"]
    most = registry.METHODS[method].max_seats
    argv += ["--seats", str(seats if most is None else min(seats, most))]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    if code != cli.EXIT_OK:
        return code, err.getvalue().replace(path.name, "FILE")
    record = json.loads(out.getvalue())
    record.pop("title", None)
    return code, record


@settings(max_examples=40, deadline=None)
@given(elections())
def test_blt_and_csv_of_the_same_ballots_give_the_same_result_for_every_method(
    case: tuple[int, int, list[Ballot]],
) -> None:
    n, seats, ballots = case
    with tempfile.TemporaryDirectory() as folder:
        blt = Path(folder) / "same.blt"
        csv = Path(folder) / "same.csv"
        blt.write_text(blt_text(n, seats, ballots), encoding="utf-8")
        csv.write_text(csv_text(n, ballots), encoding="utf-8")
        for method in registry.NAMES:
            if method == "yna":
                continue
            from_blt = run(blt, method, seats)
            from_csv = run(csv, method, seats)

            assert from_blt == from_csv, method


def odd_lines(n: int) -> st.SearchStrategy[str]:
    """Ballot lines the block reader leaves to the careful one (and plain ones, often)."""
    plain = st.lists(st.integers(1, n), min_size=1, max_size=n, unique=True).map(
        lambda r: " ".join(["1", *map(str, r), "0"])
    )
    odd = st.sampled_from(
        [
            "2 1=2 0",
            "(id7) 1 2 0",
            "1 2 - 1 0",
            "3  1 0",
            " 1 2 0",
            "1 2 0 # note",
            "# only a comment",
            "",
            "1 0",
            "007 2 1 0",
            "1 02 1 0",
            "1234567890 1 0",
        ]
    )
    return st.one_of(plain, plain, odd)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_the_block_reader_gives_the_careful_readers_ballots(data: st.DataObject) -> None:
    n = 3
    body = data.draw(st.lists(odd_lines(n), min_size=0, max_size=30))
    heads = ["3 2", "3 2\n[tie 3 1 2]", "3 2\n-2", "# c\n3 2\n[withdrawn 1]"]
    head = data.draw(st.sampled_from(heads))
    ending = data.draw(st.sampled_from(["\n", "\r\n"]))
    text = ending.join([head, *body, "0", '"A"', '"B"', '"C"', '"Title"', "extra"]) + ending
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "e.blt"
        path.write_bytes(text.encode("utf-8"))
        expected = careful(path)
        got = read_blt(path)

    assert tuple(got.ballots.ballots) == tuple(expected.ballots.ballots)
    assert tuple(got.ballots.weights) == tuple(expected.ballots.weights)
    assert (got.names, got.title, got.comments, got.seats) == (
        expected.names,
        expected.title,
        expected.comments,
        expected.seats,
    )
    assert (got.withdrawn, got.tie_order) == (expected.withdrawn, expected.tie_order)
    for rules in RULES:
        want = to_preferences(expected.ballots, rules, drop=expected.withdrawn).grouped()
        have = got.preferences(rules).grouped()
        assert rows(have.prefs.tolist()) == rows(want.prefs.tolist())
        assert have.weights.tolist() == want.weights.tolist()
        assert have.endings.tolist() == want.endings.tolist()


def rows(prefs: list[list[int]]) -> list[list[int]]:
    """Rows without their padding (the clean form's width may differ)."""
    return [[c for c in row if c != PAD] for row in prefs]


def test_identical_ballot_lines_are_held_once(tmp_path: Path) -> None:
    distinct = ["1 1 2 0", "1 2 1 0", "1 3 0", "2 1 2 0"]
    lines = [distinct[i % 4] for i in range(10_000)]
    path = tmp_path / "many.blt"
    path.write_text("3 1\n" + "\n".join(lines) + '\n0\n"A"\n"B"\n"C"\n', encoding="utf-8")

    election = read_blt(path)

    # "1 1 2 0" and "2 1 2 0" are one ballot: three rows for 10,000 lines.
    held = matrix(election)
    assert held.cells.shape[0] == 3
    assert held.cells.tolist() == [[0, 1], [1, 0], [2, -1]]
    assert held.weights.tolist() == [7_500, 2_500, 2_500]
    assert election.ballots.ballots == (((0,), (1,)), ((1,), (0,)), ((2,),))


def test_weights_are_added_exactly(tmp_path: Path) -> None:
    path = tmp_path / "heavy.blt"
    lines = ["999999999 1 0"] * 3 + [f"{2**62} 2 0"] * 2
    path.write_text("2 1\n" + "\n".join(lines) + '\n0\n"A"\n"B"\n', encoding="utf-8")

    election = read_blt(path)

    assert election.ballots.weights == (3 * 999_999_999, 2 * 2**62)
    assert election.ballots.total_weight == 3 * 999_999_999 + 2**63


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        ("1 4 0", "line 1003: candidate 4 is not between 1 and 3"),
        ("1 1 1 0", "line 1003: candidate 1 is ranked twice"),
        ("0 1 0", "line 1003: ballot weight 0: a weight must be at least 1"),
        ("1 2 00", "line 1003: a ballot line must end with 0"),
    ],
)
def test_an_error_after_many_good_lines_names_its_line(
    tmp_path: Path, bad: str, problem: str
) -> None:
    path = tmp_path / "bad.blt"
    lines = ["1 1 2 0"] * 1001 + [bad] + ["1 2 0"] * 1000
    path.write_text("3 1\n" + "\n".join(lines) + '\n0\n"A"\n"B"\n"C"\n', encoding="utf-8")

    with pytest.raises(BltError) as error:
        read_blt(path)

    assert str(error.value) == problem


def test_a_lone_carriage_return_ends_a_line_as_before(tmp_path: Path) -> None:
    path = tmp_path / "cr.blt"
    path.write_bytes(b'2 1\r1 1 0\r1 2 0\r2 1 0\r0\r"A"\r"B"\r')

    election = read_blt(path)

    assert election.ballots.ballots == (((0,),), ((1,),))
    assert election.ballots.weights == (3, 1)


def test_small_chunks_and_slices_read_the_same_ballots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blt_fast, "CHUNK_BYTES", 16)
    monkeypatch.setattr(blt_fast, "COMPACT_ROWS", 3)
    lines = ["1 1 2 3 0", "2 3 0", "1 2 - 1 0", "1 1 2 3 0", "3 2 1 3 0", "1 2=3 0", "1 3 1 0"]
    path = tmp_path / "e.blt"
    text = "3 2\n" + "\n".join(lines * 5) + '\n0\n"A"\n"B"\n"C"\n"T"\n'
    path.write_text(text, encoding="utf-8")
    plain = tmp_path / "plain.blt"
    plain.write_text(text.replace("1 2 - 1 0", "1 2 1 0").replace("1 2=3 0", "1 2 3 0"))

    for each in (path, plain):
        got, expected = read_blt(each), careful(each)

        assert got.ballots.ballots == expected.ballots.ballots
        assert got.ballots.weights == expected.ballots.weights
    assert len(matrix(read_blt(plain)).cells) == 6  # 35 lines, 6 distinct ballots


def read_both(path: Path) -> tuple[Election | str, Election | str]:
    """What the block reader and the careful reader make of `path`: an election or an error."""
    results: list[Election | str] = []
    for reader in (read_blt, careful):
        try:
            results.append(reader(path))
        except BltError as error:
            results.append(str(error))
    return results[0], results[1]


def ballot_lines(n: int, depth: int) -> st.SearchStrategy[tuple[str, bool]]:
    """Plain ballot lines of `n` candidates (True), now and then (False) one the careful reader
    refuses or a line the block reader sets aside."""
    weight = st.one_of(
        st.just("1"), st.integers(1, 99).map(str), st.integers(1, 999_999_999).map(str)
    )
    ranking = st.permutations(range(1, n + 1)).flatmap(
        lambda order: st.integers(0, depth).map(lambda k: [str(c) for c in order[:k]])
    )
    plain = st.tuples(weight, ranking).map(lambda wr: (" ".join([wr[0], *wr[1], "0"]), True))
    odd = st.sampled_from(
        [
            f"1 {n} 1 {n} 0",  # a repeat
            f"1 {n + 1} 0",  # past the last candidate
            "1 0 0",  # a candidate 0
            "0 1 0",  # weight 0
            "1 1 00",  # not the closing 0
            "1 1 2",  # no closing 0
            "7",  # one number
            "00",  # not the end
            "1 01 0",  # a leading zero
            "0003 1 0",
            "1234567890 1 0",  # a weight of ten digits
            f"{'9' * 45} 1 0",  # past the careful reader's limit
            "1 1=2 0",
            "(id) 2 1 0",
            "1 2 - 1 0",
            "1 2 0 # note",
            "",
            "  ",
            " 1 2 0",
            "1  2 0",
            "1 2 0 ",
        ]
    ).map(lambda line: (line, False))
    return st.one_of(plain, plain, plain, odd)


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from([(3, 3), (5, 5), (20, 20), (40, 10), (70, 12)]),
    st.data(),
    st.sampled_from([16, 40, 1 << 18]),
)
def test_the_scan_and_the_careful_reader_agree_on_random_files(
    shape: tuple[int, int], data: st.DataObject, chunk: int
) -> None:
    n, depth = shape
    body = data.draw(st.lists(ballot_lines(n, depth), max_size=40))
    end = data.draw(st.sampled_from(["0", "0", " 0", "0 # end"]))
    names = [f'"C{i}"' for i in range(n)]
    text = "\n".join([f"{n} 2", *(line for line, _ in body), end, *names, '"Title"'])
    text += data.draw(st.sampled_from(["\n", ""]))
    with tempfile.TemporaryDirectory() as folder, mock.patch.object(blt_fast, "CHUNK_BYTES", chunk):
        path = Path(folder) / "e.blt"
        path.write_text(text, encoding="utf-8")
        got, expected = read_both(path)

    if isinstance(expected, str):
        assert got == expected
        return
    assert isinstance(got, Election)
    if end == "0" and all(plain for _, plain in body):
        assert matrix(got).regular  # read as a block, without the careful reader
    assert got.ballots.ballots == expected.ballots.ballots
    assert got.ballots.weights == expected.ballots.weights
    assert (got.names, got.title) == (expected.names, expected.title)
    for rules in RULES:
        want = to_preferences(expected.ballots, rules, drop=expected.withdrawn).grouped()
        have = got.preferences(rules).grouped()
        assert rows(have.prefs.tolist()) == rows(want.prefs.tolist())
        assert have.weights.tolist() == want.weights.tolist()


@pytest.mark.parametrize("n", [3, 40, 63, 64, 200, 70_000])
def test_plain_lines_of_any_number_of_candidates_are_read_as_a_block(
    tmp_path: Path, n: int
) -> None:
    # Deep rankings take several words of key; 64 or more candidates, a check by sorting.
    depth = min(n, 25)
    top = list(range(n, n - depth, -1))
    lines = [
        " ".join(["1", *map(str, top), "0"]),
        " ".join(["2", *map(str, top[:-1]), "0"]),
        " ".join(["3", *map(str, top), "0"]),
        f"4 1 {n} 0",
        "5 0",
    ]
    path = tmp_path / "wide.blt"
    names = "\n".join(f'"C{i}"' for i in range(n))
    path.write_text(f"{n} 1\n" + "\n".join(lines) + f"\n0\n{names}\n", encoding="utf-8")

    election = read_blt(path)

    held = matrix(election)
    assert held.regular
    assert election.ballots.ballots == (
        tuple((c - 1,) for c in top),
        tuple((c - 1,) for c in top[:-1]),
        ((0,), (n - 1,)),
    )
    assert election.ballots.weights == (4, 2, 4)
    expected = careful(path).ballots
    assert (election.ballots.ballots, election.ballots.weights) == (
        expected.ballots,
        expected.weights,
    )


@pytest.mark.parametrize("n", [40, 70])
def test_a_repeat_deep_in_a_long_ranking_is_refused(tmp_path: Path, n: int) -> None:
    ranking = [str(c) for c in range(1, 15)] + ["3"]
    lines = ["1 1 2 0"] * 100 + [" ".join(["1", *ranking, "0"])]
    path = tmp_path / "deep.blt"
    names = "\n".join(f'"C{i}"' for i in range(n))
    path.write_text(f"{n} 1\n" + "\n".join(lines) + f"\n0\n{names}\n", encoding="utf-8")

    with pytest.raises(BltError) as error:
        read_blt(path)

    assert str(error.value) == "line 102: candidate 3 is ranked twice"


def test_the_ballots_end_at_the_first_line_that_is_exactly_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blt_fast, "CHUNK_BYTES", 8)
    path = tmp_path / "end.blt"
    path.write_bytes(b'2 1\n1 1 0\n1 2 0\n0\n"A"\n"B"\n"T"\n0\n"x"')

    election = read_blt(path)

    assert isinstance(election.ballots, LazyRawBallots)
    assert election.ballots.ballots == (((0,),), ((1,),))
    assert (election.title, election.comments) == ("T", ("x", "0"))


def test_a_file_without_a_last_newline_is_read_as_a_block(tmp_path: Path) -> None:
    path = tmp_path / "cut.blt"
    path.write_bytes(b'2 1\n2 1 2 0\n1 2 0\n0\n"A"\n"B"')

    election = read_blt(path)

    assert matrix(election).cells.tolist() == [[0, 1], [1, -1]]
    assert election.ballots.weights == (2, 1)
    assert election.names == ("A", "B")


def test_the_clean_form_of_plain_lines_cannot_be_written_to(tmp_path: Path) -> None:
    path = tmp_path / "e.blt"
    path.write_text('2 1\n1 1 2 0\n1 2 0\n0\n"A"\n"B"\n', encoding="utf-8")
    prefs = read_blt(path).preferences(RULES[1])

    with pytest.raises(ValueError, match="read-only"):
        prefs.prefs[0, 0] = 1


def test_rankings_deeper_than_a_key_holds_are_read_one_distinct_line_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blt_fast, "MAX_KEY_WORDS", 1)  # 10 ranks of 40 candidates
    deep = " ".join(map(str, range(40, 0, -1)))
    lines = ["1 1 2 0", f"1 {deep} 0", "2 3 0", f"3 {deep} 0", "1 2 1 0"] * 50
    path = tmp_path / "deep.blt"
    names = "\n".join(f'"C{i}"' for i in range(40))
    path.write_text("40 3\n" + "\n".join(lines) + f"\n0\n{names}\n", encoding="utf-8")

    election = read_blt(path)

    expected = careful(path)
    assert election.ballots.ballots == expected.ballots.ballots
    assert election.ballots.weights == expected.ballots.weights == (50, 200, 100, 50)
    assert not matrix(election).regular  # the deep lines were set aside


def test_a_plain_line_of_more_ranks_than_candidates_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "many.blt"
    path.write_text('2 1\n1 1 2 0\n1 1 2 1 2 1 0\n0\n"A"\n"B"\n', encoding="utf-8")

    with pytest.raises(BltError) as error:
        read_blt(path)

    assert str(error.value) == "line 3: candidate 1 is ranked twice"


def test_memory_beyond_the_file_does_not_grow_with_its_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blt_fast, "COMPACT_ROWS", 1 << 14)
    extra = []
    for lines in (100_000, 400_000):
        path = tmp_path / f"{lines}.blt"
        body = "\n".join(["1 1 2 3 0", "1 2 3 0", "1 3 1 0", "2 1 0"] * (lines // 4))
        path.write_text(f'3 1\n{body}\n0\n"A"\n"B"\n"C"\n', encoding="utf-8")
        tracemalloc.start()
        try:
            election = read_blt(path)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert election.ballots.weights == (lines // 4, lines // 4, lines // 4, lines // 2)
        extra.append(peak - path.stat().st_size)  # the file's bytes are held while reading

    # Four times the lines: the same chunk's arrays and keys beyond the four distinct ballots.
    assert extra[1] < extra[0] * 1.1
