"""Counting benchmarks (`make bench`): figures for docs/benchmarks.md.

Seeded random CVR CSV files (40 candidates, rankings 1 to 10 deep) of 10,000, 100,000 and
1,000,000 ballots, and the Minneapolis 2013 mayoral ballots repeated 13 times (1,041,313 ballots),
are written to bench-data/ (not kept in the repository). Each measurement runs in a fresh
process so that its peak memory is its own. IRV and 17-seat Scottish STV are timed end to end
(read the file, then count) and for the count alone; pyrankvote counts the same ballots at 10,000
and 100,000 ballots only (it is pure Python and far slower), and the elected sets are compared.

Many candidates: BLT files of 30,000 and 60,000 candidates (one ballot each, two more for the
first) counted by plurality, block vote and approval through `moim tally` in-process (read,
count, JSON record): the work must grow linearly, so doubling the candidates about doubles
the time. `--only-candidates` runs that part alone; it has its own table.

    python bench/counting.py [--sizes 10000,100000,1000000] [--out docs/benchmarks.md]
    python bench/counting.py --only-candidates [--candidates 30000,60000]
    python bench/counting.py --only-blt [--blt-size 1000000]

BLT beside CSV: the 1,000,000 random ballots also written as a BLT file (one line per ballot),
both counted by 17-seat Scottish STV end to end, each against a plain `bytes.split()` of its own
file in the same process (median of three fresh processes). `--only-blt` runs that part alone.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":  # run as a script (and each measurement's child process): find moim
    sys.path[:0] = [str(ROOT / "src")]

from moim.tally import cli  # noqa: E402
from moim.tally.formats.blt import read_blt  # noqa: E402
from moim.tally.formats.cvr import read_cvr  # noqa: E402
from moim.tally.matrix import CvrBallots  # noqa: E402
from moim.tally.methods.irv import count_cvr, prepare_cvr, tabulate  # noqa: E402
from moim.tally.methods.rctab import load_config  # noqa: E402
from moim.tally.methods.stv_common import STV_RULES  # noqa: E402
from moim.tally.methods.stv_scottish import count_scottish_stv  # noqa: E402
from moim.tally.result import Result  # noqa: E402
from moim.tally.ties import TieBreaker  # noqa: E402

CANDIDATES = 40
DEPTH = 10
SEATS = 17
SEED = 20261125
PYRANKVOTE_LIMIT = 100_000
REPEAT = 13
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
DEFAULT_CANDIDATES = (30_000, 60_000)
BLT_SIZE = 1_000_000
SINGLE_ROUND = ("plurality", "block", "approval")
LOT = TieBreaker.by_lot("bench")  # random files have ties among weak candidates


def candidate_names() -> list[str]:
    return [f"Candidate {i + 1:02d}" for i in range(CANDIDATES)]


def generate(path: Path, ballots: int, *, seed: int = SEED) -> None:
    """A CVR CSV of `ballots` random rankings: candidates drawn without replacement, weighted by
    a popularity that varies from candidate to candidate, 1 to `DEPTH` ranks deep."""
    rng = np.random.default_rng(seed)
    popularity = rng.dirichlet(np.full(CANDIDATES, 0.8))
    names = candidate_names()
    depth = rng.integers(1, DEPTH + 1, size=ballots)
    lines = ["id,precinct," + ",".join(f"rank{r}" for r in range(1, DEPTH + 1))]
    step = 100_000
    for start in range(0, ballots, step):
        count = min(step, ballots - start)
        # Gumbel-top-k: sampling without replacement in proportion to popularity.
        keys = np.log(popularity) + rng.gumbel(size=(count, CANDIDATES))
        order = np.argsort(-keys, axis=1)[:, :DEPTH]
        for i, row in enumerate(order.tolist()):
            d = int(depth[start + i])
            cells = [names[c] for c in row[:d]] + [""] * (DEPTH - d)
            lines.append(f"{start + i + 1},P{(start + i) % 50:02d}," + ",".join(cells))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def repeat_file(source: Path, target: Path, times: int) -> None:
    """`source` CVR CSV with its rows written `times` times, ids renumbered."""
    header, *rows = source.read_text(encoding="utf-8").splitlines()
    bodies = [row.split(",", 1)[1] for row in rows if row]
    out = [header]
    number = 0
    for _ in range(times):
        for body in bodies:
            number += 1
            out.append(f"{number},{body}")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(out) + "\n", encoding="utf-8")


Timing = tuple[float, float]  # wall-clock seconds, CPU seconds of this process


def _timed(action: Callable[[], Any]) -> tuple[Any, Timing]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = action()
    return value, (time.perf_counter() - wall, time.process_time() - cpu)


def _plus(a: Timing, b: Timing) -> Timing:
    return a[0] + b[0], a[1] + b[1]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(kind: str, path: Path) -> dict[str, Any]:
    """One measurement, in this process: read + count, then the count alone."""
    if kind == "irv":
        cvr, read = _timed(lambda: read_cvr(path, progress=False))
        (prefs, contest), prepare = _timed(lambda: prepare_cvr(cvr))
        result, count = _timed(lambda: tabulate(prefs, contest, ties=LOT))
        return _report(_plus(read, prepare), count, result)
    if kind == "stv":
        cvr, read = _timed(lambda: read_cvr(path, progress=False))
        election, convert = _timed(lambda: cvr.election(seats=SEATS))
        prefs, clean = _timed(lambda: election.preferences(STV_RULES))
        convert = _plus(convert, clean)
        # The clean form built as a block by the reader (CvrBallots.election) is handed over.
        result, count = _timed(
            lambda: count_scottish_stv(election, tie_breaker=LOT, preferences=prefs)
        )
        return _report(_plus(read, convert), count, result)
    if kind == "minneapolis":
        config = load_config(_minneapolis() / "rctab-config.json")
        cvr, read = _timed(lambda: read_cvr(path, candidates=config.names, progress=False))
        result, count = _timed(lambda: count_cvr(cvr, rules=config.rules))
        report = _report(read, count, result)
        report["check"] = _check_minneapolis(result)
        return report
    if kind in ("pyrankvote-irv", "pyrankvote-stv"):
        return _pyrankvote(kind, path)
    if kind == "split":
        return _split(path)
    if kind == "blt-stv":
        return _stv(path)
    if kind.startswith("candidates-"):
        return _many_candidates(kind.removeprefix("candidates-"), path)
    raise ValueError(f"unknown measurement {kind!r}")


def write_blt_copy(source: Path, target: Path) -> None:
    """The ballots of a CVR CSV `source` as a BLT file: one line per ballot (weight 1), in the
    same order, candidates numbered in the order the CSV reader learns them."""
    index: dict[str, int] = {}
    lines: list[str] = []
    with source.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        for row in rows:
            marks = [str(index.setdefault(c, len(index)) + 1) for c in row[2:] if c]
            lines.append(" ".join(["1", *marks, "0"]))
    names = [f'"{name}"' for name in index]
    text = "\n".join([f"{len(index)} {SEATS}", *lines, "0", *names, f'"{source.stem}"'])
    target.write_text(text + "\n", encoding="utf-8")


def _split(path: Path) -> dict[str, Any]:
    """A plain `bytes.split()` of the file's bytes (read beforehand, untimed)."""
    data = path.read_bytes()
    _, split = _timed(data.split)
    return {"split": split[0], "split_cpu": split[1], "bytes": len(data)}


