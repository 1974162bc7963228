"""`moim tally` answers every file and option with a result or a one-line error (exit 2).

Each case here is a file or an option that once ended in a traceback, a silently wrong count
(weights wrapped past 64 bits) or a result for nothing at all.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from moim.tally import cli

NUMPY_METHODS = ("irv", "stv-scottish", "stv-meek", "stv-wigm", "schulze")
EXACT_METHODS = ("plurality", "block", "approval")

# Two distinct ballots of 2**62 each for A: each fits in int64, their sum does not.
WIDE = """2 1
4611686018427387904 1 0
4611686018427387904 1 2 0
0
"A"
"B"
"wsum"
"""


def run(capsys: pytest.CaptureFixture[str], path: Path, *argv: str) -> tuple[int, str, str]:
    code = cli.main([str(path), *argv, "--no-progress"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_refused(code: int, out: str, err: str, *fragments: str) -> None:
    """Exit 2, nothing on stdout, one line on stderr holding every fragment."""
    assert (code, out) == (cli.EXIT_INPUT, "")
    assert err.count("\n") == 1, err
    assert err.startswith("moim tally: ")
    for fragment in fragments:
        assert fragment in err


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize("method", NUMPY_METHODS)
def test_weights_beyond_64_bits_are_refused_before_counting(
    method: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "wsum.blt", WIDE)

    code, out, err = run(capsys, path, "--method", method)

    assert_refused(code, out, err, "wsum.blt", "weigh 9223372036854775808 in all", "at most")


@pytest.mark.parametrize("method", EXACT_METHODS)
def test_weights_beyond_64_bits_are_counted_exactly_by_single_round_methods(
    method: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        "w.blt",
        WIDE.replace("4611686018427387904 1 2 0", "4611686018427387904 1 0\n1 2 0"),
    )

    code, out, _ = run(capsys, path, "--method", method, "--json")

    record = json.loads(out)
    assert code == cli.EXIT_OK
    assert record["elected"] == ["A"]
    assert record["rounds"][0]["votes"]["A"] == str(2**63)


def test_a_motion_weighing_more_than_28_digits_is_counted_exactly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "m.yna", f"yes {10**39}\nno {10**39 - 1}\n")

    code, out, _ = run(capsys, path, "--method", "yna", "--json")

    record = json.loads(out)
    assert code == cli.EXIT_OK
    assert record["details"]["verdict"] == "adopted"
    assert record["valid_weight"] == str(2 * 10**39 - 1)


def _two_seats(weight: int) -> str:
    return f'3 2\n{weight} 1 2 0\n1 3 0\n0\n"A"\n"B"\n"C"\n'


def test_scottish_stv_refuses_a_weight_whose_transfer_would_overflow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A surplus of ~6.7e8 votes times a paper's value (10**5 units) times 10**5: past int64.
    path = write(tmp_path, "big.blt", _two_seats(10**9))

    code, out, err = run(capsys, path, "--method", "stv-scottish")

    assert_refused(code, out, err, "Scottish STV counts at most 922337203 exactly")


def test_scottish_stv_counts_exactly_up_to_its_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "big.blt", _two_seats(922_337_202))

    code, out, _ = run(capsys, path, "--method", "stv-scottish", "--json")

    record = json.loads(out)
    assert code == cli.EXIT_OK
    assert record["quota"] == "307445735.00000"  # ⌊922337203 / 3⌋ + 1
    assert record["elected"] == ["A", "B"]
    # each paper moves at 614891467 / 922337202 = 0.66666 (truncated, rule 48)
    assert record["rounds"][1]["votes"]["B"] == "614885319.08532"


def test_reference_meek_refuses_a_total_its_int64_credits_cannot_hold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "big.blt", _two_seats(10**10))

    code, out, err = run(capsys, path, "--method", "stv-meek")

    assert_refused(code, out, err, "reference Meek STV counts at most 9223372036 exactly")


BAD_FILES: list[tuple[str, str, str | bytes, tuple[str, ...], str]] = [
    ("not UTF-8 BLT", "bad.blt", b'2 1\n\xff\xfe 1 0\n0\n"A"\n"B"\n', (), "not UTF-8"),
    ("not UTF-8 CSV", "bad.csv", b"rank1\n\xff\n", (), "not UTF-8"),
    ("not UTF-8 motion", "bad.yna", b"yes\n\xff\n", ("--method", "yna"), "not UTF-8"),
    ("empty BLT", "empty.blt", "", (), "the file is empty"),
    ("empty CSV", "empty.csv", "", (), "the file is empty"),
    ("empty motion", "empty.yna", "", ("--method", "yna"), "no votes: nothing to count"),
    ("truncated BLT", "cut.blt", "2 1\n1 1 0\n", (), "line 2: the ballots do not end"),
    ("negative weight", "neg.blt", '2 1\n3 1 0\n-1 2 0\n0\n"A"\n"B"\n', (), "line 3"),
    ("zero weight", "zero.blt", '2 1\n0 1 0\n0\n"A"\n"B"\n', (), "line 2: ballot weight 0"),
    ("zero motion weight", "z.yna", "yes 0\n", ("--method", "yna"), "line 1: the weight"),
    ("negative motion weight", "n.yna", "no -3\n", ("--method", "yna"), "line 1: the weight"),
    ("duplicate ranking", "dup.blt", '2 1\n1 1 2 1 0\n0\n"A"\n"B"\n', (), "ranked twice"),
    ("duplicate in equal ranks", "eq.blt", '2 1\n1 1=1 0\n0\n"A"\n"B"\n', (), "ranked twice"),
    ("unknown candidate", "unk.blt", '2 1\n1 3 0\n0\n"A"\n"B"\n', (), "candidate 3 is not"),
    ("zero seats", "s0.blt", '2 0\n1 1 0\n0\n"A"\n"B"\n', (), "at least 1"),
    ("seats over candidates", "s3.blt", '2 3\n1 1 0\n0\n"A"\n"B"\n', (), "3 seats but only 2"),
    ("CSV without header", "nohead.csv", "Ann,Bob\nBob,Ann\n", (), "line 1: header column 1"),
    ("huge header", "h.blt", f'{"9" * 500} 1\n0\n"A"\n', (), "500 digits"),
    ("huge weight", "w.blt", f'1 1\n{"9" * 5000} 1 0\n0\n"A"\n', (), "5000 digits"),
    ("huge candidate", "c.blt", f'2 1\n1 {"7" * 60} 0\n0\n"A"\n"B"\n', (), "60 digits"),
    ("huge withdrawal", "d.blt", f'2 1\n-{"7" * 60}\n0\n"A"\n"B"\n', (), "60 digits"),
    ("huge motion weight", "h.yna", f"yes {'9' * 5000}\n", ("--method", "yna"), "5000 digits"),
    ("all withdrawn", "w.blt", '2 1\n-1 -2\n1 1 0\n0\n"A"\n"B"\n', (), "every candidate"),
    ("no ballots", "none.blt", '2 1\n0\n"A"\n"B"\n', (), "nothing to count"),
    ("only empty ballots", "e.blt", '2 1\n5 0\n0\n"A"\n"B"\n', (), "nothing to count"),
    ("votes for withdrawn only", "v.blt", '2 1\n-2\n4 2 0\n0\n"A"\n"B"\n', (), "nothing to count"),
    ("CSV of blank rows", "blank.csv", "rank1,rank2\n,\n,\n", (), "nothing to count"),
    ("seats over standing", "st.blt", '3 2\n-1 -2\n1 3 0\n0\n"A"\n"B"\n"C"\n', (), "standing"),
    ("CSV seats over candidates", "s.csv", "rank1\nAnn\nBob\n", ("--seats", "3"), "3 seats"),
    ("repeated tie order", "t.blt", '2 1\n[tie 1 1]\n1 1 0\n0\n"A"\n"B"\n', (), "[tie] names"),
]


@pytest.mark.parametrize(
    ("name", "content", "argv", "fragment"),
    [case[1:] for case in BAD_FILES],
    ids=[case[0] for case in BAD_FILES],
)
def test_a_bad_file_gets_one_line_naming_it_and_exit_2(
    name: str,
    content: str | bytes,
    argv: tuple[str, ...],
    fragment: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write(tmp_path, name, content)
    method = () if "--method" in argv else ("--method", "stv-scottish")

    code, out, err = run(capsys, path, *method, *argv)

    assert_refused(code, out, err, name, fragment)


BAD_OPTIONS: list[tuple[str, tuple[str, ...], str]] = [
    ("quorum 1/0", ("--method", "yna", "--quorum", "1/0", "--entitled", "3"), "--quorum '1/0'"),
    ("quorum nan", ("--method", "yna", "--quorum", "nan", "--entitled", "3"), "--quorum 'nan'"),
    ("quorum exponent", ("--method", "yna", "--quorum", "1e999999999", "--entitled", "3"), "1e9"),
    ("quorum above 1", ("--method", "yna", "--quorum", "3/2", "--entitled", "3"), "at most 1"),
    ("negative entitled", ("--method", "yna", "--entitled", "-1"), "--entitled must be"),
    ("missing config", ("--method", "irv", "--config", "/no/such.json"), "/no/such.json"),
    ("seats not a number", ("--method", "irv", "--seats", "x"), "argument --seats"),
    ("unknown method", ("--method", "borda"), "argument --method"),
    ("no method", (), "--method"),
    ("huge seats", ("--method", "stv-meek", "--seats", "9" * 30), "seats but only"),
]


@pytest.mark.parametrize(
    ("argv", "fragment"), [case[1:] for case in BAD_OPTIONS], ids=[c[0] for c in BAD_OPTIONS]
)
def test_a_bad_option_gets_one_line_and_exit_2(
    argv: tuple[str, ...], fragment: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    yna = write(tmp_path, "m.yna", "yes\nno 2\n")
    blt = write(tmp_path, "e.blt", '2 1\n1 1 0\n0\n"A"\n"B"\n')
    path = yna if "yna" in argv else blt

    code, out, err = run(capsys, path, *argv)

    assert_refused(code, out, err, fragment)


def test_a_config_that_is_not_utf8_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "b.csv", "rank1\nAnn\n")
    config = write(tmp_path, "c.json", b"\xff{}")

    code, out, err = run(capsys, path, "--method", "irv", "--config", str(config))

    assert_refused(code, out, err, "b.csv")


def test_a_config_nested_too_deeply_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "b.csv", "rank1\nAnn\n")
    config = write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000)

    code, out, err = run(capsys, path, "--method", "irv", "--config", str(config))

    assert_refused(code, out, err, "deep.json", "nests too deeply")


LIMITS = [
    ("stv-scottish", (), 922_337_203),
    ("stv-wigm", (), 92_233_720_368),
    ("stv-wigm", ("--arithmetic", "rational"), 2**53 - 1),
    ("stv-meek", (), 9_223_372_036),
    ("stv-meek", ("--arithmetic", "rational"), 2**53 - 1),
    ("irv", (), 2**53 - 1),
    ("schulze", (), 2**53 - 1),
]


@pytest.mark.parametrize(("method", "argv", "limit"), LIMITS)
def test_each_method_counts_up_to_its_documented_limit_and_refuses_past_it(
    method: str,
    argv: tuple[str, ...],
    limit: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    at = write(tmp_path, "at.blt", f'2 1\n{limit - 1} 1 0\n1 2 0\n0\n"A"\n"B"\n')
    past = write(tmp_path, "past.blt", f'2 1\n{limit} 1 0\n1 2 0\n0\n"A"\n"B"\n')

    code, out, _ = run(capsys, at, "--method", method, "--json", *argv)
    refused = run(capsys, past, "--method", method, *argv)

    assert code == cli.EXIT_OK
    assert json.loads(out)["elected"] == ["A"]
    assert_refused(*refused, "past.blt", f"weigh {limit + 1} in all", f"at most {limit} exactly")
