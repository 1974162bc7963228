"""The BLT ballot file format (ERS, OpenSTV, Droop).

```
4 2                 candidates, seats
-4                  optional withdrawn candidates (negative numbers), or [withdrawn 4]
[tie 3 2 1]         optional tie-break order; [nick a b c] lets ballots name candidates
3 1 2 0             weight, preferences, 0; "b=c" ranks two equally, "-" skips a rank
0                   end of ballots
"Name 1" ... "Title" then any further quoted or plain text (kept as comments)
```

The reader streams: ballot lines are grouped as they are read, so a large file is never held
twice. A ballot without preferences (``1 0``) is not counted; a weight below 1, a candidate
ranked twice on one ballot, or a number longer than `MAX_NUMBER_DIGITS` digits is an error. Runs
of whitespace in names are collapsed to one space. Any malformed line raises `BltError` with its
line number.
"""

from __future__ import annotations

import functools
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

import numpy as np

from moim.tally.ballots import (
    BallotRules,
    Candidate,
    Election,
    Preferences,
    RankCell,
    RawBallot,
    RawBallots,
    check_total_weight,
)
from moim.tally.formats.blt_fast import BltBallots, scan_ballots
from moim.tally.matrix import LazyRawBallots

_OPTION = re.compile(r"^\[\s*(\w+)((?:\s+[^\s\]]+)*)\s*\]$")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPE = re.compile(r"\\(.)")
_WHOLE = re.compile(r"-?[0-9]+")
MAX_NUMBER_DIGITS = 40
"""Longer numbers are refused as they are read (weights far beyond any count's limit)."""


class BltError(ValueError):
    """A malformed BLT file; the message starts with the line number."""

    def __init__(self, line: int, problem: str):
        self.line = line
        self.problem = problem
        super().__init__(f"line {line}: {problem}")


def _collapse(name: str) -> str:
    return " ".join(_ESCAPE.sub(r"\1", name).split())


def read_blt(
    source: str | os.PathLike[str] | IO[str],
    *,
    progress: Callable[[int], None] | None = None,
) -> Election:
    """Read a BLT file (a path or an open text stream).

    `progress`, if given, is called with the number of characters consumed, line by line.
    """
    if isinstance(source, str | os.PathLike):
        fast = _read_fast(Path(source).read_bytes(), progress)
        if fast is not None:
            return fast
        with Path(source).open(encoding="utf-8-sig", newline="") as handle:
            return _read(handle, progress)
    return _read(source, progress)


def loads_blt(text: str) -> Election:
    return _read(io.StringIO(text), None)


def _numbered(stream: IO[str], progress: Callable[[int], None] | None) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(stream, start=1):
        if progress is not None:
            progress(len(line))
        yield number, line


def _read(stream: IO[str], progress: Callable[[int], None] | None) -> Election:
    lines = _numbered(stream, progress)
    n_candidates, seats = _header(lines)
    withdrawn: set[int] = set()
    tie_order: tuple[int, ...] | None = None
    nicks: dict[str, int] = {}
    grouped: dict[RawBallot, int] = {}
    ended = False
    number = 1
    for number, line in lines:
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        if text.startswith("["):
            found = _option_line(number, text, n_candidates, nicks, withdrawn)
            tie_order = tie_order if found[0] is None else found[0]
            nicks = found[1]
            continue
        tokens = text.split()
        if tokens[0].startswith("-") and not grouped:
            _withdrawn_line(number, tokens, n_candidates, withdrawn)
            continue
        if tokens == ["0"]:
            ended = True
            break
        ballot, weight = _ballot(number, tokens, n_candidates, nicks)
        if ballot:
            grouped[ballot] = grouped.get(ballot, 0) + weight
    if not ended:
        raise BltError(number, "the ballots do not end with a line holding 0")
    names, title, comments = _tail(lines, n_candidates)
    candidates = tuple(Candidate(n, i in withdrawn) for i, n in enumerate(names))
    raw = RawBallots(tuple(grouped), tuple(grouped.values()))
    return Election(title, candidates, seats, raw, tie_order, comments)


def _option_line(
    number: int, text: str, n_candidates: int, nicks: dict[str, int], withdrawn: set[int]
) -> tuple[tuple[int, ...] | None, dict[str, int]]:
    """Apply one ``[option]`` line: the tie order it gives (if any) and the nicknames in force."""
    name, values = _option(number, text)
    if name == "withdrawn":
        withdrawn.update(_candidate_numbers(number, values, n_candidates, nicks))
    elif name == "tie":
        tie_order = tuple(_candidate_numbers(number, values, n_candidates, nicks))
        if len(set(tie_order)) != len(tie_order):
            raise BltError(number, "[tie] names a candidate twice")
        return tie_order, nicks
    elif name == "nick":
        if len(values) != n_candidates:
            raise BltError(number, f"[nick] names {len(values)} of {n_candidates}")
        nicks = {v: i for i, v in enumerate(values)}
        if len(nicks) != n_candidates:
            raise BltError(number, "[nick] gives two candidates the same nickname")
    else:
        raise BltError(number, f"unknown option [{name}]")
    return None, nicks