def _stv(path: Path) -> dict[str, Any]:
    """17-seat Scottish STV end to end from `path` (BLT or CVR CSV)."""
    if path.suffix == ".blt":
        election, read = _timed(lambda: read_blt(path))
    else:
        cvr, read = _timed(lambda: read_cvr(path, progress=False))
        election, convert = _timed(lambda: cvr.election(seats=SEATS))
        read = _plus(read, convert)
    prefs, clean = _timed(lambda: election.preferences(STV_RULES))
    result, count = _timed(lambda: count_scottish_stv(election, tie_breaker=LOT, preferences=prefs))
    return _report(_plus(read, clean), count, result)


def _median(runs: list[dict[str, Any]], key: str) -> dict[str, Any]:
    return sorted(runs, key=lambda figures: figures[key])[len(runs) // 2]


def run_blt(size: int, data: Path, runs: int = 3) -> list[str]:
    """BLT beside CVR CSV on the same ballots: the median of `runs` fresh processes each."""
    source = data / f"random-{size}-seed{SEED}.csv"
    if not source.is_file():
        run_child("generate", source, str(size))
    target = source.with_suffix(".blt")
    if not target.is_file():
        run_child("blt-copy", target, str(source))
    lines = [
        f"### BLT beside CVR CSV: {size:,} ballots, Scottish STV, {SEATS} seats",
        "",
        f"The same ballots as `{source.name}`, one BLT line per ballot (`{target.name}`). "
        f"Each figure is the median of {runs} fresh processes (by CPU time); `bytes.split()` "
        "is a plain split of the file's bytes on whitespace (in its own processes, so that "
        "its 7 to 20 million small objects do not weigh on the count's peak memory).",
        "",
        "| file | size | bytes.split() | read | count alone | end to end "
        "| × split (CPU) | peak memory | elected |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    elected = []
    for path in (target, source):
        split = _median([run_child("split", path) for _ in range(runs)], "split_cpu")
        figures = _median([run_child("blt-stv", path) for _ in range(runs)], "total_cpu")
        figures.update(split)
        elected.append(figures["elected"])
        ratio = figures["total_cpu"] / figures["split_cpu"]
        lines.append(
            f"| {path.suffix[1:].upper()} | {figures['bytes'] / 1e6:.1f} MB "
            f"| {_s(figures, 'split')} | {_s(figures, 'read')} | {_s(figures, 'count')} "
            f"| {_s(figures, 'total')} | {ratio:.1f}× | {figures['peak_mb']:.0f} MB "
            f"| {len(figures['elected'])} |"
        )
        print(lines[-1], flush=True)
    same = "the same" if elected[0] == elected[1] else "NOT the same"
    return [*lines, "", f"BLT and CSV elected {same} {SEATS} candidates.", ""]


def write_many_candidates(path: Path, candidates: int) -> None:
    """A BLT file: `candidates` candidates, one ballot for each and two more for the first."""
    lines = [f"{candidates} 1", "2 1 0", *(f"1 {i + 1} 0" for i in range(candidates)), "0"]
    lines += [f'"Candidate {i + 1}"' for i in range(candidates)] + ['"Many candidates"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _many_candidates(method: str, path: Path) -> dict[str, Any]:
    """`moim tally FILE --method METHOD --json`, in this process, output discarded."""
    with open(os.devnull, "w", encoding="utf-8") as sink:
        stdout, sys.stdout = sys.stdout, sink
        try:
            code, total = _timed(lambda: cli.main([str(path), "--method", method, "--json"]))
        finally:
            sys.stdout = stdout
    if code != cli.EXIT_OK:
        raise RuntimeError(f"moim tally {path.name} --method {method} exited {code}")
    return {"total": total[0], "total_cpu": total[1], "peak_mb": _peak_mb()}


def run_candidates(counts: Sequence[int], data: Path) -> list[str]:
    """Single-round methods over many candidates; returns the Markdown lines of the table."""
    lines = [
        "| candidates | " + " | ".join(SINGLE_ROUND) + " |",
        "|---|" + "---|" * len(SINGLE_ROUND),
    ]
    for candidates in counts:
        path = data / f"candidates-{candidates}.blt"
        if not path.is_file():
            data.mkdir(parents=True, exist_ok=True)
            write_many_candidates(path, candidates)
        cells = [_s(run_child(f"candidates-{m}", path), "total") for m in SINGLE_ROUND]
        lines.append(f"| {candidates:,} | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    return [*lines, ""]


def _report(read: Timing, count: Timing, result: Result) -> dict[str, Any]:
    total = _plus(read, count)
    return {
        "read": read[0],
        "count": count[0],
        "total": total[0],
        "read_cpu": read[1],
        "count_cpu": count[1],
        "total_cpu": total[1],
        "peak_mb": _peak_mb(),
        "elected": sorted(result.elected),
        "rounds": len(result.rounds),
        "ties": len(result.ties),
    }


def _minneapolis() -> Path:
    configured = os.environ.get("MOIM_CONFORMANCE_DIR")
    base = Path(configured) if configured else ROOT.parent / "shared" / "conformance"
    return base / "irv" / "minneapolis-2013-mayor"


def _check_minneapolis(result: Result) -> str:
    expected = json.loads((_minneapolis() / "expected.json").read_text(encoding="utf-8"))
    if len(result.rounds) != len(expected["rounds"]):
        return f"FAILED: {len(result.rounds)} rounds, expected {len(expected['rounds'])}"
    for mine, theirs in zip(result.rounds, expected["rounds"], strict=True):
        want = {k: int(v) * REPEAT for k, v in theirs["tally"].items()}
        if {k: int(v) for k, v in mine.votes.items()} != want:
            return f"FAILED at round {theirs['round']}"
        lost = {k: int(v) * REPEAT for k, v in theirs["inactive"].items()}
        if {k: int(v) for k, v in mine.inactive.items()} != lost:
            return f"FAILED (inactive) at round {theirs['round']}"
    if result.elected != [expected["winner"]]:
        return "FAILED: winner"
    return f"all {len(result.rounds)} rounds = 13 × RCTab's tallies and inactive counts"


def _pyrankvote(kind: str, path: Path) -> dict[str, Any]:
    pyrankvote = importlib.import_module("pyrankvote")  # the optional 'bench' group

    cvr = read_cvr(path, progress=False)
    people = {name: pyrankvote.Candidate(name) for name in cvr.candidates}
    ballots = _pyrankvote_ballots(cvr, people, pyrankvote.Ballot)
    candidates = list(people.values())
    if kind == "pyrankvote-irv":
        outcome, timing = _timed(lambda: pyrankvote.instant_runoff_voting(candidates, ballots))
    else:
        outcome, timing = _timed(
            lambda: pyrankvote.single_transferable_vote(candidates, ballots, number_of_seats=SEATS)
        )
    elected = sorted(c.name for c in outcome.get_winners())
    return {
        "count": timing[0],
        "count_cpu": timing[1],
        "peak_mb": _peak_mb(),
        "elected": elected,
    }


def _pyrankvote_ballots(cvr: CvrBallots, people: dict[str, Any], ballot: Any) -> list[Any]:
    out: list[Any] = []
    for row, weight in zip(cvr.cells.tolist(), cvr.weights.tolist(), strict=True):
        ranked = [people[cvr.candidates[c]] for c in row if c >= 0]
        out.extend(ballot(ranked_candidates=ranked) for _ in range(weight))
    return out


def run_child(kind: str, path: Path, *extra: str) -> dict[str, Any]:
    """Run one step in a fresh interpreter and return its figures.

    Every step runs in its own process so that its peak memory (ru_maxrss) is its own: this
    process never holds a large file.
    """
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path), *extra],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{kind} on {path.name} failed:\n{done.stderr}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({model or platform.processor() or 'unknown CPU'}), "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"NumPy {np.__version__}; load average at start {load}"
    )


def _s(figures: dict[str, Any] | None, key: str) -> str:
    """Wall-clock seconds, with the CPU seconds of the process in brackets."""
    if figures is None:
        return "not run"
    return f"{figures[key]:.2f} s ({figures[key + '_cpu']:.2f})"


def run_all(sizes: Sequence[int], data: Path, *, pyrankvote: bool) -> list[str]:
    """Every measurement; returns the Markdown lines of the report."""
    lines: list[str] = []
    for size in sizes:
        path = data / f"random-{size}-seed{SEED}.csv"
        if not path.is_file():
            print(f"generating {path} ...", flush=True)
            run_child("generate", path, str(size))
        print(f"{size:,} ballots ...", flush=True)
        irv = run_child("irv", path)
        stv = run_child("stv", path)
        rows = [
            ("IRV", irv, "pyrankvote-irv"),
            (f"Scottish STV, {SEATS} seats", stv, "pyrankvote-stv"),
        ]
        lines += [
            f"### {size:,} ballots ({path.name})",
            "",
            "| count | read | count alone | end to end | peak memory | rounds "
            "| pyrankvote count | × (count) | × (end to end) | same elected |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for label, mine, other in rows:
            theirs = run_child(other, path) if pyrankvote and size <= PYRANKVOTE_LIMIT else None
            speed = overall = "not run"
            if theirs:
                speed = f"{theirs['count_cpu'] / mine['count_cpu']:,.0f}×"
                overall = f"{theirs['count_cpu'] / mine['total_cpu']:,.0f}×"
            same = (
                "—" if theirs is None else ("yes" if theirs["elected"] == mine["elected"] else "no")
            )
            lines.append(
                f"| {label} | {_s(mine, 'read')} | {_s(mine, 'count')} | {_s(mine, 'total')} "
                f"| {mine['peak_mb']:.0f} MB | {mine['rounds']} "
                f"| {_s(theirs, 'count')} | {speed} | {overall} | {same} |"
            )
            print(lines[-1], flush=True)
        if irv["ties"] or stv["ties"]:
            lines.append("")
            lines.append(
                f"Ties broken by lot: IRV {irv['ties']}, STV {stv['ties']} (pyrankvote breaks "
                "them its own way, so an elected set may differ for that reason alone)."
            )
        lines.append("")
    return lines


def run_minneapolis(data: Path) -> list[str]:
    source = _minneapolis() / "ballots.csv"
    if not source.is_file():
        return [f"Minneapolis 2013 ×{REPEAT}: not run (no conformance data at {source})", ""]
    path = data / f"minneapolis-2013-x{REPEAT}.csv"
    if not path.is_file():
        run_child("repeat", path, str(source))
    print(f"{path.name} ...", flush=True)
    figures = run_child("minneapolis", path)
    lines = [
        f"### Minneapolis 2013 mayor ×{REPEAT} (1,041,313 ballots, {path.name})",
        "",
        "RCTab's 2013 rules from the case's `rctab-config.json` (batch elimination, overvote "
        "exhausts, one skipped rank allowed).",
        "",
        "| read | count | end to end | peak memory (ru_maxrss) | rounds | check |",
        "|---|---|---|---|---|---|",
        f"| {_s(figures, 'read')} | {_s(figures, 'count')} | {_s(figures, 'total')} "
        f"| {figures['peak_mb']:.0f} MB | {figures['rounds']} | {figures['check']} |",
        "",
    ]
    print(lines[-2], flush=True)
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/counting.py", description=__doc__)
    parser.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES))
    parser.add_argument("--data", default=str(ROOT / "bench-data"))
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--no-pyrankvote", action="store_true")
    parser.add_argument("--no-minneapolis", action="store_true")
    parser.add_argument("--candidates", default=",".join(str(c) for c in DEFAULT_CANDIDATES))
    parser.add_argument("--only-candidates", action="store_true")
    parser.add_argument("--blt-size", type=int, default=BLT_SIZE)
    parser.add_argument("--only-blt", action="store_true")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, target, *extra = args.child
        if kind == "generate":
            generate(Path(target), int(extra[0]))
            print("{}")
        elif kind == "blt-copy":
            write_blt_copy(Path(extra[0]), Path(target))
            print("{}")
        elif kind == "repeat":
            repeat_file(Path(extra[0]), Path(target), REPEAT)
            print("{}")
        else:
            print(json.dumps(measure(kind, Path(target))))
        return 0
    data = Path(args.data)
    header = machine()
    candidates = [int(c) for c in args.candidates.split(",") if c]
    if args.only_blt:
        print(header, flush=True)
        write_report(Path(args.out), header, run_blt(args.blt_size, data), "blt")
        print(f"written to {args.out}")
        return 0
    if args.only_candidates:
        print(header, flush=True)
        write_report(Path(args.out), header, run_candidates(candidates, data), "candidates")
        print(f"written to {args.out}")
        return 0
    if not args.no_pyrankvote:
        try:
            importlib.import_module("pyrankvote")
        except ImportError:
            print("pyrankvote is missing: pip install -e '.[bench]' (make bench does it)")
            return 1
    sizes = [int(s) for s in args.sizes.split(",") if s]
    print(header, flush=True)
    body = run_all(sizes, data, pyrankvote=not args.no_pyrankvote)
    if not args.no_minneapolis:
        body += run_minneapolis(data)
    write_report(Path(args.out), header, body)
    write_report(Path(args.out), header, run_candidates(candidates, data), "candidates")
    write_report(Path(args.out), header, run_blt(args.blt_size, data), "blt")
    print(f"written to {args.out}")
    return 0


def write_report(path: Path, header: str, body: list[str], part: str = "") -> None:
    """Replace a generated part of docs/benchmarks.md, keeping the text written by hand."""
    marker = f"bench:{part}:" if part else "bench:"
    start, end = f"<!-- {marker}start -->", f"<!-- {marker}end -->"
    note = "Times: wall-clock seconds, and in brackets the CPU seconds of the measuring process."
    generated = "\n".join([start, "", f"Machine: {header}.", "", note, "", *body, end])
    text = (
        path.read_text(encoding="utf-8") if path.is_file() else f"# Benchmarks\n\n{start}\n{end}\n"
    )
    if start in text and end in text:
        text = text[: text.index(start)] + generated + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + generated + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
