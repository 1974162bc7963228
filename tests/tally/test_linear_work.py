"""The work of a count grows linearly where it can: measured in operations, not in seconds.

`work()` runs a count under `sys.monitoring` and adds up what the engine does: each line and
each backward jump (a loop's turn) executed in `moim.tally`, and the size of every container a
built-in function is handed or bound to (``set(standing)``, ``names.index(x)``,
``hopeful.remove(c)``), so a loop hidden in C is counted too. Doubling the input must about
double the work; a loop over candidates inside a loop over candidates would quadruple it.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import sys
import types
from collections.abc import Callable, Sized
from pathlib import Path
from types import CodeType

import pytest

import moim.tally
from moim.tally import cli, registry
from moim.tally.ballots import Candidate, Election, group_raw
from moim.tally.ties import TieBreaker

TALLY = str(Path(moim.tally.__file__).parent)
TOOL = 4  # a sys.monitoring tool id no debugger, coverage tool or profiler claims
LINEAR = 2.3  # doubling the input may cost at most this factor (quadratic would be 4)
SCANS_ITS_OWNER = frozenset({"index", "remove", "count", "insert", "copy"})
"""Built-in methods that walk the whole list or tuple they belong to (a dict's `get` does not)."""
SCANS_ITS_ARGUMENT = frozenset(
    {"set", "frozenset", "sorted", "list", "tuple", "sum", "min", "max", "any", "all", "fromkeys"}
)
"""Built-in functions that walk the whole container they are handed."""
OWNER_FIRST = (types.MethodDescriptorType, types.WrapperDescriptorType)
"""Called through its type (``list.remove`` on ``x.remove(c)``), a method's first argument is
the object it belongs to."""


def _scanned(function: object, first: object) -> int:
    """How many items the built-in `function` walks when called with `first` first."""
    name = getattr(function, "__name__", "")
    if isinstance(function, OWNER_FIRST):
        target = first if name in SCANS_ITS_OWNER else None
    elif isinstance(function, types.BuiltinMethodType) and name in SCANS_ITS_OWNER:
        target = getattr(function, "__self__", None)
    elif isinstance(function, types.BuiltinFunctionType | type) and name in SCANS_ITS_ARGUMENT:
        target = first
    else:
        target = None  # an O(1) built-in, or Python code (whose lines are counted)
    if isinstance(target, Sized) and not isinstance(target, str | bytes):
        return len(target)
    return 0


def work(action: Callable[[], object]) -> int:
    """Operations `action` performs inside the counting engine (see the module docstring)."""
    monitoring = sys.monitoring
    events = monitoring.events
    total = 0

    def on_line(code: CodeType, line: int) -> object:
        nonlocal total
        if not code.co_filename.startswith(TALLY):
            return monitoring.DISABLE
        total += 1
        return None

    def on_jump(code: CodeType, offset: int, target: int) -> object:
        nonlocal total
        if not code.co_filename.startswith(TALLY):
            return monitoring.DISABLE
        total += target < offset
        return None

    def on_call(code: CodeType, offset: int, function: object, first: object) -> object:
        nonlocal total
        if not code.co_filename.startswith(TALLY):
            return monitoring.DISABLE
        total += _scanned(function, first)
        return None

    monitoring.use_tool_id(TOOL, "moim-tally-work")
    try:
        monitoring.restart_events()
        monitoring.register_callback(TOOL, events.LINE, on_line)
        monitoring.register_callback(TOOL, events.JUMP, on_jump)
        monitoring.register_callback(TOOL, events.CALL, on_call)
        monitoring.set_events(TOOL, events.LINE | events.JUMP | events.CALL)
        action()
    finally:
        monitoring.set_events(TOOL, 0)
        for event in (events.LINE, events.JUMP, events.CALL):
            monitoring.register_callback(TOOL, event, None)
        monitoring.free_tool_id(TOOL)
    return total


def many_candidates_blt(path: Path, n: int) -> Path:
    """n candidates, one ballot for each, and two more for the first (a clear winner)."""
    lines = [f"{n} 1", "2 1 0", *(f"1 {i + 1} 0" for i in range(n)), "0"]
    lines += [f'"Candidate {i + 1}"' for i in range(n)] + ['"Many candidates"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cli_run(path: Path, method: str) -> Callable[[], object]:
    def action() -> object:
        with contextlib.redirect_stdout(io.StringIO()):
            code = cli.main([str(path), "--method", method, "--no-progress", "--json"])
        assert code == cli.EXIT_OK
        return code

    return action


@pytest.mark.parametrize("method", ["plurality", "block", "approval"])
def test_single_round_methods_work_linearly_in_candidates(method: str, tmp_path: Path) -> None:
    small = many_candidates_blt(tmp_path / "small.blt", 300)
    large = many_candidates_blt(tmp_path / "large.blt", 600)

    ratio = work(cli_run(large, method)) / work(cli_run(small, method))

    assert ratio < LINEAR


QUADRATIC = """
def plurality(n):
    standing = list(range(n))
    totals = dict.fromkeys(standing, 0)
    for ballot in range(n):
        for c in {ballot} & set(standing):
            totals[c] += 1
    return totals
"""


def test_the_measure_sees_a_loop_over_candidates_hidden_in_a_builtin() -> None:
    # the shape of the old plurality, its standing set rebuilt for every ballot, compiled as
    # if it were part of the engine
    space: dict[str, Callable[[int], object]] = {}
    exec(compile(QUADRATIC, f"{TALLY}/quadratic.py", "exec"), space)
    plurality = space["plurality"]

    assert work(lambda: plurality(600)) / work(lambda: plurality(300)) > 3.5


def ranked_election(ballots: int) -> Election:
    """`ballots` distinct rankings of 8 candidates, 4 or 5 deep, weights 1 to 3."""
    rankings = itertools.islice(
        (
            p
            for depth in (4, 5)
            for p in itertools.permutations(range(8), depth)
            if p[0] != 7  # the last candidate has no first preference: excluded first
        ),
        ballots,
    )
    raw = group_raw((tuple((c,) for c in ranking), 1 + n % 3) for n, ranking in enumerate(rankings))
    assert len(raw) == ballots
    candidates = tuple(Candidate(f"C{i}") for i in range(8))
    return Election("ranked", candidates, 2, raw)


@pytest.mark.parametrize("method", ["irv", "stv-scottish", "stv-wigm", "stv-meek", "schulze"])
def test_ranked_methods_work_linearly_in_distinct_ballots(method: str) -> None:
    chosen = registry.get(method)

    def count(ballots: int) -> Callable[[], object]:
        election = ranked_election(ballots)
        return lambda: chosen.count(election, tie_breaker=TieBreaker.by_lot("linear"))

    assert work(count(4000)) / work(count(2000)) < LINEAR
