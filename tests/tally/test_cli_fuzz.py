"""Property: `moim tally` answers any file, for every method, with a result or a one-line error.

Arbitrary bytes and small texts shaped like BLT, CVR CSV and motion files go to the command's
entry point in-process; the exit status is 0 (counted) or 3 (stopped on a tie for the chair)
with a result on stdout, or 2 with one line on stderr naming the file. Any other exception fails.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from moim.tally import cli, registry

ODD_NUMBERS = ["0", "-1", "+1", "1.5", "x", "9" * 25, str(2**62), str(2**63), "٣"]
NAMES = ("A", "B", "C", "D")


def sometimes(draw: st.DrawFn, usual: st.SearchStrategy[str], odd: list[str]) -> str:
    """Usually a well-formed value; one time in six an odd one (so that most files count)."""
    if draw(st.integers(min_value=0, max_value=5)) == 0:
        return draw(st.sampled_from(odd))
    return draw(usual)


@st.composite
def blt_texts(draw: st.DrawFn) -> str:
    """Mostly well-formed BLT (so that the counts run), with faults drawn in now and then."""
    n = draw(st.integers(min_value=1, max_value=4))
    seats = sometimes(draw, st.integers(min_value=1, max_value=n).map(str), ["0", "5", "x", ""])
    lines = [f"{n} {seats}"]
    lines += [sometimes(draw, st.just(""), ["-1", "[withdrawn 2]", "[tie 2 1]", "-9", "[x 1]"])]
    odd_cells = ["-", "1=2", "2=1", str(n + 1), "0", "a", "1"]
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        weight = sometimes(draw, st.integers(min_value=1, max_value=3).map(str), ODD_NUMBERS)
        ranks = draw(st.permutations([str(c + 1) for c in range(n)]))
        ranks = ranks[: draw(st.integers(min_value=0, max_value=n))]
        ranks += [sometimes(draw, st.just(""), odd_cells)]
        end = sometimes(draw, st.just("0"), ["", "5"])
        lines.append(" ".join([weight, *filter(None, ranks), end]))
    lines.append(sometimes(draw, st.just("0"), ["", "1 1 0"]))
    names = [*NAMES[:n], "Title"]
    if draw(st.integers(min_value=0, max_value=5)) == 0:
        names = draw(st.lists(st.sampled_from([*NAMES, "A"]), max_size=n + 1))
    lines.extend(f'"{name}"' for name in names)
    return "\n".join(lines) + "\n"


@st.composite
def csv_texts(draw: st.DrawFn) -> str:
    """CVR CSV: a rank header and rows of names, blanks, overvotes, write-ins, now and then
    a row of the wrong width or a stray quote."""
    width = draw(st.integers(min_value=1, max_value=3))
    header = ",".join(f"rank{i + 1}" for i in range(width))
    header = draw(st.sampled_from([header, header, "id,precinct," + header, "A,B", ""]))
    cells = st.sampled_from([*NAMES[:3], "", "overvote", "UWI", "A|B", "B|B", '"', "Ä"])
    rows = draw(
        st.lists(
            st.lists(cells, min_size=width, max_size=width)
            | st.lists(cells, min_size=1, max_size=width + 1),
            max_size=6,
        )
    )
    return header + "\n" + "".join(",".join(row) + "\n" for row in rows)


MOTION_LINES = st.lists(
    st.tuples(
        st.sampled_from(["yes", "no", "abstain", "YES", "maybe", ""]),
        st.sampled_from(["", "", "1", "3", "2", "", *ODD_NUMBERS]),
    ),
    max_size=5,
).map(lambda rows: "".join(f"{a} {w}\n" for a, w in rows))

FILES = st.one_of(
    st.tuples(st.sampled_from([".blt", ".csv", ".yna"]), st.binary(max_size=120)),
    st.tuples(st.just(".blt"), blt_texts().map(str.encode)),
    st.tuples(st.just(".csv"), csv_texts().map(str.encode)),
    st.tuples(st.just(".yna"), MOTION_LINES.map(str.encode)),
)
OPTIONS = st.sampled_from(
    [
        (),
        ("--tie-break", "lot", "--seed", "s"),
        ("--tie-break", "order", "--tie-order", "2,A,1"),
        ("--tie-decisions", "B,lot:s,1"),
        ("--seats", "2"),
        ("--arithmetic", "rational", "--batch"),
        ("--format", "csv"),
        ("--format", "blt", "--batchElimination", "--maxSkippedRanksAllowed", "0"),
        ("--majority", "two-thirds", "--quorum", "1/2", "--entitled", "4", "--present", "3"),
    ]
)


def tally(path: Path, argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([str(path), *argv])
    return code, out.getvalue(), err.getvalue()


@settings(max_examples=150)
@given(file=FILES, options=OPTIONS)
def test_every_method_answers_any_file_with_a_result_or_one_line(
    file: tuple[str, bytes], options: tuple[str, ...]
) -> None:
    suffix, content = file
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"ballots{suffix}"
        path.write_bytes(content)
        for method in registry.NAMES:
            code, out, err = tally(path, ["--method", method, "--no-progress", *options])

            if code == cli.EXIT_INPUT:
                assert out == ""
                assert err.count("\n") == 1, err
                assert err.startswith("moim tally: ")
            else:
                assert code in (cli.EXIT_OK, cli.EXIT_TIE)
                assert err == ""
                assert (
                    out.rstrip().splitlines()[-1].startswith(("Elected:", "Stopped:", "Verdict:"))
                )