def _withdrawn_line(number: int, tokens: list[str], n_candidates: int, withdrawn: set[int]) -> None:
    for token in tokens:
        value = _int(number, token, "a withdrawn candidate")
        if not -n_candidates <= value <= -1:
            raise BltError(number, f"withdrawn candidate {token} is not -1..-{n_candidates}")
        withdrawn.add(-value - 1)


class _Careful(Exception):
    """The block reader met something only the line-by-line reader reads exactly."""


def _read_fast(data: bytes, progress: Callable[[int], None] | None) -> Election | None:
    """The file read as a block (see `moim.tally.formats.blt_fast`), or None when the careful
    reader must read it: on any error, so that it alone words the errors."""
    try:
        return _block(data, progress)
    except (_Careful, BltError, UnicodeDecodeError):
        return None


class _Lines:
    """The first lines of a file, numbered; `start` is where the last one given begins."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.number = 0
        self.start = 0
        self._next = 0

    def __iter__(self) -> Iterator[tuple[int, str]]:
        while self._next < len(self.data):
            self.start = self._next
            end = self.data.find(b"\n", self.start)
            end = len(self.data) if end < 0 else end
            self._next = end + 1
            self.number += 1
            yield self.number, self.data[self.start : end].decode("utf-8")
        self.start = len(self.data)


def _block(data: bytes, progress: Callable[[int], None] | None) -> Election | None:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    characters = len(data)
    if b"\r" in data:
        if data.count(b"\r") != data.count(b"\r\n"):
            return None  # a lone carriage return ends a line for the careful reader only
        data = data.replace(b"\r\n", b"\n")
    if progress is not None and not data.isascii():
        characters -= int(np.count_nonzero((np.frombuffer(data, np.uint8) & 0xC0) == 0x80))
    head = _Lines(data)
    n_candidates, seats = _header(iter(head))
    withdrawn: set[int] = set()
    tie_order: tuple[int, ...] | None = None
    for number, line in head:
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        if text.startswith("["):
            found = _option_line(number, text, n_candidates, {}, withdrawn)
            if found[1]:
                return None  # nicknames: the careful reader
            tie_order = tie_order if found[0] is None else found[0]
            continue
        tokens = text.split()
        if tokens[0].startswith("-"):
            _withdrawn_line(number, tokens, n_candidates, withdrawn)
            continue
        break

    def parse(raw: bytes) -> tuple[RawBallot, int] | None:
        text = raw.decode("utf-8").split("#", 1)[0].strip()
        if not text:
            return None
        if text.startswith(("[", "-")) or text == "0":
            raise _Careful
        return _ballot(0, text.split(), n_candidates, {})

    if not data.endswith(b"\n"):
        data += b"\n"
    scanned = scan_ballots(data, head.start, n_candidates, parse)
    if scanned is None:
        return None  # no line "0" ends the ballots, or a line for the careful reader
    tail = data[scanned.end + 2 :].split(b"\n")
    tail.pop()  # after the last newline
    first = head.number + scanned.lines + 1  # the number of the line after the "0"
    names, title, comments = _tail(
        ((first + i, line.decode("utf-8")) for i, line in enumerate(tail)), n_candidates
    )
    ballots = scanned.ballots(names)
    if progress is not None:
        progress(characters)
    candidates = tuple(Candidate(n, i in withdrawn) for i, n in enumerate(names))
    return Election(
        title,
        candidates,
        seats,
        LazyRawBallots(ballots),
        tie_order,
        comments,
        converter=functools.partial(_convert, ballots),
    )


def _convert(ballots: BltBallots, rules: BallotRules, drop: frozenset[int]) -> Preferences:
    """The clean form as a block, refused past the limit `to_preferences` holds every count to."""
    check_total_weight(ballots.total, method="Moim")
    return ballots.preferences(rules, drop=drop)


def _header(lines: Iterator[tuple[int, str]]) -> tuple[int, int]:
    for number, line in lines:
        tokens = line.split("#", 1)[0].split()
        if not tokens:
            continue
        if len(tokens) != 2:
            raise BltError(number, "the first line must hold two numbers: candidates and seats")
        candidates = _int(number, tokens[0], "the number of candidates")
        seats = _int(number, tokens[1], "the number of seats")
        if candidates < 1 or seats < 1:
            raise BltError(number, "candidates and seats must be at least 1")
        if seats > candidates:
            raise BltError(number, f"{seats} seats but only {candidates} candidates")
        return candidates, seats
    raise BltError(1, "the file is empty")


def _option(number: int, text: str) -> tuple[str, list[str]]:
    match = _OPTION.match(text)
    if match is None:
        raise BltError(number, f"malformed option {text!r}")
    return match.group(1).lower(), match.group(2).split()


def _int(number: int, token: str, what: str) -> int:
    if _WHOLE.fullmatch(token) is None:
        raise BltError(number, f"{token[:40]!r} is not a whole number ({what})")
    if len(token.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise BltError(
            number, f"{what} has {len(token.lstrip('-'))} digits, more than {MAX_NUMBER_DIGITS}"
        )
    return int(token)


def _candidate_numbers(
    number: int, values: Iterable[str], n_candidates: int, nicks: dict[str, int]
) -> list[int]:
    return [_candidate(number, v, n_candidates, nicks) for v in values]


def _candidate(number: int, token: str, n_candidates: int, nicks: dict[str, int]) -> int:
    if token in nicks:
        return nicks[token]
    if nicks and not token.lstrip("-").isdigit():
        raise BltError(number, f"unknown candidate nickname {token!r}")
    value = _int(number, token, "a candidate")
    if not 1 <= value <= n_candidates:
        raise BltError(number, f"candidate {value} is not between 1 and {n_candidates}")
    return value - 1


def _ballot(
    number: int, tokens: list[str], n_candidates: int, nicks: dict[str, int]
) -> tuple[RawBallot, int]:
    if tokens[0].startswith("("):  # an optional ballot id, "(id)"
        tokens = tokens[1:]
        if not tokens:
            raise BltError(number, "a ballot id without a ballot")
    weight = _int(number, tokens[0], "the ballot weight")
    if weight < 1:
        raise BltError(number, f"ballot weight {weight}: a weight must be at least 1")
    if tokens[-1] != "0":
        raise BltError(number, "a ballot line must end with 0")
    cells: list[RankCell] = []
    seen: set[int] = set()
    for token in tokens[1:-1]:
        if token == "-":
            cells.append(())
            continue
        cell = tuple(_candidate(number, t, n_candidates, nicks) for t in token.split("="))
        for candidate in cell:
            if candidate in seen:
                raise BltError(number, f"candidate {candidate + 1} is ranked twice")
            seen.add(candidate)
        cells.append(cell)
    return tuple(cells), weight


def _tail(
    lines: Iterator[tuple[int, str]], n_candidates: int
) -> tuple[list[str], str, tuple[str, ...]]:
    """Names, title and whatever follows (quoted strings or plain text lines)."""
    strings: list[tuple[int, str]] = []
    extra: list[str] = []
    last = 0
    for number, line in lines:
        last = number
        found = _QUOTED.findall(line)
        if found:
            strings.extend((number, s) for s in found)
        elif line.strip():
            if len(strings) < n_candidates:
                raise BltError(number, f"expected a quoted candidate name, found {line.strip()!r}")
            extra.append(line.strip())
    if len(strings) < n_candidates:
        raise BltError(last, f"{len(strings)} candidate names for {n_candidates} candidates")
    names = [_collapse(s) for _, s in strings[:n_candidates]]
    if len(set(names)) != len(names):
        raise BltError(strings[0][0], "two candidates have the same name")
    title = _collapse(strings[n_candidates][1]) if len(strings) > n_candidates else ""
    comments = tuple(_collapse(s) for _, s in strings[n_candidates + 1 :]) + tuple(extra)
    return names, title, comments


def write_blt(election: Election, stream: IO[str]) -> None:
    """Write `election` as BLT (grouped ballots, `[withdrawn]` and `[tie]` options as needed,
    its comments as quoted strings after the title)."""
    n = len(election.candidates)
    stream.write(f"{n} {election.seats}\n")
    if election.withdrawn:
        stream.write("[withdrawn " + " ".join(str(i + 1) for i in sorted(election.withdrawn)))
        stream.write("]\n")
    if election.tie_order is not None:
        stream.write("[tie " + " ".join(str(i + 1) for i in election.tie_order) + "]\n")
    for ballot, weight in zip(election.ballots.ballots, election.ballots.weights, strict=True):
        cells = []
        for cell in ballot:
            if any(c < 0 for c in cell):
                raise ValueError("BLT cannot record unnamed overvotes or undeclared write-ins")
            cells.append("=".join(str(c + 1) for c in cell) if cell else "-")
        stream.write(" ".join([str(weight), *cells, "0"]) + "\n")
    stream.write("0\n")
    for text in [*election.names, election.title, *election.comments]:
        stream.write(_quote(text) + "\n")


def dumps_blt(election: Election) -> str:
    out = io.StringIO()
    write_blt(election, out)
    return out.getvalue()


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
